"""Python fences that CommonMark reads as part of an HTML block: not run, and reported.

An HTML block of CommonMark's types 6 and 7 (a line that starts with a block-level tag such
as ``<div>``, ``</div>``, ``<details>`` or ``<summary>``, or a line that holds nothing but
one complete tag) lasts until the next blank line, and everything in it is raw HTML: a
```` ```python ```` line right under ``<details><summary>Code</summary>`` is no fence,
and GitHub, or any CommonMark renderer, shows the code as text inside the HTML, not as a
code block. Such a block is not run; a warning names its line and the HTML line that opened
the block, and says what runs it: a blank line after that HTML line.

A comment (``<!-- torchnotes: ... -->``, CommonMark's type 2) ends its HTML block on the
line of its ``-->``: a fence right under it is a fence, and so is a fence right under an
HTML block in a list item whose content is further in than the fence (the block ends with
the item), blank lines above it or not. A ``<pre>``, ``<script>``, ``<style>`` or
``<textarea>`` block (type 1) lasts until the line of its closing tag, blank lines and all:
a fence inside it is raw HTML, a fence right under its closing tag is a fence. A setext
heading's underline and a link reference definition end what is above them as a blank
line would: a lone tag right under them opens a block of type 7. A fence in a block quote
or a list item is read with the lines above it in the same quote or item, as the quote's
or item's own content.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from collections.abc import Mapping, Sequence

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.lexers import FenceLexeme
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.quoting import cut

#: CommonMark's type 6 tag names (the spec's 0.31 list, with ``source``, which GitHub's
#: 0.29 still has).
BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|"
    "optgroup|option|p|param|search|section|source|summary|table|tbody|td|tfoot|th|thead|"
    "title|tr|track|ul"
)

#: The start of an HTML block of type 6: ``<div``, ``</details>``, ``<summary>``, at most
#: three spaces in; it may interrupt a paragraph.
BLOCK_TAG_LINE = re.compile(rf"^ {{0,3}}</?(?:{BLOCK_TAGS})(?:[ \t]|/?>|$)", re.IGNORECASE)

#: An attribute of an open tag, as CommonMark writes it.
_ATTRIBUTE = (
    r"[ \t]+[A-Za-z_:][A-Za-z0-9_.:-]*"
    r"(?:[ \t]*=[ \t]*(?:[^ \t\"'=<>`]+|'[^']*'|\"[^\"]*\"))?"
)

#: The start of an HTML block of type 7: one complete open or closing tag alone on its
#: line (not ``script``, ``style``, ``pre`` or ``textarea``, whose blocks end otherwise);
#: it may not interrupt a paragraph.
TAG_LINE = re.compile(
    r"^ {0,3}(?:<(?!(?:script|style|pre|textarea)\b)[A-Za-z][A-Za-z0-9-]*"
    rf"(?:{_ATTRIBUTE})*[ \t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*$",
    re.IGNORECASE,
)

#: The start of a list item: its marker (group 1) and the spaces up to its content (group 2).
LIST_ITEM = re.compile(r"^( {0,3}(?:[-+*]|[0-9]{1,9}[.)]))( {1,4})(?=\S)")

#: A line that ends the block above it: an ATX heading or a thematic break.
ONE_LINE_BLOCK = re.compile(
    r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$)"
)

#: A setext heading's underline: under a paragraph line, it makes that paragraph a heading.
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")

#: A link reference definition on one line, ``[label]: url "title"``: not a paragraph.
LINK_REFERENCE = re.compile(
    r"^ {0,3}\[(?:[^\[\]\\]|\\.)+\]:[ \t]*(?:<[^<>\n]*>|[^ \t<][^ \t]*)"
    r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*$"
)

#: The title of a link reference definition on a line of its own, under the definition.
LINK_TITLE = re.compile(r"^[ \t]*(?:\"[^\"]*\"|'[^']*'|\([^()]*\))[ \t]*$")

#: The start of an HTML block of type 1, which lasts until the line that holds its closing
#: tag (:data:`RAW_END`), blank lines and all; it may interrupt a paragraph.
RAW_START = re.compile(r"^ {0,3}<(?:pre|script|style|textarea)(?=[ \t>]|$)", re.IGNORECASE)

#: What ends an HTML block of type 1, anywhere on a line.
RAW_END = re.compile(r"</(?:pre|script|style|textarea)>", re.IGNORECASE)

#: A block-quote marker at the start of a line's content.
QUOTE_MARKER = re.compile(r" {0,3}> ?")

#: Lines looked at above a run of lines that closes a ``<pre>`` or ``<script>`` block, for
#: its start, or above an indented run for the list item it belongs to.
LOOK_BACK = 500


def opening_html(fence: FenceLexeme, note: NoteContext) -> int | None:
    """The 0-based line of the HTML line that opens the HTML block ``fence``'s opening line
    is part of, or ``None`` when the fence is a fence. Only the lines right above the fence
    up to a blank line are read (most fences have a blank line right above them), in the
    fence's block quote or list item as that container's content; and when the container
    starts right under a line of the note's top level, the lines above that start, as an
    HTML block open there holds the whole container."""
    first = fence
    above = fence.open_line - 1
    if not fence.prefix and (above < 0 or not note.lines[above].strip()):
        return _in_raw_block(fence, note)  # most fences: a blank line right above
    while True:
        content = _container_lines(fence, note)
        if content is None:
            return None
        lines, indent, start = content
        top = fence.quote_depth == 0 and indent == len(fence.prefix)
        opened = _opening_above(note, lines, fence.open_line, indent, top, fence.prefix)
        if opened is None and start is not None and start > 0 and note.lines[start - 1].strip():
            opened = _opening_above(note, _above(note.lines, start, 0), start, 0, True, "")
        if not isinstance(opened, FenceLexeme):
            break
        fence = opened  # right under a fence with no blank line: in its HTML block, if any
    if opened is None:  # a <pre> block of the top level holds every line to its end
        return _in_raw_block(first, note)
    raw = RAW_START.match(note.lines[opened])
    if fence is first or raw is None:
        return opened
    # a <pre> block that held the fences above may close before this one
    closed = _raw_end(note.lines, opened, first.open_line, raw.end())
    if closed is None:
        return opened
    after = {line: note.lines[line] for line in range(closed + 1, first.open_line)}
    return _scan(after, closed + 1, first.open_line, {}) if after else None


#: A ``<pre>`` or ``<script>`` tag anywhere in a note's text, looked for once a note (an
#: anchored search of every line costs ten times as much).
RAW_ANYWHERE = re.compile(r"<(?:pre|script|style|textarea)(?=[ \t>\n]|$)", re.IGNORECASE)

#: The ``<pre>`` and ``<script>`` blocks of each note being parsed, as (first, last) lines
#: (``last`` ``None``: never closed), found on its first fence's look.
_raw_blocks: weakref.WeakKeyDictionary[NoteContext, list[tuple[int, int | None]]] = (
    weakref.WeakKeyDictionary()
)


def _in_raw_block(fence: FenceLexeme, note: NoteContext) -> int | None:
    """The line of the ``<pre>`` or ``<script>`` line that opens a block holding ``fence``,
    blank lines between them or not (a note without such a tag costs one search)."""
    blocks = _raw_blocks.get(note)
    if blocks is None:
        blocks = _raw_blocks[note] = _find_raw_blocks(note)
    for first, last in blocks:
        if first >= fence.open_line:
            break
        if last is None or last >= fence.open_line:
            return first
    return None


def _find_raw_blocks(note: NoteContext) -> list[tuple[int, int | None]]:
    """The ``<pre>``, ``<script>``, ``<style>`` and ``<textarea>`` blocks at the top level
    of the note, outside fences and comments."""
    text, lines = note.text, note.lines
    blocks: list[tuple[int, int | None]] = []
    line = offset = 0
    for found in RAW_ANYWHERE.finditer(text):
        line_start = text.rfind("\n", 0, found.start()) + 1
        if found.start() - line_start > 3 or text[line_start : found.start()].strip(" "):
            continue  # not at the start of its line
        line += text.count("\n", offset, line_start)
        offset = line_start
        if blocks and (blocks[-1][1] is None or line <= blocks[-1][1]):
            continue  # inside the block before
        closed = blocks[-1][1] if blocks else None
        if _taken(note, line) is not None or _in_html_block(note, line, closed):
            continue
        last = _raw_end(lines, line, len(lines), found.end() - line_start)
        blocks.append((line, last))
    return blocks


def _in_html_block(note: NoteContext, line: int, after: int | None = None) -> bool:
    """Whether ``line`` continues an HTML block of type 6 or 7 opened right above it (and
    below line ``after``, which closed a ``<pre>`` block)."""
    above = _above(note.lines, line, 0)
    if after is not None:
        above = {index: text for index, text in above.items() if index > after}
    return bool(above) and _scan(above, min(above), line, {}) is not None


def _opening_above(
    note: NoteContext,
    lines: Mapping[int, str],
    end: int,
    indent: int,
    top: bool,
    prefix: str | None = None,
) -> int | FenceLexeme | None:
    """The line opening an HTML block still open at line ``end`` (``indent`` columns in),
    read from ``lines``, the lines right above it in its container; ``top``: at the note's
    top level, where what is above a blank line is looked at too. A fence of the top level
    that ends right above, with no blank line in it, is returned instead: whatever HTML
    block holds it holds ``end`` too."""
    taken: dict[int, str] = {}
    start = end
    chain: FenceLexeme | None = None
    while start - 1 in lines and lines[start - 1].strip():
        kind = _taken(note, start - 1)
        if kind == "fence":
            # a "fence" right above that is raw HTML itself, with no blank line in it, is
            # in the HTML block that holds this line too
            above = _fence_at(note, start - 1)
            if above is None or not all(
                note.lines[line].strip() for line in range(above.open_line, start)
            ):
                break
            if above.prefix == prefix and (
                ">" in prefix
                or all(
                    len(note.lines[line]) - len(note.lines[line].lstrip(" ")) >= len(prefix)
                    for line in range(start, end)
                )
            ):
                chain = above  # in the same container, nothing less indented between
                break
            if not top or not above.quote_depth or above.prefix.replace(">", "").strip():
                break
            # a fence in a block quote is part of the quote, which an HTML block open
            # above it holds too
            for line in range(above.open_line, start):
                taken[line] = kind
            start = above.open_line
            continue
        if kind is not None:
            taken[start - 1] = kind
        start -= 1
    opened = (
        None if start == end else _scan(lines, start, end, taken, indent, note if top else None)
    )
    return chain if opened is None else opened


def _above(lines: Sequence[str], end: int, depth: int) -> dict[int, str]:
    """The lines right above line ``end`` in a block quote ``depth`` deep (0: the note's
    top level), quote markers taken off, up to a blank one, by 0-based line."""
    above: dict[int, str] = {}
    line = end - 1
    while line >= 0 and end - line <= LOOK_BACK:
        text = _in_quote(lines[line], depth)
        if text is None or not text.strip():
            break
        above[line] = text
        line -= 1
    return above


def _container_lines(
    fence: FenceLexeme, note: NoteContext
) -> tuple[dict[int, str], int, int | None] | None:
    """The lines right above ``fence`` in its block quote or list item, by 0-based line, as
    that container's content (quote markers and the item's indentation taken off), the
    fence's own indentation there, and the line where the container starts when that is
    known (a quote's first line, an item's marker line above the fence with no blank line
    between); ``None`` for a fence on a list item's marker line."""
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
    above = _above(lines, fence.open_line, depth)
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
        return above, 0, start
    # in a list item: its lines from the fence's column on, up to the item's marker line
    item: dict[int, str] = {}
    for index in sorted(above, reverse=True):
        text = above[index]
        marker = LIST_ITEM.match(text)
        if marker is not None and len(marker.group(0)) == column:
            item[index] = text[column:]
            return item, 0, index if not depth else start
        if len(text) - len(text.lstrip(" ")) < column:
            break  # a lazy line or another block: the item's content ends below it
        item[index] = text[column:]
    # a fence one to three spaces in, with no item's marker line above it up to a blank
    # line, is read where it stands
    return (above, column, start) if column <= 3 else (item, 0, start)


