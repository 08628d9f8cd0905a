"""A block quote that starts on a list item's own line: ``- > ```python``.

CommonMark reads the item's content, ``> ```python``, as a block quote holding a fence; the
lines after it are in the item when indented to its content (``  > x = 1``), and the quote
goes on there. The scan reads such a line's list markers and quote markers together as the
line's block-quote prefix (:func:`item_quote`): the fence's depth counts its quotes, and a
quote marker indented less than the item's content ends the item, and the fence in it
(:func:`item_content`; for an item inside another block quote, ``> - > ```python``, the
outer quote's markers decide).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_torchnotes.markdown.lexing.lines import ITEM_QUOTE, split_quotes, width
from pytest_torchnotes.markdown.lexing.list_items import CODE_INDENT, MARKER_SPACE

if TYPE_CHECKING:
    from pytest_torchnotes.markdown.lexing.containers import Containers


def item_quote(line: str) -> tuple[str, str] | None:
    """``(list markers and quote markers, rest)`` of a ``line`` (after its own block-quote
    markers) that starts a list item whose content is a block quote; ``None`` for any other
    line. Its indentation is not checked: :func:`.scan` knows the items that hold it.

    >>> item_quote("- > ```python"), item_quote("1.  > > x"), item_quote("- text")
    (('- > ', '```python'), ('1.  > > ', 'x'), None)
    >>> item_quote("-      > x") is None  # indented code after the marker
    True
    """
    items = ITEM_QUOTE.match(line)
    if items is None:
        return None
    markers = items.group()
    spaces = markers[len(markers.rstrip(" \t")) :]
    if width(markers) - width(markers[: len(markers) - len(spaces)]) > MARKER_SPACE:
        return None
    quote, rest = split_quotes(line[items.end() :])
    return markers + quote, rest


def item_content(quote: str) -> int:
    """The content column of the list item that holds the block-quote prefix ``quote``
    that :func:`item_quote` read; 0 for a prefix of block quotes alone.

    >>> item_content("- > "), item_content("10. > > "), item_content("> > ")
    (2, 4, 0)
    """
    items = ITEM_QUOTE.match(quote)
    return 0 if items is None else width(items.group())


def opened_quote(line: str, depth: int) -> str | None:
    """The first ``depth`` block-quote markers of ``line``, with the list markers among them,
    when the ``depth``-th quote opens on the line, in a list item the line starts; ``None``
    otherwise (the line's quote at that depth goes on from the lines before, or it has none).

    >>> opened_quote("1) > 1) no", 1), opened_quote("> - > > x", 2), opened_quote("> x", 1)
    ('1) > ', '> - > ', None)
    """
    outer, rest = split_quotes(line)
    if outer.count(">") >= depth:
        return None
    found = item_quote(rest)
    if found is None:
        return None
    prefix = outer + found[0]
    count = 0
    for index, char in enumerate(prefix):
        if char == ">":
            count += 1
            if count == depth:
                return prefix[: index + 1 + (prefix[index + 1 : index + 2] in (" ", "\t"))]
    return None


def quote_on_item_line(
    containers: Containers, index: int, quote: str, rest: str
) -> tuple[str, str] | None:
    """``(block quote markers, rest)`` of line ``index`` (``rest`` after ``quote``) when
    ``rest`` starts a list item whose content is a block quote (``- > ```python``): the
    markers hold the item's; ``None`` when it starts none, one that cannot interrupt the
    paragraph before it (the line is text), or is indented code."""
    found = item_quote(rest)
    depth = quote.count(">")
    if found is None or containers.continues_paragraph(index, depth):
        return None
    leading = rest[: len(rest) - len(rest.lstrip(" \t"))]
    lead = width(quote + leading) - width(quote)
    if lead >= CODE_INDENT and lead - containers.column(index, depth, lead) >= CODE_INDENT:
        return None
    return quote + found[0], found[1]
