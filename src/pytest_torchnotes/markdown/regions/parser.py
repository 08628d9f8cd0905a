"""What the parser of each kind of region does: read the note once, yield its own regions.

A parser of one kind (:mod:`.setup`, :mod:`.directives`, :mod:`.transcripts`, :mod:`.ipython`,
and for ordinary blocks one per output convention, :mod:`.conventions`, or all of them,
:mod:`.blocks`) says which of the note's parts it yields (:attr:`KindParser.kind`, as
:func:`.reading.kind_of` sorts them, and :attr:`KindParser.section`, as
:func:`.reading.convention_of` does) and which evaluator their regions carry; the note is
read once for all of them (:mod:`.reading`). A part is the region of the first parser of the
list that reads it: a later one that reads it too leaves it out, rather than yield a region
Sybil would refuse as overlapping.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from sybil import Document, Region
from sybil.typing import Evaluator

from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.markdown.regions.reading import Parsed, PartKey, read


class KindParser:
    """A Sybil parser that yields the regions of one kind of a note's parts, each with the
    evaluator of its kind; none for a note with errors, which does not run."""

    #: The kind of part it yields (:func:`.reading.kind_of`).
    kind: ClassVar[str]
    #: What a part of this kind is called in messages: ``a >>> transcript``.
    name: ClassVar[str]
    #: For ordinary blocks: the output convention of the blocks it yields (the kind of
    #: their output section, :func:`.reading.convention_of`); ``None``: every part of its
    #: kind.
    section: ClassVar[str | None] = None

    @classmethod
    def reads(cls, key: PartKey) -> bool:
        """Whether the parts at ``key`` (:func:`.reading.part_of`) are of this parser's (as
        :meth:`.reading.Reading.claim` reads them)."""
        kind, section = key
        return kind == cls.kind and cls.section in (None, section)

    def __init__(
        self, note_format: NoteFormat | None = None, *, reader: NoteParser | None = None
    ) -> None:
        #: What reads the note, shared by the parsers of one list (:func:`note_parsers`).
        self.reader = reader or NoteParser(note_format)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def evaluator(self, parsed: Parsed) -> Evaluator:
        """The evaluator of ``parsed``'s region."""
        raise NotImplementedError

    def __call__(self, document: Document) -> Iterator[Region]:
        reading = read(document, self.reader)
        if reading.note.errors:
            return
        for parsed in reading.claim(self.kind, self.section):
            start, end = reading.span(parsed)
            yield Region(start, end, parsed=parsed, evaluator=self.evaluator(parsed))