def _in_quote(line: str, depth: int) -> str | None:
    """``line`` without its first ``depth`` block-quote markers, or ``None`` when it has
    fewer (it is not in the fence's quote)."""
    for _ in range(depth):
        marker = QUOTE_MARKER.match(line)
        if marker is None:
            return None
        line = line[marker.end() :]
    return line


def _fence_around(note: NoteContext, line: int) -> FenceLexeme | None:
    """The fence that ``line`` belongs to, if one does."""
    fences = note.lexemes.fences
    index = bisect_right(fences, line, key=lambda fence: fence.open_line) - 1
    if index >= 0 and line <= fences[index].last_line:
        return fences[index]
    return None


def _fence_at(note: NoteContext, line: int) -> FenceLexeme | None:
    """The fence whose last line is ``line``, if one is."""
    fences = note.lexemes.fences
    index = bisect_right(fences, line, key=lambda fence: fence.open_line) - 1
    if index >= 0 and fences[index].last_line == line:
        return fences[index]
    return None


def _taken(note: NoteContext, line: int) -> str | None:
    """``fence`` when ``line`` belongs to a fence, ``comment`` to an HTML comment, else
    ``None``: the lexemes are in the order of their lines, so each is found by bisection."""
    fences = note.lexemes.fences
    index = bisect_right(fences, line, key=lambda fence: fence.open_line) - 1
    if index >= 0 and line <= fences[index].last_line:
        return "fence"
    comments = note.lexemes.comments
    index = bisect_right(comments, line, key=lambda comment: comment.open_line) - 1
    if index >= 0:
        close = comments[index].close_line
        if close is None or line <= close:
            return "comment"
    return None


