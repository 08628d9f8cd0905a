"""``>>>`` transcripts: a block of doctest examples, each with its output under its prompt."""

from __future__ import annotations

from sybil.typing import Evaluator

from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.regions.parser import KindParser
from pytest_torchnotes.markdown.regions.reading import Parsed
from pytest_torchnotes.run.kinds import TRANSCRIPT


class TranscriptParser(KindParser):
    """One region per ``>>>`` transcript (:mod:`pytest_torchnotes.markdown.transcripts`
    found it), evaluated by :data:`~pytest_torchnotes.run.kinds.TRANSCRIPT`."""

    name = "a >>> transcript"

    @staticmethod
    def reads(parsed: Parsed) -> bool:
        return isinstance(parsed, Block) and parsed.doctest and parsed.ipython is None

    def evaluator(self, parsed: Parsed) -> Evaluator:
        return TRANSCRIPT
