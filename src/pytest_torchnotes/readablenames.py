"""File names that are not UTF-8, as node ids and messages write them.

On POSIX a file name is bytes; Python reads the bytes that are not UTF-8 as lone surrogates
(``café.md`` saved in Latin-1 is ``'caf\\udce9.md'``). Such a string can be printed only with
an error handler, and pytest-xdist cannot send it at all (execnet encodes its strings as
strict UTF-8: a worker that collected one stops the session). A note with such a name is
collected, run and reported under its name with those bytes written as ``\\xNN`` escapes,
``caf\\xe9.md``, which every stream takes; it is read from its real path.
"""

from __future__ import annotations


def readable(text: str) -> str:
    """``text`` with the bytes a file name held that are not UTF-8 written as ``\\xNN``
    escapes; ``text`` itself when it is UTF-8 (almost always: one check).

    >>> import os
    >>> print(readable(os.fsdecode(b"notes/caf\\xe9.md")), readable("notes/café.md"))
    notes/caf\\xe9.md notes/café.md
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate no file name decodes to: escaped as one
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
        return raw.decode("utf-8", "backslashreplace")
    return text
