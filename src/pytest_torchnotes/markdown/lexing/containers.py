"""Indentation as CommonMark counts it: from the content column of a line's containers.

A line's content starts after its block-quote markers (each ``>`` and one column of the
space or tab after it) and inside the list items that hold it (after the marker and the
spaces after it, or in the indented body of an mkdocs admonition, collapsible block or
content tab: ``!!! note``, ``??? note``, ``=== "Tab"``). Tabs advance to the next multiple
of four columns. A fence indented by four columns or more from there is an indented code
block, not a fence (:mod:`.indented_fences`): ``\\t```python`` at the top of a note is
shown as code, and not run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.lines import TAB_STOP, quote_prefix, width

#: Columns of indentation, from the container's content column, that make a line indented
#: code rather than a fence or a list item.
CODE_INDENT = 4

#: A list item's marker, the whitespace after it and its first line's content.
LIST_ITEM = re.compile(r"(?P<marker>[-*+]|\d{1,9}[.)])(?P<space>[ \t]*)(?P<content>.*)$")

#: A thematic break (``- - -``, ``***``): not a list item.
THEMATIC_BREAK = re.compile(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")

#: The first line of an mkdocs admonition (``!!!``), collapsible block (``???``) or content
#: tab (``===``): its body is the lines indented four columns more.
MKDOCS_CONTAINER = re.compile(r"(?:!!!|\?\?\?\+?|===\+?)(?:[ \t]|$)")

#: Widest whitespace after a list marker that still sets the item's content column; wider,
#: the content starts one column after the marker and the rest is indented code.
MARKER_SPACE = 4


def quote_content(quote: str) -> int:
    """The column where the content of the block-quote markers ``quote`` starts: after
    each ``>`` and one column of the space or tab after it.

    >>> quote_content(""), quote_content("> "), quote_content(">\\t"), quote_content("> > ")
    (0, 2, 2, 4)
    """
    column = content = 0
    for index, char in enumerate(quote):
        if char == ">":
            content = column + 1 + (quote[index + 1 : index + 2] in (" ", "\t"))
        column = column + TAB_STOP - column % TAB_STOP if char == "\t" else column + 1
    return content


def indentation(quote: str, leading: str) -> int:
    """Columns of ``leading`` whitespace after the markers ``quote``, from their content.

    >>> indentation("", "\\t"), indentation(">\\t", ""), indentation("> ", " \\t")
    (4, 2, 2)
    """
    return width(quote + leading) - quote_content(quote)


def item_column(indent: int, rest: str, offset: int = 0) -> int | None:
    """The content column of the list item that ``rest`` (a line's text after ``indent``
    columns of whitespace, from the content column ``offset`` of its block quotes) starts,
    or ``None`` when it starts none (an mkdocs container counts as one).

    >>> item_column(0, "- a"), item_column(2, "1.  b"), item_column(0, "-\\t\\tc")
    (2, 6, 2)
    >>> item_column(0, '!!! note "Output"'), item_column(0, "text")
    (4, None)
    """
    if MKDOCS_CONTAINER.match(rest):
        return indent + CODE_INDENT
    item = LIST_ITEM.match(rest)
    if item is None or THEMATIC_BREAK.match(rest):
        return None
    space = item.group("space")
    if not space and item.group("content"):
        return None
    end = indent + len(item.group("marker"))
    spaces = width(" " * (offset + end) + space) - offset - end
    if not item.group("content") or spaces > MARKER_SPACE:
        return end + 1
    return end + spaces


@dataclass
class _Pass:
    """How far the forward pass at one quote depth went, and the list items open there."""

    next_line: int
    #: The first fence that may still hold a line of the pass.
    fence: int = 0
    #: ``(indentation, content column if it starts a list item)`` of the lines before,
    #: less and less indented from the top.
    stack: list[tuple[int, int | None]] = field(default_factory=list)


class Containers:
    """The content column of the list items holding each line, read forward once per
    quote depth as far as a question needs; ``skipped`` says which lines to leave out (the
    content of fences, where a line is code)."""

    def __init__(self, lines: list[str], begin: int, fences: list[FenceLexeme]) -> None:
        self.lines = lines
        self.begin = begin
        #: The fences found so far, in order: their content is skipped.
        self.fences = fences
        self.passes: dict[int, _Pass] = {}

    def column(self, index: int, depth: int, indent: int) -> int:
        """The content column (from the quote's content) of the innermost list item that
        holds line ``index`` at ``depth`` quotes, indented ``indent`` columns; 0 for none."""
        state = self.passes.setdefault(depth, _Pass(self.begin))
        line = state.next_line
        while line < index:
            fences = self.fences
            while state.fence < len(fences) and fences[state.fence].last_line < line:
                state.fence += 1
            if state.fence < len(fences) and fences[state.fence].open_line < line:
                line = fences[state.fence].last_line + 1  # a fence's content is code
                continue
            self._read(state, line, depth)
            line += 1
        state.next_line = max(state.next_line, index)
        return _holder(state.stack, indent)

    def _read(self, state: _Pass, index: int, depth: int) -> None:
        line = self.lines[index]
        quote = quote_prefix(line, depth) if depth else ""
        if quote is None:
            state.stack.clear()  # the block quote ended, and the list items in it
            return
        rest = line[len(quote) :]
        text = rest.lstrip(" \t")
        if not text:
            return
        indent = indentation(quote, rest[: len(rest) - len(text)])
        stack = state.stack
        while stack and stack[-1][0] >= indent:
            stack.pop()
        holder = _holder(stack, indent)
        offset = quote_content(quote)
        item = item_column(indent, text, offset) if indent - holder < CODE_INDENT else None
        stack.append((indent, item))


def _holder(stack: list[tuple[int, int | None]], indent: int) -> int:
    """The content column of the innermost list item of ``stack`` that holds a line
    indented ``indent`` columns."""
    for before, column in reversed(stack):
        if before < indent and column is not None and column <= indent:
            return column
    return 0
