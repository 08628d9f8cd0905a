"""Lines, indentation columns and block-quote prefixes: what every lexer works on.

Line numbers are 0-based indexes into ``text.split("\\n")``; callers add 1 for people.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: One block-quote marker: ``>`` and the space after it.
QUOTE_MARKER = re.compile(r"[ \t]{0,3}>[ \t]?")

#: Block-quote markers at the start of a line: ``>``, ``> >``, `` > `` ...
QUOTE = re.compile(r"(?:[ \t]{0,3}>[ \t]?)*")

TAB_STOP = 4


class BodyLine(NamedTuple):
    """One content line of a fence or a comment (a tuple: a note has hundreds of them)."""

    #: 0-based index of the line in the document.
    line: int
    #: The characters removed from the start of the line (quote markers, indentation).
    prefix: str
    #: What is left: the content itself, without the trailing newline.
    text: str


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines without their ``\\n``; a final newline adds no empty line.

    >>> split_lines("a\\nb\\n")
    ['a', 'b']
    >>> split_lines("a\\n\\nb")
    ['a', '', 'b']
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def width(whitespace: str) -> int:
    """Display width of leading whitespace, tabs advancing to the next multiple of four.

    >>> width("  \\t")
    4
    """
    column = 0
    for char in whitespace:
        column = column + TAB_STOP - column % TAB_STOP if char == "\t" else column + 1
    return column


def strip_columns(text: str, columns: int) -> tuple[str, str]:
    """Remove up to ``columns`` columns of leading whitespace; return ``(removed, rest)``.

    >>> strip_columns("      x", 4)
    ('    ', '  x')
    >>> strip_columns(" x", 4)
    (' ', 'x')
    """
    column = 0
    index = 0
    while index < len(text) and text[index] in " \t" and column < columns:
        step = TAB_STOP - column % TAB_STOP if text[index] == "\t" else 1
        if column + step > columns:
            break
        column += step
        index += 1
    return text[:index], text[index:]


def quote_prefix(line: str, depth: int) -> str | None:
    """The first ``depth`` block-quote markers of ``line``, or ``None`` if it has fewer.

    >>> quote_prefix("> > x", 2)
    '> > '
    >>> quote_prefix("x", 1) is None
    True
    """
    end = 0
    for _ in range(depth):
        match = QUOTE_MARKER.match(line, end)
        if match is None:
            return None
        end = match.end()
    return line[:end]


def split_quotes(line: str) -> tuple[str, str]:
    """``(block quote markers, rest)`` of a line.

    >>> split_quotes("> > x"), split_quotes("x > y")
    (('> > ', 'x'), ('', 'x > y'))
    """
    if line[:1] == ">" or (line[:1] in (" ", "\t") and ">" in line[:8]):
        quotes = QUOTE.match(line)
        assert quotes is not None  # the pattern matches the empty string
        return quotes.group(), line[quotes.end() :]
    return "", line
