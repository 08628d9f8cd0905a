"""One reading of a note per document, shared by the parsers of each kind of region.

The parsers of :mod:`pytest_torchnotes.markdown.regions` each yield the regions of one kind,
but a note is lexed and parsed once (:class:`~pytest_torchnotes.markdown.parsers.NoteParser`,
whose directives and conventions need the whole note): the first parser to read a document
makes its :class:`Reading` and the others find it. The reading sorts the parts of the note by
kind (:func:`kind_of`), and an ordinary block by the output convention that read its output
section (:func:`convention_of`), and keeps which of them a parser yielded, so that a part is
the region of the first parser of the list that reads it and :func:`settle` can say which
parts were read by none.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from itertools import accumulate
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sybil import Document

from pytest_torchnotes.markdown.blocks import Block, ParsedNote, Problem, SetupBlock
from pytest_torchnotes.markdown.directives import Directive
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import NoteParser

if TYPE_CHECKING:
    from pytest_torchnotes.markdown.document import NoteDocument
    from pytest_torchnotes.markdown.regions.parser import KindParser

#: What a region of a note holds.
Parsed = Block | SetupBlock | Directive


#: The kinds of a note's parts, each the regions of one parser.
SETUP = "setup"
DIRECTIVE = "directive"
OUTPUT_BLOCK = "output block"
TRANSCRIPT = "transcript"
IPYTHON = "ipython"


def kind_of(parsed: Parsed) -> str:
    """The kind of region ``parsed`` makes: what the reading of the note found it to be."""
    if isinstance(parsed, Directive):
        return DIRECTIVE
    if isinstance(parsed, SetupBlock):
        return SETUP
    if parsed.ipython is not None:
        return IPYTHON
    return TRANSCRIPT if parsed.doctest else OUTPUT_BLOCK


#: The output convention of an ordinary block (:data:`OUTPUT_BLOCK`) with no output section.
NO_OUTPUT = "none"

#: Where a part lies among a reading's parts: its kind, and for an ordinary block the output
#: convention that read its output section (:func:`convention_of`); ``""`` for other kinds.
PartKey = tuple[str, str]


def convention_of(block: Block) -> str:
    """The output convention that read ``block``'s output section: the section's kind
    (``marker``, ``fence``, ``indented``, ``comments``), :data:`NO_OUTPUT` for none."""
    return NO_OUTPUT if block.output is None else block.output.kind


def part_of(parsed: Parsed) -> PartKey:
    """Where ``parsed`` lies among a reading's parts: its kind, and its output convention if
    it is an ordinary block."""
    kind = kind_of(parsed)
    if kind == OUTPUT_BLOCK:
        assert isinstance(parsed, Block)
        return kind, convention_of(parsed)
    return kind, ""


class Reading:
    """A document's note, parsed once, its parts by kind, and where each of its lines
    starts in the text."""

    def __init__(self, note: ParsedNote, text: str, note_format: NoteFormat) -> None:
        self.note = note
        self.format = note_format
        self.end = len(text)
        #: The length of the lines before each line, newlines left out: line ``n`` starts
        #: at ``before[n] + n``.
        self.before = list(accumulate(map(len, note.lines), initial=0))
        #: The blocks, setup comments and directives of each kind, ordinary blocks by output
        #: convention, each in document order (the document orders their regions).
        self.parts: dict[PartKey, list[Parsed]] = {}
        for parsed in (*note.items, *note.directives):
            self.parts.setdefault(part_of(parsed), []).append(parsed)
        #: The keys of each kind's parts: one, ``(kind, "")``, but for ordinary blocks.
        self.keys: dict[str, list[PartKey]] = {}
        for key in self.parts:
            self.keys.setdefault(key[0], []).append(key)
        #: The parts a parser yielded the regions of: no other parser yields them.
        self.yielded: set[PartKey] = set()
        self.settled = False

    def claim(self, kind: str, section: str | None) -> Iterable[Parsed]:
        """The parts of ``kind`` that no parser claimed yet, in document order, now claimed
        (a later parser that reads them leaves them out): of the output convention
        ``section`` only, unless it is ``None``."""
        keys = self.keys.get(kind, ()) if section is None else ((kind, section),)
        found = []
        for key in keys:
            if key not in self.yielded:
                self.yielded.add(key)
                if key in self.parts:
                    found.append(self.parts[key])
        if len(found) > 1:
            return heapq.merge(*found, key=first_line)
        return found[0] if found else ()

    def span(self, parsed: Parsed) -> tuple[int, int]:
        """Where ``parsed`` starts and ends in the document's text."""
        if isinstance(parsed, Directive):
            first, last = parsed.line, parsed.end_line
        else:
            first, last = parsed.first_line, parsed.last_line
        # The region ends before the newline after its last line.
        return self.before[first] + first, min(self.before[last + 1] + last, self.end)


def first_line(parsed: Parsed) -> int:
    """The 0-based line ``parsed`` starts at."""
    return parsed.line if isinstance(parsed, Directive) else parsed.first_line


_READINGS: WeakKeyDictionary[Document, Reading] = WeakKeyDictionary()


def read(document: Document, parser: NoteParser) -> Reading:
    """The reading of ``document``: lexed and parsed by ``parser`` on the first call, found
    after it. A :class:`~pytest_torchnotes.markdown.document.NoteDocument` gets the note as
    ``note``."""
    reading = _READINGS.get(document)
    if reading is not None:
        if reading.format is not parser.format and reading.format != parser.format:
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
        note = parser.parse(document.text)
    reading = _READINGS[document] = Reading(note, document.text, parser.format)
    if isinstance(document, NoteDocument):
        document.note = note
    return reading


def settle(document: Document | NoteDocument) -> ParsedNote | None:
    """After every parser has read ``document``: add to its note a problem for each block,
    setup comment and directive that no parser yielded (their parser was left out of the
    list), naming the parser that reads it: the parser of its kind, or of its output
    convention for an ordinary block (:class:`~.blocks.OutputBlockParser`, which reads every
    ordinary block, for a convention none of :data:`~pytest_torchnotes.markdown.regions.PARSERS`
    reads). ``None`` when no parser read the document."""
    reading = _READINGS.get(document)
    if reading is None:
        return None
    note = reading.note
    if reading.settled or note.errors:  # a note with errors yields no regions
        return note
    reading.settled = True
    from pytest_torchnotes.markdown.regions import PARSERS, OutputBlockParser

    for key, parts in reading.parts.items():
        if key in reading.yielded:
            continue
        readers: tuple[type[KindParser], ...] = (*PARSERS, OutputBlockParser)
        parser = next(parser for parser in readers if parser.reads(key))
        note.problems.extend(
            Problem(
                first_line(parsed),
                f"{parser.name} is not read: the parsers of this note leave out "
                f"{parser.__name__} (pytest_torchnotes.markdown.regions), which reads it; "
                "add it to the list",
            )
            for parsed in parts
        )
    note.problems.sort(key=lambda problem: problem.line_index)
    return note
