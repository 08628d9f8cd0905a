"""A run of lines without a blank one read as CommonMark reads it: the line that opens an
HTML block still open at its end, if one does."""

from __future__ import annotations

from collections.abc import Mapping

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.html_blocks.containers import LOOK_BACK, in_quote, lines_above
from pytest_torchnotes.markdown.html_blocks.lexemes import belongs_to, fence_around
from pytest_torchnotes.markdown.html_blocks.tags import (
    BLOCK_TAG_LINE,
    LINK_REFERENCE,
    LINK_TITLE,
    LIST_ITEM,
    ONE_LINE_BLOCK,
    QUOTE_MARKER,
    RAW_END,
    RAW_START,
    SETEXT_UNDERLINE,
    TAG_LINE,
    raw_end,
)


def in_html_block(note: NoteContext, line: int, after: int | None = None) -> bool:
    """Whether ``line`` continues an HTML block of type 6 or 7 opened right above it (and
    below line ``after``, which closed a ``<pre>`` block)."""
    above = lines_above(note.lines, line, 0)
    if after is not None:
        above = {index: text for index, text in above.items() if index > after}
    # a fence's lines are no paragraph: an HTML tag right under a fence opens a block
    fences = {index: "fence" for index in above if belongs_to(note, index) == "fence"}
    return bool(above) and scan_run(above, min(above), line, fences) is not None


def scan_run(
    lines: Mapping[int, str],
    start: int,
    end: int,
    taken: dict[int, str],
    indent: int = 0,
    note: NoteContext | None = None,
) -> int | None:
    """Read lines ``start`` to ``end`` (excluded), a run of lines without a blank one, as
    CommonMark would: the line that opens an HTML block still open at ``end``, or ``None``.
    The fence at ``end`` is ``indent`` spaces in: an HTML block in a list item whose content
    is further in ends with the item, before the fence."""
    opened: int | None = None
    in_paragraph = False
    definition = False
    #: A line less indented than the item's content that was no lazy line ended the item.
    item_ended = False
    #: The content column of the list item the lines are in (when the fence is outside it),
    #: and whether an HTML block is open in it.
    item: int | None = None
    html_in_item = False
    index = start
    if note is not None:
        index = after_raw_block(lines, start, end, taken, note)
        first = lines[index] if index < end else ""
        if index == start and len(first) - len(first.lstrip(" ")) > indent:
            item = item_above(lines, note, start, indent, len(first) - len(first.lstrip(" ")))
            html_in_item = item is not None
    #: The paragraph is a block quote's: a line under it is its lazy line, no underline.
    lazy = False
    while index < end:
        line = lines[index]
        lazy = lazy and in_paragraph
        if taken.get(index) == "lazy" and not item_ended:
            if opened is None and in_paragraph:
                index += 1  # a lazy line of the item's paragraph: the item goes on
                continue
            # no paragraph to continue: the item (and an HTML block open in it) ends, and
            # what follows is read afresh from here, at the top level
            opened, in_paragraph, definition, item_ended = None, False, False, True
        if opened is not None:
            index += 1
            continue
        if taken.get(index) == "fence":  # a block quote's fence: ends what is above it
            if item is not None and len(line) - len(line.lstrip(" ")) < item:
                item, html_in_item = None, False  # and the list, less indented
            in_paragraph = False
            index += 1
            continue
        if taken.get(index) == "comment":
            if item is not None and len(line) - len(line.lstrip(" ")) < item:
                item, html_in_item = None, False  # a comment less indented ends the list
            while index < end and taken.get(index) == "comment":
                index += 1
            in_paragraph = False  # a comment's block ends on the line of its -->
            continue
        if item is not None:
            if len(line) - len(line.lstrip(" ")) >= item:  # in the item, not the fence's
                content = line[item:]
                if not html_in_item:
                    html_in_item = bool(
                        BLOCK_TAG_LINE.match(content)
                        or (not in_paragraph and TAG_LINE.match(content))
                    )
                    in_paragraph = not html_in_item
                index += 1
                continue
            if in_paragraph and not (
                html_in_item
                or QUOTE_MARKER.match(line)
                or ONE_LINE_BLOCK.match(line)
                or LIST_ITEM.match(line)
                or BLOCK_TAG_LINE.match(line)
                or RAW_START.match(line)
            ):
                index += 1  # a lazy line of the item's paragraph (no underline there)
                continue
            # not a paragraph's lazy line: a line less indented ends the list (a <pre>
            # block that interrupts the item's paragraph too: what follows it is no lazy line)
            item, html_in_item, in_paragraph = None, False, False
        marker = LIST_ITEM.match(line)
        if marker is not None:  # an item the fence is not in (container_lines reads those)
            item = len(marker.group(0))
            content = line[item:]
            html_in_item = bool(BLOCK_TAG_LINE.match(content) or TAG_LINE.match(content))
            in_paragraph = not html_in_item
            index += 1
            continue
        quote = QUOTE_MARKER.match(line)
        if quote is not None and quote.group(0).strip() == ">":
            # a block quote: what is above it ends; what follows it continues its content
            # only as a paragraph's lazy line
            last = index
            while last + 1 < end and last + 1 not in taken and QUOTE_MARKER.match(lines[last + 1]):
                last += 1
            inner = {at: in_quote(lines[at], 1) or "" for at in range(index, last + 1)}
            in_paragraph = scan_run(
                inner, index, last + 1, {}
            ) is None and not ONE_LINE_BLOCK.match(inner[last])
            index, definition, lazy = last + 1, False, in_paragraph
            continue
        raw = RAW_START.match(line)
        if raw is not None:
            closed = raw_end(lines, index, end, raw.end())
            if closed is None:
                opened = index
            else:
                index, in_paragraph, definition = closed + 1, False, False
            continue
        if BLOCK_TAG_LINE.match(line) or (not in_paragraph and TAG_LINE.match(line)):
            opened = index
        elif ONE_LINE_BLOCK.match(line) or (
            in_paragraph and not lazy and SETEXT_UNDERLINE.match(line)
        ):
            in_paragraph = False
        elif not in_paragraph and LINK_REFERENCE.match(line):
            definition = True  # not a paragraph: what follows starts afresh
        elif definition and LINK_TITLE.match(line):
            definition = False
        elif not in_paragraph and len(line) - len(line.lstrip(" ")) >= 4:
            definition = False  # indented code, no paragraph: a lone tag under it opens one
        else:
            in_paragraph, definition = True, False
        index += 1
    return opened


