"""The Sybil parsers of a note, one per kind of region and, for ordinary blocks, one per
output convention, over one reading of the note.

Each parser yields the regions of its kind with the evaluator of that kind
(:mod:`pytest_torchnotes.run.kinds`, :mod:`pytest_torchnotes.run.directives`). The plugin
parses every note with :func:`note_parsers`; Sybil's entry point
(:func:`pytest_torchnotes.sybil.parsers`) gives the same list. A part of a note whose parser
is left out of the list is not dropped: :func:`~.reading.settle` makes it a problem of the
note. :class:`OutputBlockParser` yields the ordinary blocks of every convention, for a list
that names it; with the parsers of single conventions, a block is the region of the first
parser of the list that reads it.
"""

from __future__ import annotations

from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.markdown.regions.blocks import OutputBlockParser
from pytest_torchnotes.markdown.regions.conventions import (
    CONVENTION_PARSERS,
    CommentOutputParser,
    ConventionParser,
    IndentedOutputParser,
    MarkerOutputParser,
    NoOutputParser,
    OutputFenceParser,
    QuotedOutputParser,
)
from pytest_torchnotes.markdown.regions.directives import DirectiveParser
from pytest_torchnotes.markdown.regions.ipython import IPythonParser
from pytest_torchnotes.markdown.regions.parser import KindParser
from pytest_torchnotes.markdown.regions.setup import SetupParser
from pytest_torchnotes.markdown.regions.transcripts import TranscriptParser

__all__ = [
    "CONVENTION_PARSERS",
    "PARSERS",
    "CommentOutputParser",
    "ConventionParser",
    "DirectiveParser",
    "IPythonParser",
    "IndentedOutputParser",
    "KindParser",
    "MarkerOutputParser",
    "NoOutputParser",
    "OutputBlockParser",
    "OutputFenceParser",
    "QuotedOutputParser",
    "SetupParser",
    "TranscriptParser",
    "note_parsers",
]

#: The parser of each kind of a note's parts, and of each output convention of its ordinary
#: blocks.
PARSERS: tuple[type[KindParser], ...] = (
    SetupParser,
    DirectiveParser,
    *CONVENTION_PARSERS,
    TranscriptParser,
    IPythonParser,
)


def note_parsers(
    note_format: NoteFormat | None = None, *, reader: NoteParser | None = None
) -> list[KindParser]:
    """One parser of each kind and output convention (:data:`PARSERS`), reading notes as
    ``note_format`` says, all with one ``reader`` (made from ``note_format`` unless given)."""
    reader = reader or NoteParser(note_format)
    return [parser(reader=reader) for parser in PARSERS]
