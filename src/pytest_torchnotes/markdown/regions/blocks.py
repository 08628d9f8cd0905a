"""Python blocks whose expected output is a section of their own (an ``=== output ===``
marker, an output fence, indented text, ``# Output:`` comments, ``output`` directives) or
that have none: every Python block that is not a transcript."""

from __future__ import annotations

from sybil.typing import Evaluator

from pytest_torchnotes.markdown.regions.parser import KindParser
from pytest_torchnotes.markdown.regions.reading import OUTPUT_BLOCK, Parsed
from pytest_torchnotes.run import kinds


class OutputBlockParser(KindParser):
    """One region per block with an output section (or none), evaluated by
    :data:`~pytest_torchnotes.run.kinds.OUTPUT_BLOCK`."""

    kind = OUTPUT_BLOCK
    name = "a Python block"

    def evaluator(self, parsed: Parsed) -> Evaluator:
        return kinds.OUTPUT_BLOCK