def after_raw_block(
    lines: Mapping[int, str], start: int, end: int, taken: dict[int, str], note: NoteContext
) -> int:
    """Where the run from ``start`` starts afresh: after the line that closes a ``<pre>`` or
    ``<script>`` block opened above the run (blank lines may sit inside one), else
    ``start``. Looked for only when a line of the run holds such a closing tag."""
    closing = next((line for line in range(start, end) if RAW_END.search(lines[line])), None)
    if closing is None:
        return start
    # A block open above closes at the run's first closing tag, whatever opening tags stand
    # between (they are its text); with none open above, the run's own reading decides.
    all_lines = note.lines
    for line in range(start - 1, max(-1, start - 1 - LOOK_BACK), -1):
        if belongs_to(note, line) == "fence":
            continue
        if RAW_END.search(all_lines[line]):
            return start  # the block above was closed already
        if RAW_START.match(all_lines[line]) and not in_html_block(note, line):
            return closing + 1
    return start


def item_above(
    lines: Mapping[int, str], note: NoteContext, start: int, indent: int, first: int
) -> int | None:
    """The content column of the list item that the run from ``start``, whose first line
    is ``first`` columns in, is part of (a blank line above it keeps it in the item), when
    the fence at ``indent`` is outside that item; else ``None``."""
    all_lines = note.lines
    lowest = first  # the least indentation of the item's lines met, lazy lines aside
    lazy = False  # the line below is a paragraph's lazy line, if the list goes on
    for line in range(start - 1, max(-1, start - 1 - LOOK_BACK), -1):
        text = all_lines[line]
        if not text.strip():
            if lazy:
                return None  # a line no further in than the fence after a blank one
            continue
        if belongs_to(note, line) == "fence":
            fence = fence_around(note, line)
            if fence is not None:
                # a fence in a block quote is as far in as the quote's marker
                lowest = min(lowest, len(fence.prefix.split(">", 1)[0]))
            lazy = False
            continue
        marker = LIST_ITEM.match(text)
        if marker is not None:
            column = len(marker.group(0))
            if in_html_block(note, line):
                return None  # raw HTML, no list item
            return column if indent < column <= lowest else None
        spaces = len(text) - len(text.lstrip(" "))
        if spaces <= indent:
            if BLOCK_TAG_LINE.match(text) or QUOTE_MARKER.match(text) or ONE_LINE_BLOCK.match(text):
                return None  # not in an item's content
            lazy = True
        else:
            lowest, lazy = min(lowest, spaces), False
    return None
