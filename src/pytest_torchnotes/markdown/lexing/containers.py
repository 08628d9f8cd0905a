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

from dataclasses import dataclass, field

from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.item_quotes import item_content, opened_quote
from pytest_torchnotes.markdown.lexing.lines import TAB_STOP, quote_prefix, split_quotes, width
from pytest_torchnotes.markdown.lexing.list_items import (
    CODE_INDENT,
    LIST_ITEM,
    MARKER_SPACE,
    inner_item,
    item_column,
    starts_block,
)


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


#: Most list items one line starts (``- - - a``), as markdown-it-py nests blocks: more
#: would make a pathological line quadratic.
MAX_NESTING = 20


@dataclass
class _Pass:
    """How far the forward pass at one quote depth went, and the list items open there."""

    next_line: int
    #: The first fence that may still hold a line of the pass.
    fence: int = 0
    #: ``(indentation, content column if it starts a list item)`` of the lines before,
    #: less and less indented from the top.
    stack: list[tuple[int, int | None]] = field(default_factory=list)
    #: Whether the line before is paragraph text, which a lazy line continues.
    paragraph: bool = False
    #: The content column of the container that holds that paragraph.
    paragraph_column: int = 0
    #: The last line read that continues a paragraph (lazy or not).
    continued: int = -1
    #: The content column of the list item whose line opened the block quote (``- > ``),
    #: which a quote marker indented less ends; 0 for none.
    opened_in: int = 0


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
        if state.opened_in and index < len(self.lines):
            text = self.lines[index]
            quote = quote_prefix(text, depth, width(text))
            if quote is not None and width(_lead(quote)) < state.opened_in:
                return 0  # the item that opened the quote, and its items, ended
        return _holder(state.stack, indent)

    def continues_paragraph(self, index: int, depth: int) -> bool:
        """Whether line ``index``, at ``depth`` quotes, is paragraph text that continues the
        paragraph before it (``2) ```python`` after a paragraph line is text)."""
        self.column(index + 1, depth, 0)
        return self.passes[depth].continued == index

    def _read(self, state: _Pass, index: int, depth: int) -> None:
        line = self.lines[index]
        # A block quote in a list item may be indented four columns or more: the scan, which
        # asks, has decided that the line is in the quote.
        quote = quote_prefix(line, depth, width(line)) if depth else ""
        if quote is None and depth and (opened := opened_quote(line, depth)) is not None:
            # The quote opens on this line, in a list item (``- > - a``): no item of the
            # lines before is in it.
            state.stack.clear()
            state.paragraph = False
            state.opened_in = item_content(opened)
            quote = opened
        elif quote and state.opened_in and width(_lead(quote)) < state.opened_in:
            # A quote marker indented less than the item that opened the quote: the item
            # ended, and its quote; this one is another.
            state.stack.clear()
            state.paragraph = False
            state.opened_in = 0
        if quote is None and state.paragraph and line.strip() and not starts_block(line.lstrip()):
            return  # a lazy paragraph line: the quote and the items in it go on
        if quote is None:
            state.stack.clear()  # the block quote ended, and the list items in it
            state.paragraph = False
            state.opened_in = 0
            return
        rest = line[len(quote) :]
        text = rest.lstrip(" \t")
        if not text:
            state.paragraph = False
            return
        indent = indentation(quote, rest[: len(rest) - len(text)])
        stack = state.stack
        kept = len(stack)
        while kept and (stack[kept - 1][0] >= indent or (stack[kept - 1][1] or 0) > indent):
            kept -= 1  # a line indented less than an item's content ends the item
        holder = _holder(stack, indent, kept)
        code = indent - holder >= CODE_INDENT
        if state.paragraph and (code or not starts_block(text, indent >= state.paragraph_column)):
            state.continued = index
            return  # paragraph continuation text, lazy or not: the items holding it go on
        del stack[kept:]
        offset = quote_content(quote)
        item = None if code else item_column(indent, text, offset)
        state.paragraph = not code and not starts_block(text)
        state.paragraph_column = holder
        stack.append((indent, item))
        while (
            item is not None
            and len(stack) < MAX_NESTING
            and (inner := inner_item(text)) is not None
        ):
            # The item's content starts a list item of its own: ``- - a``, ``1. * a``.
            text, indent = inner, item
            item = item_column(indent, text, offset)
            stack.append((indent, item))
        if item is not None:
            content = LIST_ITEM.match(text)
            rest_text = content.group("content") if content else ""
            code = content is not None and width(content.group("space")) > MARKER_SPACE
            state.paragraph = bool(rest_text) and not code and not starts_block(rest_text)
            state.paragraph_column = item


def _holder(stack: list[tuple[int, int | None]], indent: int, kept: int | None = None) -> int:
    """The content column of the innermost list item of ``stack`` (of its first ``kept``
    entries) that holds a line indented ``indent`` columns."""
    for position in range((len(stack) if kept is None else kept) - 1, -1, -1):
        before, column = stack[position]
        if before < indent and column is not None and column <= indent:
            return column
    return 0


def _lead(quote: str) -> str:
    """The whitespace before the first marker of the block-quote markers ``quote``."""
    return quote[: len(quote) - len(quote.lstrip(" \t"))]


def quote_in_item(containers: Containers, index: int, quote: str, rest: str) -> tuple[str, str]:
    """``(block quote markers, rest)`` of line ``index``, whose ``>`` after ``quote`` is
    indented four columns or more: a block quote when a list item holds it, less than
    four columns past the item's content, and indented code when none does."""
    lead = rest[: len(rest) - len(rest.lstrip(" \t"))]
    indent = indentation(quote, lead)
    column = containers.column(index, quote.count(">"), indent)
    if column and indent - column < CODE_INDENT:
        inner, rest = split_quotes(rest, width(lead))
        return quote + inner, rest
    return quote, rest
