"""Setup comments (``<!-- torchnotes: setup ... -->``): code that runs and is not shown."""

from __future__ import annotations

from sybil.typing import Evaluator

from pytest_torchnotes.markdown.blocks import SetupBlock
from pytest_torchnotes.markdown.regions.parser import KindParser
from pytest_torchnotes.markdown.regions.reading import Parsed
from pytest_torchnotes.run.kinds import SETUP


class SetupParser(KindParser):
    """One region per setup comment, evaluated by :data:`~pytest_torchnotes.run.kinds.SETUP`."""

    name = "a setup comment"

    @staticmethod
    def reads(parsed: Parsed) -> bool:
        return isinstance(parsed, SetupBlock)

    def evaluator(self, parsed: Parsed) -> Evaluator:
        return SETUP
