"""Setup comments (``<!-- torchnotes: setup ... -->``): code that runs and is not shown."""

from __future__ import annotations

from sybil.typing import Evaluator

from pytest_torchnotes.markdown.regions.parser import KindParser
from pytest_torchnotes.markdown.regions.reading import SETUP, Parsed
from pytest_torchnotes.run import kinds


class SetupParser(KindParser):
    """One region per setup comment, evaluated by :data:`~pytest_torchnotes.run.kinds.SETUP`."""

    kind = SETUP
    name = "a setup comment"

    def evaluator(self, parsed: Parsed) -> Evaluator:
        return kinds.SETUP
