"""Python blocks whose expected output is a section of their own (an ``=== output ===``
marker, an output fence, indented text, ``# Output:`` comments, ``output`` directives) or
that have none: every Python block that is not a transcript, whatever its output convention.

:func:`~pytest_torchnotes.markdown.regions.note_parsers` gives one parser per convention
(:mod:`.conventions`) instead; this one is kept for lists that name it.
"""

from __future__ import annotations

from sybil.typing import Evaluator

from pytest_torchnotes.markdown.regions.parser import KindParser
from pytest_torchnotes.markdown.regions.reading import OUTPUT_BLOCK, Parsed
from pytest_torchnotes.run import kinds


class OutputBlockParser(KindParser):
    """One region per block with an output section (or none), of every output convention,
    evaluated by :data:`~pytest_torchnotes.run.kinds.OUTPUT_BLOCK`.

    In a list with the parsers of single conventions (:mod:`.conventions`), a block is the
    region of the first of them in the list that reads it: before them, this one yields
    every ordinary block and they yield none; after them, it yields the blocks of the
    conventions they leave out. No block is yielded twice."""

    kind = OUTPUT_BLOCK
    name = "a Python block"

    def evaluator(self, parsed: Parsed) -> Evaluator:
        return kinds.OUTPUT_BLOCK
