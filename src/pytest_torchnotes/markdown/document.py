"""Reading a note from disk into a Sybil :class:`~sybil.Document`.

Notes are UTF-8, with or without a byte order mark, with LF or CRLF line endings. The
document's text always uses ``\\n``; how the file was written is kept beside it so a rewrite
can write it back the same way. A stray bare CR inside an LF or CRLF file ends a line, as in
CommonMark and in Python's own reading of source: it hides no fence and no block.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Any

from sybil import Document

from pytest_torchnotes.markdown.blocks import ParsedNote, Problem
from pytest_torchnotes.markdown.encodings import binary_kind, wide_encoding
from pytest_torchnotes.markdown.errors import LineError
from pytest_torchnotes.markdown.legacy_encodings import legacy_encoding_hint
from pytest_torchnotes.markdown.regions.reading import settle
from pytest_torchnotes.notefiles import UnreadableNote, read_note


class NoteReadError(LineError):
    """A note that cannot be read as text; ``line`` is 0-based."""


@dataclass(frozen=True)
class RawNote:
    """A note's text and how it sits on disk."""

    #: The text with ``\\n`` line endings, as the lexer sees it.
    text: str
    #: The decoded text as it is on disk (line endings kept), as rewrites edit it.
    original: str
    bom: bool
    data: bytes


def decode_note(data: bytes) -> RawNote:
    """Decode a note's bytes; raise :class:`NoteReadError` naming the line of bad bytes."""
    bom = data.startswith(codecs.BOM_UTF8)
    nul = data.find(b"\x00")
    if nul >= 0 or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # NUL is valid UTF-8: UTF-16 and UTF-32, and files that are not text, are told here
        what = wide_encoding(data) or binary_kind(data)
        if what is not None:
            raise NoteReadError(0, what)
        raise NoteReadError(
            data.count(b"\n", 0, nul), "contains NUL bytes: this is not a text file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start)
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        what = binary_kind(data)
        if what is not None:
            raise NoteReadError(0, what) from None
        raise NoteReadError(
            line,
            f"not valid UTF-8: byte 0x{data[error.start]:02x} at column {column} "
            f"(save the note as UTF-8{legacy_encoding_hint(data)})",
        ) from None
    if "\r" in text and "\n" not in text:
        raise NoteReadError(
            0,
            "lines end with a bare CR (classic Mac OS line endings), so the note reads as one "
            "line: save it with LF or CRLF line endings",
        )
    return RawNote(text.replace("\r\n", "\n").replace("\r", "\n"), text, bom, data)


def _read(path: str) -> bytes:
    """The note's bytes; a note that cannot be read (gone since it was collected, no read
    permission, a FIFO) is a :class:`NoteReadError` of its first line."""
    try:
        return read_note(path)
    except UnreadableNote as error:
        raise NoteReadError(0, f"the note {error}") from None


class NoteDocument(Document):
    """A Sybil document for a Markdown note, with the parsed note attached (as ``note``, by
    the parsers of :mod:`pytest_torchnotes.markdown.regions`)."""

    #: Whether a note that cannot be read still goes to the parsers (which then report it
    #: as a failing example) instead of coming back with its problem and no regions.
    parse_unreadable = False

    def __init__(self, text: str, path: str, raw: RawNote | None = None) -> None:
        super().__init__(text, path)
        self.raw = raw
        self.note = ParsedNote(lines=[])

    @classmethod
    def parse(cls, path: str, *parsers: Any, encoding: str = "utf-8") -> NoteDocument:
        """Read ``path`` and run ``parsers`` over it (Sybil's ``Document.parse`` contract)."""
        try:
            raw = decode_note(_read(path))
        except NoteReadError as error:
            document = cls("", path)
            document.note.problems.append(Problem(error.line, error.message))
            if not cls.parse_unreadable:
                return document
        else:
            document = cls(raw.text, path, raw)
        for parser in parsers:
            for region in parser(document):
                document.add(region)
        settle(document)  # what no parser of the list read is a problem of the note
        return document
