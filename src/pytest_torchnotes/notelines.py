"""Line numbers: 0-based inside the package, 1-based where people read them.

Every line number the package keeps (lexemes, blocks, output sections, problems, edits,
results) is a 0-based index into the note's lines. The 1-based line a person reads is made
here and only when a line is shown: in a message, a report, a node location, a traceback.
"""

from __future__ import annotations


def shown(line: int) -> int:
    """The 1-based line people read for the 0-based ``line``.

    >>> shown(0)
    1
    """
    return line + 1


def location(path: str, line: int) -> str:
    """``path:LINE`` for the 0-based ``line``, as messages point into a note.

    >>> location("notes/autograd.md", 9)
    'notes/autograd.md:10'
    """
    return f"{path}:{shown(line)}"


def from_shown(number: int) -> int:
    """The 0-based line for a 1-based ``number`` read from outside: a run report's
    ``line`` field, a line number Python gives for a note's code.

    >>> from_shown(10)
    9
    """
    return number - 1


#: How many lines a warning given once for many places of a note names.
LINES_SHOWN = 8


def shown_lines(indexes: list[int], most: int = LINES_SHOWN) -> str:
    """``line 3`` or ``lines 3, 9, ...`` for the 0-based ``indexes``, the first ``most`` of
    them named.

    >>> shown_lines([2]), shown_lines([2, 8, 9], most=2)
    ('line 3', 'lines 3, 9, ...')
    """
    named = ", ".join(str(shown(index)) for index in indexes[:most])
    more = ", ..." if len(indexes) > most else ""
    return f"line{'s' * (len(indexes) > 1)} {named}{more}"
