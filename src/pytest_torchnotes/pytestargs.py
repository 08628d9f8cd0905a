"""A note's path as an argument of a pytest command line that a person can paste.

Messages end with the command that accepts new output, ``pytest PATH --torchnotes-update``.
A note's name may hold what a shell or pytest reads otherwise: spaces and brackets, a
leading ``-`` (an option), ``::`` and ``[`` (pytest reads what follows as the name of a test
in the file, or its parameters: such a path cannot be named at all), quotes, a newline.
"""

from __future__ import annotations

import os
import re
import shlex

#: What pytest reads as the start of a test's name or parameters in an argument.
UNNAMEABLE = re.compile(r"::|\[")

#: A byte of a name that is not UTF-8, as :func:`.readablenames.readable` writes it.
ESCAPED_BYTE = re.compile(r"\\x[0-9a-f]{2}")

#: What the ``$'...'`` quotes of a POSIX shell read otherwise: a quote, a backslash that
#: does not start such a byte.
NOT_AN_ESCAPE = re.compile(r"'|\\(?!x[0-9a-f]{2})")

#: The characters a Windows shell takes as they are in an argument.
WINDOWS_SAFE = re.compile(r"[\w@%+=:,./\\-]+")


def note_argument(path: str, windows: bool = os.name == "nt") -> tuple[str, str]:
    r"""The argument that names the note at ``path``, and a remark for the command when it
    names more than the note.

    >>> note_argument("notes/x.md")
    ('notes/x.md', '')
    >>> note_argument("notes/my note (v2).md")
    ("'notes/my note (v2).md'", '')
    >>> note_argument("-x.md")
    ('./-x.md', '')
    >>> note_argument("notes/a::b.md")
    ('notes', " (pytest cannot name a path that holds '::' or '[': this runs its folder)")
    >>> note_argument("a::b/x.md")[0], note_argument("notes/[v2]/x.md")[0]
    ('.', 'notes')
    >>> print(note_argument(r"C:\notes\my note.md", windows=True)[0])
    "C:\notes\my note.md"

    A name that is not UTF-8, shown with ``\xNN`` escapes (:mod:`.readablenames`), is
    given in the quotes of a POSIX shell that read those escapes back into its bytes:

    >>> print(note_argument(r"notes/caf\xe9's.md")[0])
    $'notes/caf\xe9\'s.md'
    """
    remark = ""
    if UNNAMEABLE.search(path):
        while UNNAMEABLE.search(path):
            path = os.path.dirname(path)
        path = path or "."
        remark = " (pytest cannot name a path that holds '::' or '[': this runs its folder)"
    if path.startswith("-"):
        path = os.path.join(".", path)
    if windows:
        quoted = path if WINDOWS_SAFE.fullmatch(path) else f'"{path}"'  # no " in its names
    elif ESCAPED_BYTE.search(path):
        quoted = "$'" + NOT_AN_ESCAPE.sub(r"\\\g<0>", path) + "'"
    else:
        quoted = shlex.quote(path)
    return quoted, remark
