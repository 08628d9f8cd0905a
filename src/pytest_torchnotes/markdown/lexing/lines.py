"""Lines, indentation columns and block-quote prefixes: what every lexer works on.

Line numbers are 0-based indexes into ``text.split("\\n")``; callers add 1 for people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

#: One block-quote marker: ``>`` and the space after it.
QUOTE_MARKER = re.compile(r"(?P<indent>[ \t]{0,3})>[ \t]?")

#: Block-quote markers at the start of a line: ``>``, ``> >``, `` > `` ...
QUOTE = re.compile(r"(?:[ \t]{0,3}>[ \t]?)*")

#: A block-quote marker indented any number of columns (in a list item, up to three past the
#: item's content: :func:`split_quotes` and :func:`quote_prefix` check the width).
INDENTED_QUOTE_MARKER = re.compile(r"(?P<indent>[ \t]*)>[ \t]?")

#: List item markers, each with the whitespace after it, right before a block-quote marker
#: (``- > ```python``: a block quote on the item's own line), after the line's indentation
#: (the scan checks its width against the list items that hold the line).
ITEM_QUOTE = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)+(?=>)")

TAB_STOP = 4


class BodyLine(NamedTuple):
    """One content line of a fence or a comment (a tuple: a note has hundreds of them)."""

    #: 0-based index of the line in the document.
    line: int
    #: The characters removed from the start of the line (quote markers, indentation).
    prefix: str
    #: What is left: the content itself, without the trailing newline.
    text: str


def first_text(body: Iterable[BodyLine]) -> str:
    """The text of the first line of ``body`` that is not blank; empty when every line is."""
    return next((line.text for line in body if line.text.strip()), "")


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


def strip_columns(text: str, columns: int, start: int = 0) -> tuple[str, str]:
    """Remove up to ``columns`` columns of leading whitespace from ``text``, which starts at
    column ``start`` (where its tabs stop); return ``(removed, rest)``.

    >>> strip_columns("      x", 4)
    ('    ', '  x')
    >>> strip_columns(" x", 4)
    (' ', 'x')
    >>> strip_columns("\\tx", 2), strip_columns("\\tx", 2, start=2)
    (('', '\\tx'), ('\\t', 'x'))
    """
    column = start
    columns += start
    index = 0
    while index < len(text) and text[index] in " \t" and column < columns:
        step = TAB_STOP - column % TAB_STOP if text[index] == "\t" else 1
        if column + step > columns:
            break
        column += step
        index += 1
    return text[:index], text[index:]


def quote_prefix(line: str, depth: int, indent: int = 3) -> str | None:
    """The first ``depth`` block-quote markers of ``line``, or ``None`` if it has fewer. The
    first marker may be indented up to ``indent`` columns (more than three in a list item).

    >>> quote_prefix("> > x", 2)
    '> > '
    >>> quote_prefix("x", 1) is None
    True
    >>> quote_prefix("    > x", 1), quote_prefix("    > x", 1, 5)
    (None, '    > ')
    """
    end = 0
    for _ in range(depth):
        match = (INDENTED_QUOTE_MARKER if indent > 3 else QUOTE_MARKER).match(line, end)
        if match is None or (indent > 3 and width(match.group("indent")) > indent):
            return None
        end = match.end()
    return line[:end]


def marker_indent(quotes: str) -> int:
    """The widest indentation before one of the block-quote markers ``quotes`` (at least
    three columns, what any block quote allows); a quote on a list item's line stands at
    the item's content column, and the lines after it put their marker up to three columns
    past it.

    >>> marker_indent("> > "), marker_indent(">     > "), marker_indent("> 1.  > ")
    (3, 4, 7)
    """
    found = [width(marker.group("indent")) for marker in INDENTED_QUOTE_MARKER.finditer(quotes)]
    outer = QUOTE.match(quotes)
    items = ITEM_QUOTE.match(quotes, outer.end() if outer else 0)
    if items is not None:
        found.append(width(items.group()) + 3)
    return max([3, *found])


def split_quotes(line: str, indent: int = 3) -> tuple[str, str]:
    """``(block quote markers, rest)`` of a line; the first marker may be indented up to
    ``indent`` columns (more than three in a list item).

    >>> split_quotes("> > x"), split_quotes("x > y")
    (('> > ', 'x'), ('', 'x > y'))
    >>> split_quotes("    > x"), split_quotes("    > x", 5)
    (('', '    > x'), ('    > ', 'x'))
    """
    if indent > 3:
        first = INDENTED_QUOTE_MARKER.match(line)
        if first is None or width(first.group("indent")) > indent:
            return "", line
        quote, rest = split_quotes(line[first.end() :])
        return line[: first.end()] + quote, rest
    if line[:1] == ">" or (line[:1] in (" ", "\t") and ">" in line[:8]):
        lead = line[: len(line) - len(line.lstrip(" \t"))]
        if width(lead) > 3:
            return "", line  # indented code, or a block quote in a list item (the scan's call)
        quotes = QUOTE.match(line)
        assert quotes is not None  # the pattern matches the empty string
        return quotes.group(), line[quotes.end() :]
    return "", line
