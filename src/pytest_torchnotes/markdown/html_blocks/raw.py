"""The ``<pre>``, ``<script>``, ``<style>`` and ``<textarea>`` blocks of a note (CommonMark's
type 1), which last until the line of their closing tag, blank lines and all: found once a
note, on its first fence's look."""

from __future__ import annotations

import re
import weakref

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.html_blocks.lexemes import belongs_to
from pytest_torchnotes.markdown.html_blocks.scan import in_html_block
from pytest_torchnotes.markdown.html_blocks.tags import raw_end
from pytest_torchnotes.markdown.lexers import FenceLexeme

#: A ``<pre>`` or ``<script>`` tag anywhere in a note's text, looked for once a note (an
#: anchored search of every line costs ten times as much).
RAW_ANYWHERE = re.compile(r"<(?:pre|script|style|textarea)(?=[ \t>\n]|$)", re.IGNORECASE)


#: The ``<pre>`` and ``<script>`` blocks of each note being parsed, as (first, last) lines
#: (``last`` ``None``: never closed), found on its first fence's look.
_raw_blocks: weakref.WeakKeyDictionary[NoteContext, list[tuple[int, int | None]]] = (
    weakref.WeakKeyDictionary()
)


def in_raw_block(fence: FenceLexeme, note: NoteContext) -> int | None:
    """The line of the ``<pre>`` or ``<script>`` line that opens a block holding ``fence``,
    blank lines between them or not (a note without such a tag costs one search)."""
    return raw_block_holding(fence.open_line, note)


def raw_block_holding(line: int, note: NoteContext) -> int | None:
    """The line of the ``<pre>`` or ``<script>`` line that opens a block holding line
    ``line`` (below it), or ``None``."""
    blocks = _raw_blocks.get(note)
    if blocks is None:
        blocks = _raw_blocks[note] = find_raw_blocks(note)
    for first, last in blocks:
        if first >= line:
            break
        if last is None or last >= line:
            return first
    return None


def find_raw_blocks(note: NoteContext) -> list[tuple[int, int | None]]:
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
        if belongs_to(note, line) is not None or in_html_block(note, line, closed):
            continue
        last = raw_end(lines, line, len(lines), found.end() - line_start)
        blocks.append((line, last))
    return blocks