def _scan(
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
    #: The content column of the list item the lines are in (when the fence is outside it),
    #: and whether an HTML block is open in it.
    item: int | None = None
    html_in_item = False
    index = start
    if note is not None:
        index = _after_raw_block(lines, start, end, taken, note)
        first = lines[index] if index < end else ""
        if index == start and len(first) - len(first.lstrip(" ")) > indent:
            item = _item_above(lines, note, start, indent, len(first) - len(first.lstrip(" ")))
            html_in_item = item is not None
    definition = False
    #: The paragraph is a block quote's: a line under it is its lazy line, no underline.
    lazy = False
    while index < end:
        line = lines[index]
        lazy = lazy and in_paragraph
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
            if html_in_item or QUOTE_MARKER.match(line) or ONE_LINE_BLOCK.match(line):
                # not a paragraph's lazy line: a line less indented ends the list
                item, html_in_item, in_paragraph = None, False, False
            elif in_paragraph and not (
                LIST_ITEM.match(line) or BLOCK_TAG_LINE.match(line) or RAW_START.match(line)
            ):
                index += 1  # a lazy line of the item's paragraph (no underline there)
                continue
        marker = LIST_ITEM.match(line)
        if marker is not None and len(marker.group(0)) >= max(indent, 1):
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
            inner = {at: _in_quote(lines[at], 1) or "" for at in range(index, last + 1)}
            in_paragraph = _scan(inner, index, last + 1, {}) is None and not ONE_LINE_BLOCK.match(
                inner[last]
            )
            index, definition, lazy = last + 1, False, in_paragraph
            continue
        raw = RAW_START.match(line)
        if raw is not None:
            closed = _raw_end(lines, index, end, raw.end())
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
        else:
            in_paragraph, definition = True, False
        index += 1
    return opened


def _raw_end(
    lines: Mapping[int, str] | Sequence[str], index: int, end: int, after: int
) -> int | None:
    """The line, from ``index`` (from column ``after`` on it) to ``end`` (excluded), that
    holds the closing tag of the ``<pre>`` or ``<script>`` block line ``index`` opens."""
    if RAW_END.search(lines[index], after):
        return index
    for line in range(index + 1, end):
        if RAW_END.search(lines[line]):
            return line
    return None


def _after_raw_block(
    lines: Mapping[int, str], start: int, end: int, taken: dict[int, str], note: NoteContext
) -> int:
    """Where the run from ``start`` starts afresh: after the line that closes a ``<pre>`` or
    ``<script>`` block opened above the run (blank lines may sit inside one), else
    ``start``. Looked for only when a line of the run holds such a closing tag."""
    closing = next((line for line in range(start, end) if RAW_END.search(lines[line])), None)
    if closing is None or any(RAW_START.match(lines[line]) for line in range(start, closing)):
        return start
    all_lines = note.lines
    for line in range(start - 1, max(-1, start - 1 - LOOK_BACK), -1):
        if _taken(note, line) == "fence":
            continue
        if RAW_END.search(all_lines[line]):
            return start  # the block above was closed already
        if RAW_START.match(all_lines[line]) and not _in_html_block(note, line):
            return closing + 1
    return start


def _item_above(
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
        if _taken(note, line) == "fence":
            fence = _fence_around(note, line)
            if fence is not None:
                lowest = min(lowest, len(fence.prefix))
            lazy = False
            continue
        marker = LIST_ITEM.match(text)
        if marker is not None:
            column = len(marker.group(0))
            if _in_html_block(note, line):
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


def html_not_run(fence: FenceLexeme, html: int, note: NoteContext) -> str:
    """Why ``fence``, in the HTML block that line ``html`` opens, is not run."""
    return (
        f"CommonMark reads it as part of the HTML block that `{cut(note.lines[html].strip())}` "
        f"opens on line {shown(html)} (raw HTML up to the next blank line; GitHub shows its "
        f"code as text, not as a code block): put a blank line right above the fence "
        f"(after line {shown(fence.open_line - 1)}) to run it"
    )
