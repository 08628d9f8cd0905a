"""What a message quotes from a note: a line or an info string, cut to a readable length.

A note may hold a line of a megabyte (minified output, an info string gone wrong); a
message that quoted it whole would flood pytest's summary. The cut says how much is left
out, so that nothing seems to be the whole line that is not.
"""

from __future__ import annotations

from collections.abc import Sequence

#: The most characters of a note's text that a message quotes.
QUOTE_LIMIT = 80


def cut(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` itself, or its first ``limit`` characters and how many more there are.

    >>> cut("python")
    'python'
    >>> cut("x" * 100, 10)
    'xxxxxxxxxx… (90 more characters)'
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


#: The most characters of one line that a session shows: of a skip reason (the author's
#: own words, or a requirement's), or of a note's line that Python's warnings show whole
#: under the warning filed at it.
LINE_LIMIT = 500


def warned_line(lines: Sequence[str], index: int) -> int:
    """The 1-based line number to file a warning about the 0-based line ``index`` at, or 0
    (no line shown under it) when that line is too long to show; the message names the line.

    >>> warned_line(["a", "x" * 600], 0), warned_line(["a", "x" * 600], 1)
    (1, 0)
    """
    if 0 <= index < len(lines) and len(lines[index]) > LINE_LIMIT:
        return 0
    return index + 1
