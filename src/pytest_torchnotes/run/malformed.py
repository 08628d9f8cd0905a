"""What doctest says of a ``>>>`` transcript it cannot read, said with the note's line.

doctest numbers the lines of the text it parses and calls it a docstring: ``line 1 of the
docstring for <string> lacks blank after >>>: '>>>x = 1'``. A note's reader wants the line
of the note, and what to write.
"""

from __future__ import annotations

import re

from pytest_torchnotes.notelines import shown

#: doctest's ``ValueError`` for a transcript it cannot read: the 1-based line in the text it
#: parsed, and what is wrong there.
DOCTEST_LINE = re.compile(r"^line (?P<line>\d+) of the docstring for \S+ (?P<what>.*)$", re.S)

#: What to write, by what doctest found wrong.
FIXES = (
    ("lacks blank after", "write a space after the prompt, as doctest and xdoctest need"),
    (
        "has inconsistent leading whitespace",
        "indent the line as its prompt, or write it behind ... if it goes on with the statement",
    ),
)


def malformed_message(message: str, code_line: int) -> str:
    """doctest's ``message`` about a transcript whose first line is the note's 0-based
    ``code_line``, with the note's line and the fix.

    >>> print(malformed_message("line 2 of the docstring for <string> lacks blank after x", 9))
    line 11 lacks blank after x (write a space after the prompt, as doctest and xdoctest need)
    >>> malformed_message("something else", 9)
    'something else'
    """
    found = DOCTEST_LINE.match(message)
    if found is None:
        return message
    line = code_line + int(found.group("line")) - 1
    what = found.group("what")
    fix = next((fix for key, fix in FIXES if what.startswith(key)), None)
    return f"line {shown(line)} {what}" + (f" ({fix})" if fix else "")
