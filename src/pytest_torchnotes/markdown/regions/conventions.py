"""Ordinary Python blocks, one parser per output convention: where the block's expected
output is written (an ``=== output ===`` marker, an output fence, indented text, ``# Output:``
comments) or that none is.

Each convention is a lexer and a parser, as Sybil pairs them. The lexer half is the
convention's functions in :data:`~pytest_torchnotes.markdown.parsers.OUTPUT_CONVENTIONS`
(:attr:`ConventionParser.conventions`), which read its text into a block's draft during the
one reading of the note: they decide among themselves which fence is whose output, so they
are asked in one pass. The parser half is the class below, which yields a region for each
block whose output section its convention read (:attr:`ConventionParser.section`, the kind of
that section). All their regions run the same way, evaluated by
:data:`~pytest_torchnotes.run.kinds.OUTPUT_BLOCK`.
The ``output`` directive is not a convention of its own: it gives output for other versions
beside the block's section, or beside none (:class:`NoOutputParser`).
"""

from __future__ import annotations

from typing import ClassVar

from sybil.typing import Evaluator

from pytest_torchnotes.markdown import (
    commentoutput,
    indented,
    marker,
    outputfence,
    pandoc_outputs,
    quoted_output,
    string_output,
)
from pytest_torchnotes.markdown.context import Convention
from pytest_torchnotes.markdown.regions.parser import KindParser
from pytest_torchnotes.markdown.regions.reading import NO_OUTPUT, OUTPUT_BLOCK, Parsed
from pytest_torchnotes.run import kinds


class ConventionParser(KindParser):
    """One region per ordinary block whose output section one convention read, evaluated by
    :data:`~pytest_torchnotes.run.kinds.OUTPUT_BLOCK`."""

    kind = OUTPUT_BLOCK
    section: ClassVar[str]
    #: The functions of ``OUTPUT_CONVENTIONS`` that read this convention's text (its lexer).
    conventions: ClassVar[tuple[Convention, ...]]

    def evaluator(self, parsed: Parsed) -> Evaluator:
        return kinds.OUTPUT_BLOCK


class MarkerOutputParser(ConventionParser):
    """Blocks with their output under an ``======== output ==========`` marker inside the
    fence, read by :func:`.marker.read`, or under a label in a string that ends the block,
    read by :func:`.string_output.read`."""

    section = "marker"
    name = "a block with its output under an output marker"
    conventions = (marker.read, string_output.read)


class OutputFenceParser(ConventionParser):
    """Blocks with their output in the fence after them, with or without a label line
    between (``**Output:**``, a ``<summary>``, a titled fence), read by
    :func:`.outputfence.read`."""

    section = "fence"
    name = "a block with its output in an output fence"
    conventions = (outputfence.read,)


class QuotedOutputParser(ConventionParser):
    """Blocks with their output in a block quote after them (``> tensor([1, 2])``), read by
    :func:`.quoted_output.read`."""

    section = quoted_output.KIND
    name = "a block with its output in a block quote"
    conventions = (quoted_output.read,)


class IndentedOutputParser(ConventionParser):
    """Blocks with their output in indented text after them (``jupyter nbconvert --to
    markdown``), found by :func:`.indented.find` and read by :func:`.indented.read` when no
    output fence is, or in pandoc's output divs after them, read by
    :func:`.pandoc_outputs.read`."""

    section = indented.KIND
    name = "a block with its output indented after it"
    conventions = (pandoc_outputs.read, indented.find, indented.read)


class CommentOutputParser(ConventionParser):
    """Blocks with their output in comments under ``# Output:`` (or ``#>`` lines) at their
    end, read by :func:`.commentoutput.read` (with ``torchnotes_comment_output``)."""

    section = "comments"
    name = "a block with its output in # Output: comments"
    conventions = (commentoutput.read,)


class NoOutputParser(ConventionParser):
    """Blocks with no output section: none of the conventions read one (their ``output``
    directives, if any, still give the output of the versions they name). They run, and
    what they print is not compared."""

    section = NO_OUTPUT
    name = "a Python block with no output section"
    conventions = ()


#: The parser of each output convention, in the order of ``OUTPUT_CONVENTIONS``.
CONVENTION_PARSERS: tuple[type[ConventionParser], ...] = (
    MarkerOutputParser,
    QuotedOutputParser,
    OutputFenceParser,
    IndentedOutputParser,
    CommentOutputParser,
    NoOutputParser,
)
