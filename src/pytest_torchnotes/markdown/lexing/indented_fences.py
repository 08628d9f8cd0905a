"""Fence-looking lines that are indented code: indented four columns or more from the
content column of their containers (:mod:`.containers`), they open no fence. CommonMark
shows them as code, and the plugin does not run them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_torchnotes.markdown.lexing.containers import Containers, indentation
from pytest_torchnotes.markdown.lexing.lines import split_quotes, width
from pytest_torchnotes.markdown.lexing.list_items import CODE_INDENT, MARKER_SPACE


@dataclass(frozen=True, slots=True)
class IndentedFenceLexeme:
    """A line that would open a fence but is indented code: indented too far."""

    #: 0-based index of the line.
    line: int
    #: Its info string, stripped.
    info: str
    #: Whether a tab is part of its indentation.
    tab: bool
    #: The fence characters, such as ```` ``` ````.
    fence: str = "```"


def indented_fence(
    containers: Containers, index: int, quote: str, opening: re.Match[str]
) -> IndentedFenceLexeme | None:
    """The indented code that the fence-looking line ``index`` (``opening`` after the
    markers ``quote``) is, when its indentation, from the content column of its
    containers, is four columns or more; ``None`` when it opens a fence.

    >>> from pytest_torchnotes.markdown.lexing.fences import fence_opening
    >>> def indented(lines):
    ...     opening = fence_opening(lines[-1].lstrip(">"))
    ...     return indented_fence(Containers(lines, 0, []), len(lines) - 1, "", opening)
    >>> indented(["\\t```python"]), indented(["- a", "", "    ```python"]) is None
    (IndentedFenceLexeme(line=0, info='python', tab=True, fence='```'), True)
    """
    leading = opening.group("indent")
    indent = indentation(quote, leading)
    marker = opening.group("marker") or ""
    spaces = opening.group("inner")
    if marker:
        # Columns of whitespace after the last marker, whose tabs stop where they stand.
        start = width(quote + leading + marker.rstrip(" \t"))
        too_wide = width(quote + leading + marker + spaces) - start > MARKER_SPACE
    else:
        too_wide = False
    if not too_wide and (
        indent < CODE_INDENT
        or indent - containers.column(index, quote.count(">"), indent) < CODE_INDENT
    ):
        return None
    tab = "\t" in leading + marker + opening.group("inner")
    return IndentedFenceLexeme(index, opening.group("info").strip(), tab, opening.group("fence"))


class IndentedCode:
    """Keeps each would-be fence of indented code once: a fence-looking line that would
    close the one before it, or that stands after it in the same indented code block, is
    its content (an indented block of ```` ```python ```` lines is one warning, not one a
    line)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.open: IndentedFenceLexeme | None = None
        self.last = -1

    def opens(self, code: IndentedFenceLexeme) -> bool:
        """Whether ``code`` would open a fence, rather than be the content of one."""
        opened = self.open if self._continues(code.line) else None
        self.last = code.line
        if opened is None:
            self.open = code
            return True
        if (
            not code.info
            and code.fence[0] == opened.fence[0]
            and len(code.fence) >= len(opened.fence)
        ):
            self.open = None
        return False

    def _continues(self, index: int) -> bool:
        """Whether the lines since the last fence-looking line are blank or indented code."""
        for line in self.lines[self.last + 1 : index]:
            rest = split_quotes(line)[1]
            text = rest.lstrip(" \t")
            if text and width(rest[: len(rest) - len(text)]) < CODE_INDENT:
                return False
        return True


def fence_container(containers: Containers, index: int, quote: str, opening: re.Match[str]) -> int:
    """The content column of the list item that holds the fence ``opening`` starts on line
    ``index`` (from the content column of its block quotes ``quote``); 0 for none.

    >>> from pytest_torchnotes.markdown.lexing.fences import fence_opening
    >>> lines = ["1. a", "", "   ```python"]
    >>> [fence_container(Containers(lines, 0, []), index, "", fence_opening(text))
    ...  for index, text in ((0, "- ```python"), (2, lines[2]), (0, "```python"))]
    [2, 3, 0]
    """
    if opening.group("marker"):
        return indentation(
            quote, opening.group("indent") + opening.group("marker") + opening.group("inner")
        )
    indent = indentation(quote, opening.group("indent"))
    return containers.column(index, quote.count(">"), indent) if indent else 0
