"""``>>>`` transcripts: a block of doctest examples, each with its output under its prompt."""

from __future__ import annotations

from sybil.typing import Evaluator

from pytest_torchnotes.markdown.regions.parser import KindParser
from pytest_torchnotes.markdown.regions.reading import TRANSCRIPT, Parsed
from pytest_torchnotes.run import kinds


class TranscriptParser(KindParser):
    """One region per ``>>>`` transcript (:mod:`pytest_torchnotes.markdown.transcripts`
    found it), evaluated by :data:`~pytest_torchnotes.run.kinds.TRANSCRIPT`."""

    kind = TRANSCRIPT
    name = "a >>> transcript"

    def evaluator(self, parsed: Parsed) -> Evaluator:
        return kinds.TRANSCRIPT
