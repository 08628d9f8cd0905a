"""One reading of a note per document, shared by the parsers of each kind of region.

The parsers of :mod:`pytest_torchnotes.markdown.regions` each yield the regions of one kind,
but a note is lexed and parsed once (:class:`~pytest_torchnotes.markdown.parsers.NoteParser`,
whose directives and conventions need the whole note): the first parser to read a document
makes its :class:`Reading` and the others find it. The reading also keeps which blocks and
directives a parser yielded, so that :func:`settle` can say which were read by none.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import accumulate
from operator import add
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sybil import Document

from pytest_torchnotes.markdown.blocks import Block, ParsedNote, Problem, SetupBlock
from pytest_torchnotes.markdown.directives import Directive
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import NoteParser

if TYPE_CHECKING:
    from pytest_torchnotes.markdown.document import NoteDocument

#: What a region of a note holds.
Parsed = Block | SetupBlock | Directive


class Reading:
    """A document's note, parsed once, and where each of its lines starts in the text."""

    def __init__(self, note: ParsedNote, text: str, note_format: NoteFormat) -> None:
        self.note = note
        self.format = note_format
        self.end = len(text)
        # Offset of each line: the lengths of the lines before it, plus their newlines.
        lengths = accumulate(map(len, note.lines))
        self.starts = [0, *map(add, lengths, range(1, len(note.lines) + 1))]
        #: The ``id`` of each block, setup comment and directive a parser yielded a region
        #: for.
        self.yielded: set[int] = set()
        self.settled = False

    def parts(self) -> Iterator[Parsed]:
        """The note's blocks, setup comments and directives, in document order."""
        parts: list[Parsed] = [*self.note.items, *self.note.directives]
        return iter(sorted(parts, key=first_line))

    def span(self, parsed: Parsed) -> tuple[int, int]:
        """Where ``parsed`` starts and ends in the document's text."""
        last = parsed.end_line if isinstance(parsed, Directive) else parsed.last_line
        return self.starts[first_line(parsed)], min(self.starts[last + 1] - 1, self.end)


def first_line(parsed: Parsed) -> int:
    """The 0-based line ``parsed`` starts at."""
    return parsed.line if isinstance(parsed, Directive) else parsed.first_line


_READINGS: WeakKeyDictionary[Document, Reading] = WeakKeyDictionary()


def read(document: Document, note_format: NoteFormat) -> Reading:
    """The reading of ``document``: lexed and parsed on the first call, found after it. A
    :class:`~pytest_torchnotes.markdown.document.NoteDocument` gets the note as ``note``."""
    reading = _READINGS.get(document)
    if reading is not None:
        if reading.format != note_format:
            raise ValueError(
                f"{document.path}: the note is read by parsers made with other settings; "
                "make every parser of the list from one call"
            )
        return reading
    from pytest_torchnotes.markdown.document import NoteDocument

    if isinstance(document, NoteDocument) and document.raw is None and document.note.problems:
        note = document.note  # it could not be read: its problem, and nothing to run
    else:
        if document.text.startswith("\ufeff"):  # a plain Sybil document keeps the BOM
            document.text = document.text[1:]
            document.end -= 1
        note = NoteParser(note_format).parse(document.text)
    reading = _READINGS[document] = Reading(note, document.text, note_format)
    if isinstance(document, NoteDocument):
        document.note = note
    return reading


def reading_of(document: Document) -> Reading | None:
    """The reading of ``document``, if a parser read it."""
    return _READINGS.get(document)


def settle(document: Document | NoteDocument) -> ParsedNote | None:
    """After every parser has read ``document``: add to its note a problem for each block,
    setup comment and directive that no parser yielded (their parser was left out of the
    list), naming the parser that reads it. ``None`` when no parser read the document."""
    reading = _READINGS.get(document)
    if reading is None:
        return None
    note = reading.note
    if reading.settled or note.errors:  # a note with errors yields no regions
        return note
    reading.settled = True
    from pytest_torchnotes.markdown.regions import PARSERS

    for parsed in reading.parts():
        if id(parsed) in reading.yielded:
            continue
        parser = next(parser for parser in PARSERS if parser.reads(parsed))
        note.problems.append(
            Problem(
                first_line(parsed),
                f"{parser.name} is not read: the parsers of this note leave out "
                f"{parser.__name__} (pytest_torchnotes.markdown.regions), which reads it; "
                "add it to the list",
            )
        )
    note.problems.sort(key=lambda problem: problem.line_index)
    return note
