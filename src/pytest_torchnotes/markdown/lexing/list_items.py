"""List items as CommonMark reads them: where one starts, the column of its content, and
what interrupts a paragraph (a line that does not is its continuation, lazy or not)."""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.lexing.lines import width

#: Columns of indentation, from the container's content column, that make a line indented
#: code rather than a fence or a list item.
CODE_INDENT = 4

#: A list item's marker, the whitespace after it and its first line's content. A ``:`` starts
#: a definition of a definition list (Pandoc, PHP Markdown Extra, markdown-it-py's deflist,
#: Python-Markdown's ``def_list``): its content is read as a list item's.
LIST_ITEM = re.compile(r"(?P<marker>[-*+:]|\d{1,9}[.)])(?P<space>[ \t]*)(?P<content>.*)$")

#: The marker of a definition in a definition list.
DEFINITION = ":"

#: A thematic break (``- - -``, ``***``): not a list item.
THEMATIC_BREAK = re.compile(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")

#: An ATX heading: it interrupts a paragraph (as a fence, a list item, a block quote do).
BLOCK_START = re.compile(r"#{1,6}(?:[ \t]|$)")

#: The first line of an mkdocs admonition (``!!!``), collapsible block (``???``) or content
#: tab (``===``): its body is the lines indented four columns more.
MKDOCS_CONTAINER = re.compile(r"(?:!!!|\?\?\?\+?|===\+?)(?:[ \t]|$)")

#: Widest whitespace after a list marker that still sets the item's content column; wider,
#: the content starts one column after the marker and the rest is indented code.
MARKER_SPACE = 4


def item_column(indent: int, rest: str, offset: int = 0) -> int | None:
    """The content column of the list item that ``rest`` (a line's text after ``indent``
    columns of whitespace, from the content column ``offset`` of its block quotes) starts,
    or ``None`` when it starts none (an mkdocs container counts as one).

    >>> item_column(0, "- a"), item_column(2, "1.  b"), item_column(0, "-\\t\\tc")
    (2, 6, 2)
    >>> item_column(0, '!!! note "Output"'), item_column(0, "text")
    (4, None)
    >>> item_column(0, ":   ```python"), item_column(0, ":"), item_column(0, ":::{note}")
    (4, None, None)
    """
    if MKDOCS_CONTAINER.match(rest):
        return indent + CODE_INDENT
    item = LIST_ITEM.match(rest)
    if item is None or THEMATIC_BREAK.match(rest):
        return None
    if item.group("marker") == DEFINITION and not item.group("content").strip():
        return None  # a definition has content on its marker's line (a ":" alone is text)
    space = item.group("space")
    if not space and item.group("content"):
        return None
    end = indent + len(item.group("marker"))
    spaces = width(" " * (offset + end) + space) - offset - end
    if not item.group("content") or spaces > MARKER_SPACE:
        return end + 1
    return end + spaces


def starts_block(text: str, inside: bool = True) -> bool:
    """Whether a line whose text (after its indentation) is ``text`` starts a block that
    interrupts a paragraph: a list item, a fence, an ATX heading, a thematic break, a block
    quote, an mkdocs container. Any other line after a paragraph line continues it. A line
    ``inside`` the paragraph's container starts a list item only with content and a bullet
    or the number 1; outside it, any list item ends the paragraph's container.

    >>> starts_block("- a"), starts_block("```python"), starts_block("# Title"), starts_block("a")
    (True, True, True, False)
    """
    return bool(
        text.startswith(("```", "~~~", ">"))
        or BLOCK_START.match(text)
        or THEMATIC_BREAK.match(text)
        or MKDOCS_CONTAINER.match(text)
        or (_interrupting_item(text) if inside else item_column(0, text) is not None)
    )


def _interrupting_item(text: str) -> bool:
    """Whether ``text`` starts a list item that may interrupt a paragraph: one with content,
    a bullet or the number 1.

    >>> _interrupting_item("- a"), _interrupting_item("2. a"), _interrupting_item("-")
    (True, False, False)
    """
    item = LIST_ITEM.match(text)
    if item is None or item_column(0, text) is None or not item.group("content").strip():
        return False
    marker = item.group("marker")
    return marker in "-*+:" or int(marker[:-1]) == 1


def inner_item(text: str) -> str | None:
    """The content of the list item ``text`` starts when that content is on its line and
    may start a list item too, or ``None``. A thematic break (``2. ---``) starts none.

    >>> inner_item("- - a"), inner_item("- a"), inner_item("-      - a"), inner_item("2. ---")
    ('- a', None, None, None)
    """
    item = LIST_ITEM.match(text)
    if item is None or MKDOCS_CONTAINER.match(text):
        return None
    content = item.group("content")
    space = item.group("space")
    if not space or width(space) > MARKER_SPACE or LIST_ITEM.match(content) is None:
        return None
    if THEMATIC_BREAK.match(content):
        return None
    return content
