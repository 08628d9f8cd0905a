"""What a note that is not UTF-8 text is, so that its error says what to do.

Only read when a note cannot be decoded: a note that reads as UTF-8 pays nothing here. Each
function answers with the words of a message (naming the encoding and the ``iconv``
command that converts it), or ``None`` when the bytes do not look like what it knows. The
legacy encodings of East Asian and Western text are :mod:`.legacy_encodings`'.
"""

from __future__ import annotations

import codecs

#: Byte order marks of the wide encodings, longest first: UTF-32's little-endian mark
#: starts with UTF-16's.
WIDE_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16", "UTF-16"),
)


def wide_encoding(data: bytes) -> str | None:
    """The message for a note in UTF-16 or UTF-32, with or without a byte order mark.

    >>> print(wide_encoding("# 笔记\\n".encode("utf-32")))
    UTF-32 text (it starts with a UTF-32 byte order mark): save the note as ...
    >>> print(wide_encoding("# notes\\n".encode("utf-16-be")))
    UTF-16 text (big-endian, without a byte order mark): save the note as ...
    >>> wide_encoding(b"# notes\\n") is None
    True
    """
    for mark, name, iconv in WIDE_MARKS:
        if data.startswith(mark):
            return (
                f"{name} text (it starts with a {name} byte order mark): save the note as "
                f"UTF-8: iconv -f {iconv} -t UTF-8"
            )
    codec = _utf16_without_mark(data)
    if codec is None:
        return None
    order = "little" if codec.endswith("LE") else "big"
    return (
        f"UTF-16 text ({order}-endian, without a byte order mark): save the note as UTF-8: "
        f"iconv -f {codec} -t UTF-8"
    )


#: How much of a note is looked at to tell UTF-16 without a byte order mark.
WIDE_SAMPLE = 4096

#: The fewest NUL bytes that make UTF-16: a line of text has more ASCII than that (``# x``,
#: a newline, a fence), a stray NUL in a short UTF-8 file fewer.
WIDE_LEAST_NULS = 8


def _utf16_without_mark(data: bytes) -> str | None:
    """``UTF-16LE`` or ``UTF-16BE`` when every other byte is mostly NUL, as Markdown's ASCII
    (fences, ``#``, newlines, code) is in UTF-16, and the whole decodes so; else ``None``."""
    sample = data[: min(len(data), WIDE_SAMPLE) & ~1]
    if not sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    units = len(sample) // 2
    for codec, zeros, others in (("UTF-16LE", odd, even), ("UTF-16BE", even, odd)):
        if zeros >= WIDE_LEAST_NULS and zeros * 4 >= units and others * 4 < zeros:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


#: How files that are not text start, and what they are.
FILE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx, or a file torch.save wrote)"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\x80\x02", "a pickle"),
    (b"\x80\x04", "a pickle"),
    (b"\x80\x05", "a pickle"),
    (b"\x7fELF", "a program (ELF)"),
)


def binary_kind(data: bytes) -> str | None:
    """The message for a file whose first bytes name a format that is not text.

    >>> binary_kind(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")
    'not a text file: it starts as a PNG image does (leave it out of the notes with --ignore=PATH)'
    >>> binary_kind(b"# PNG") is None
    True
    """
    for signature, kind in FILE_SIGNATURES:
        if data.startswith(signature):
            return (
                f"not a text file: it starts as {kind} does "
                "(leave it out of the notes with --ignore=PATH)"
            )
    return None
