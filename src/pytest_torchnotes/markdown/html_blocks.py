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
the item). Only fences outside block quotes and list items are looked at.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

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


def opening_html(fence: FenceLexeme, note: NoteContext) -> int | None:
    """The 0-based line of the HTML line that opens the HTML block ``fence``'s opening line
    is part of, or ``None`` when the fence is a fence. Only the lines right above the fence
    up to a blank line are read (most fences have a blank line right above them)."""
    if fence.quote_depth or fence.prefix.strip(" ") or len(fence.prefix) > 3:
        return None
    lines = note.lines
    start = fence.open_line
    taken: dict[int, str] = {}
    while start > 0 and lines[start - 1].strip():
        kind = _taken(note, start - 1)
        if kind == "fence":
            break
        if kind is not None:
            taken[start - 1] = kind
        start -= 1
    if start == fence.open_line:
        return None
    return _scan(lines, start, fence.open_line, taken, len(fence.prefix))


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
    lines: Sequence[str], start: int, end: int, taken: dict[int, str], indent: int = 0
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
    while index < end:
        line = lines[index]
        if opened is not None:
            index += 1
            continue
        if taken.get(index) == "comment":
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
            if html_in_item:  # not a paragraph: a line less indented ends the list
                item, html_in_item, in_paragraph = None, False, False
        marker = LIST_ITEM.match(line)
        if marker is not None and len(marker.group(0)) > indent:
            item = len(marker.group(0))
            content = line[item:]
            html_in_item = bool(BLOCK_TAG_LINE.match(content) or TAG_LINE.match(content))
            in_paragraph = not html_in_item
            index += 1
            continue
        if BLOCK_TAG_LINE.match(line) or (not in_paragraph and TAG_LINE.match(line)):
            opened = index
        elif ONE_LINE_BLOCK.match(line):
            in_paragraph = False
        else:
            in_paragraph = True
        index += 1
    return opened


def html_not_run(fence: FenceLexeme, html: int, note: NoteContext) -> str:
    """Why ``fence``, in the HTML block that line ``html`` opens, is not run."""
    return (
        f"CommonMark reads it as part of the HTML block that `{cut(note.lines[html].strip())}` "
        f"opens on line {shown(html)} (raw HTML up to the next blank line; GitHub shows its "
        f"code as text, not as a code block): put a blank line right above the fence "
        f"(after line {shown(fence.open_line - 1)}) to run it"
    )
