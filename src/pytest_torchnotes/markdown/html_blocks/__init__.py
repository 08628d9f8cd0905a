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

The modules: ``tags`` (what starts and ends a block, line by line), ``lexemes`` (the fence
or comment a line belongs to), ``containers`` (a quote's or item's lines as its content),
``scan`` (a run of lines read as CommonMark reads it), ``raw`` (the ``<pre>`` blocks of a
note); this one asks them about a fence.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.html_blocks.containers import container_lines, lines_above
from pytest_torchnotes.markdown.html_blocks.lexemes import belongs_to, fence_ending_at
from pytest_torchnotes.markdown.html_blocks.raw import in_raw_block, raw_block_holding
from pytest_torchnotes.markdown.html_blocks.scan import after_raw_block, item_above, scan_run
from pytest_torchnotes.markdown.html_blocks.tags import (
    BLOCK_TAG_LINE,
    LIST_ITEM,
    RAW_START,
    TAG_LINE,
    raw_end,
)
from pytest_torchnotes.markdown.lexers import FenceLexeme
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.quoting import cut

__all__ = ["BLOCK_TAG_LINE", "TAG_LINE", "html_not_run", "opening_html"]


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
        return in_raw_block(fence, note)  # most fences: a blank line right above
    while True:
        content = container_lines(fence, note)
        if content is None:
            return None
        lines, indent, start, lazy = content
        if (
            start is not None
            and not fence.quote_depth
            and raw_block_holding(start, note) is not None
        ):
            # the list item's marker line is the text of a <pre> block open above it, blank
            # lines between or not: no item, the fence is read where it stands
            lines, indent, start = (
                lines_above(note.lines, fence.open_line, 0),
                len(fence.prefix),
                None,
            )
            lazy = frozenset()
        top = fence.quote_depth == 0 and indent == len(fence.prefix)
        # an HTML block open where the container starts holds the whole container; a fence
        # right above the container holds it only where nothing in the container opens one
        outer = None
        if start is not None and start > 0 and note.lines[start - 1].strip():
            outer = _opening_above(note, lines_above(note.lines, start, 0), start, 0, True, "")
        opened: int | FenceLexeme | None = outer if isinstance(outer, int) else None
        if opened is None:
            # the item's own prefix, when the fence is further in than the item's content
            inside = fence.prefix[: len(fence.prefix) - indent] if indent and not top else None
            prefix = inside or fence.prefix
            opened = _opening_above(note, lines, fence.open_line, indent, top, prefix, lazy)
            opened = outer if opened is None else opened
        if not isinstance(opened, FenceLexeme):
            break
        fence = opened  # right under a fence with no blank line: in its HTML block, if any
    if opened is None:  # a <pre> block of the top level holds every line to its end
        return in_raw_block(first, note)
    raw = RAW_START.match(note.lines[opened])
    if fence is first or raw is None:
        return opened
    # a <pre> block that held the fences above may close before this one
    closed = raw_end(note.lines, opened, first.open_line, raw.end())
    if closed is None:
        return opened
    after = {line: note.lines[line] for line in range(closed + 1, first.open_line)}
    return scan_run(after, closed + 1, first.open_line, {}) if after else None


def _opening_above(
    note: NoteContext,
    lines: Mapping[int, str],
    end: int,
    indent: int,
    top: bool,
    prefix: str | None = None,
    lazy: frozenset[int] = frozenset(),
) -> int | FenceLexeme | None:
    """The line opening an HTML block still open at line ``end`` (``indent`` columns in),
    read from ``lines``, the lines right above it in its container; ``top``: at the note's
    top level, where what is above a blank line is looked at too. A fence of the top level
    that ends right above, with no blank line in it, is returned instead: whatever HTML
    block holds it holds ``end`` too. ``lazy``: the lines of a list item less indented than
    its content, read as lazy lines of its paragraph if they are."""
    taken: dict[int, str] = dict.fromkeys(lazy, "lazy")
    start = end
    chain: FenceLexeme | None = None
    while start - 1 in lines and lines[start - 1].strip():
        kind = belongs_to(note, start - 1)
        if kind == "fence":
            # a "fence" right above that is raw HTML itself, with no blank line in it, is
            # in the HTML block that holds this line too
            above = fence_ending_at(note, start - 1)
            if above is None or not all(
                note.lines[line].strip() for line in range(above.open_line, start)
            ):
                break
            if (
                prefix is not None
                and _same_item(above.prefix, prefix)
                and (
                    ">" in prefix
                    or all(
                        len(note.lines[line]) - len(note.lines[line].lstrip(" ")) >= len(prefix)
                        for line in range(start, end)
                    )
                )
            ):
                chain = above  # in the same container, nothing less indented between
                break
            if top and _continues_html_of(above, note, start, end):
                chain = above  # indented otherwise, but still in the HTML block above
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
    if start == end:
        return chain
    if chain is not None and top and after_raw_block(lines, start, end, taken, note) > start:
        chain = None  # a <pre> block open above, and the fence above in it, closes in the run
    opened = scan_run(lines, start, end, taken, indent, note if top else None)
    return chain if opened is None else opened


def _same_item(above: str, prefix: str | None) -> bool:
    """Whether a fence opened after ``above`` is in the container whose lines start with
    ``prefix``: the same prefix, or in a list item, one at least as far in.

    >>> _same_item("   ", "  "), _same_item(" ", "  "), _same_item("> ", "> ")
    (True, False, True)
    """
    if above == prefix:
        return True
    spaces = bool(prefix) and not (prefix or "").strip(" ") and not above.strip(" ")
    return spaces and len(above) >= len(prefix or "")


def _continues_html_of(above: FenceLexeme, note: NoteContext, start: int, end: int) -> bool:
    """Whether lines ``start`` to ``end`` (the fence's own line), under ``above``, a fence
    of the top level indented otherwise than the fence with no blank line between, are
    still in the HTML block that holds ``above``: an HTML block has no lazy lines, so it
    goes on only in the container it was opened in, whatever the indentation there (a
    ``<div>`` of the top level holds a fence at any column; one in a list item ends with
    a line less indented than the item's content)."""
    if above.quote_depth or above.prefix.strip(" "):
        return False
    html = opening_html(above, note)
    if html is None:
        return False
    lines = note.lines
    least = min(len(lines[line]) - len(lines[line].lstrip(" ")) for line in range(start, end + 1))
    marker = LIST_ITEM.match(lines[html])
    if marker is not None:
        return least >= len(marker.group(0))
    indent = len(lines[html]) - len(lines[html].lstrip(" "))
    return (
        indent <= least
        or item_above(lines_above(lines, html, 0), note, html, least, indent) is None
    )


def html_not_run(fence: FenceLexeme, html: int, note: NoteContext) -> str:
    """Why ``fence``, in the HTML block that line ``html`` opens, is not run."""
    return (
        f"CommonMark reads it as part of the HTML block that `{cut(note.lines[html].strip())}` "
        f"opens on line {shown(html)} (raw HTML up to the next blank line; GitHub shows its "
        f"code as text, not as a code block): put a blank line right above the fence "
        f"(after line {shown(fence.open_line - 1)}) to run it"
    )
