"""The lines above a fence in its block quote or list item, read as that container's own
content: quote markers and the item's indentation taken off."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.html_blocks.lexemes import belongs_to
from pytest_torchnotes.markdown.html_blocks.tags import (
    BLOCK_TAG_LINE,
    LIST_ITEM,
    ONE_LINE_BLOCK,
    QUOTE_MARKER,
    RAW_END,
    RAW_START,
)
from pytest_torchnotes.markdown.lexers import FenceLexeme

#: Lines looked at above a run of lines that closes a ``<pre>`` or ``<script>`` block, for
#: its start, or above an indented run for the list item it belongs to.
LOOK_BACK = 500


def lines_above(lines: Sequence[str], end: int, depth: int) -> dict[int, str]:
    """The lines right above line ``end`` in a block quote ``depth`` deep (0: the note's
    top level), quote markers taken off, up to a blank one, by 0-based line."""
    above: dict[int, str] = {}
    line = end - 1
    while line >= 0 and end - line <= LOOK_BACK:
        text = in_quote(lines[line], depth)
        if text is None or not text.strip():
            break
        above[line] = text
        line -= 1
    return above


def container_lines(
    fence: FenceLexeme, note: NoteContext
) -> tuple[dict[int, str], int, int | None, frozenset[int]] | None:
    """The lines right above ``fence`` in its block quote or list item, by 0-based line, as
    that container's content (quote markers and the item's indentation taken off), the
    fence's own indentation there, the line where the container starts when that is
    known (a quote's first line, an item's marker line above the fence with no blank line
    between), and the lines less indented than the item's content between them, which
    continue the item only as lazy lines of its paragraph (``scan.scan_run`` decides);
    ``None`` for a fence on a list item's marker line."""
    lines = note.lines
    depth = fence.quote_depth
    inner = fence.prefix
    for _ in range(depth):
        marker = QUOTE_MARKER.match(inner)
        if marker is None:
            return None
        inner = inner[marker.end() :]
    if inner.strip(" "):
        return None  # on a list item's line: nothing above it is in the item
    above = lines_above(lines, fence.open_line, depth)
    start: int | None = None
    if depth:
        start = fence.open_line
        while (
            start > 0
            and fence.open_line - start < LOOK_BACK
            and QUOTE_MARKER.match(lines[start - 1])
        ):
            start -= 1
    column = len(inner)
    if column == 0:
        return above, 0, start, frozenset()
    # a fence further in than the content of the list item above it is in that item
    # (``- <div>``, then a fence three or more columns in), the columns past it its own
    further = _item_further_out(above, column)
    offset = column - further if further is not None else 0
    column = further if further is not None else column
    # in a list item: its lines from the fence's column on, up to the item's marker line
    item: dict[int, str] = {}
    #: The item's lines up to the first line less indented than its content, walking up:
    #: its content when that line is no lazy line of the item's paragraph.
    before_lazy: dict[int, str] | None = None
    lazy: set[int] = set()
    for index in sorted(above, reverse=True):
        text = above[index]
        marker = LIST_ITEM.match(text)
        if marker is not None and len(marker.group(0)) == column:
            if before_lazy is not None and _closes_raw_above(lines, index, depth, item, lazy):
                break  # the "item" is the text of a <pre> block: read at the top level
            item[index] = text[column:]
            return item, offset, index if not depth else start, frozenset(lazy)
        if len(text) - len(text.lstrip(" ")) < column:
            if not could_be_lazy(text) or belongs_to(note, index) is not None:
                break  # another block: the item's content ends below it
            # maybe a lazy line of the item's paragraph: the scan of the item's content
            # decides, once the item's marker line is found above it
            if before_lazy is None:
                before_lazy = dict(item)
            lazy.add(index)
            item[index] = text.lstrip(" ")
            continue
        item[index] = text[column:]
    if before_lazy is not None:
        item = before_lazy
    # a fence one to three spaces in, with no item's marker line above it up to a blank
    # line, is read where it stands
    return (above, column, start, frozenset()) if column <= 3 else (item, 0, start, frozenset())


def _item_further_out(above: dict[int, str], column: int) -> int | None:
    """The content column of the list item whose marker line is the first of ``above``'s
    lines, walking up, with a content column less than ``column`` and no line between
    less indented than it; ``None`` when the first marker line is not such.

    >>> _item_further_out({0: "- <div>", 1: "  text"}, 3), _item_further_out({0: "- x"}, 2)
    (2, None)
    """
    lowest = column
    for index in sorted(above, reverse=True):
        text = above[index]
        marker = LIST_ITEM.match(text)
        if marker is not None:
            found = len(marker.group(0))
            return found if found < column and found <= lowest else None
        lowest = min(lowest, len(text) - len(text.lstrip(" ")))
    return None


def in_quote(line: str, depth: int) -> str | None:
    """``line`` without its first ``depth`` block-quote markers, or ``None`` when it has
    fewer (it is not in the fence's quote)."""
    for _ in range(depth):
        marker = QUOTE_MARKER.match(line)
        if marker is None:
            return None
        line = line[marker.end() :]
    return line


def could_be_lazy(line: str) -> bool:
    """Whether ``line``, less indented than a list item's content, can be a lazy line of the
    item's paragraph: a line that would start a block of its own ends the list instead (a
    setext underline is the paragraph's text there, ``=====`` as CommonMark reads it)."""
    return not (
        QUOTE_MARKER.match(line)
        or LIST_ITEM.match(line)
        or BLOCK_TAG_LINE.match(line)
        or ONE_LINE_BLOCK.match(line)
        or RAW_START.match(line)
    )


def _closes_raw_above(
    lines: Sequence[str], marker: int, depth: int, item: dict[int, str], lazy: set[int]
) -> bool:
    """Whether a lazy line of the item on line ``marker`` closes a ``<pre>`` block opened
    right above that line: the item is then that block's text."""
    return any(RAW_END.search(item[line]) for line in lazy) and any(
        RAW_START.match(text) for text in lines_above(lines, marker, depth).values()
    )
