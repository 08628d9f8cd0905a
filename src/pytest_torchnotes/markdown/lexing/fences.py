"""Fenced code blocks: where one opens, where it closes, and the lines it holds.

A fence is closed only by a fence of the same character that is at least as long and
carries no info string, so a ```` ```python ```` shown inside a ```` ````markdown ````
example is not code. A fence may sit in block quotes (``> ``) and list items; each of its
lines keeps the exact prefix that was removed from it, so that a rewrite can put it back
byte for byte.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import repeat

from pytest_torchnotes.markdown.lexing.info import language as info_language
from pytest_torchnotes.markdown.lexing.lines import (
    BodyLine,
    marker_indent,
    quote_prefix,
    strip_columns,
    width,
)
from pytest_torchnotes.quoting import cut

#: An opening fence after the block-quote markers: indentation, optional list markers
#: (``- ``, or ``- 1. `` for a list item that starts another) with the whitespace after each,
#: three or more backticks or tildes, and the info string.
#: ``inner`` is always empty: the marker takes the whitespace after it, so that no two runs
#: of whitespace compete for the same characters (a line of spaces fails in linear time).
FENCE_OPEN = re.compile(
    r"(?P<indent>[ \t]*)(?P<marker>(?:(?:[-*+:]|\d{1,9}[.)])[ \t]+)+)?(?P<inner>)"
    r"(?P<fence>`{3,}|~{3,})(?P<info>.*)$"
)

#: A closing fence after the block-quote markers (its length and character are checked apart).
FENCE_CLOSE = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*$")

#: Candidates for the closing fence of a fence outside quotes and lists, from the newline
#: before it: a search for a pattern that starts with ``^`` tries every character, one that
#: starts with a newline only the newlines.
CLOSERS = {
    "`": re.compile(r"\n(?P<indent>[ \t]*)(?P<fence>`{3,})[ \t]*$", re.MULTILINE),
    "~": re.compile(r"\n(?P<indent>[ \t]*)(?P<fence>~{3,})[ \t]*$", re.MULTILINE),
}

#: Longest info string a message quotes.
MAX_INFO = 60


@dataclass(frozen=True, slots=True)
class FenceLexeme:
    """A fenced code block."""

    #: 0-based index of the opening fence line.
    open_line: int
    #: 0-based index of the closing fence line, or ``None`` when the fence is never closed.
    close_line: int | None
    #: The info string after the opening fence, stripped.
    info: str
    #: Everything on the opening line before the fence characters (quotes, list marker).
    prefix: str
    #: The fence characters themselves, such as ```` ``` ```` or ``~~~~``.
    fence: str
    #: How many block-quote levels the fence sits in.
    quote_depth: int
    #: The content lines.
    body: tuple[BodyLine, ...]
    #: An indented ``>>>`` session (:mod:`.indented_sessions`): no fence lines, ``fence`` "".
    indented: bool = False
    #: A site's opening template tag (:mod:`.template_tags`; ``fence``: its closing tag).
    tag: str = ""

    @property
    def language(self) -> str:
        """The language the info string names, in lower case: ``python`` for
        ```` ```python title="x" ````, ```` ```{.python} ```` or ```` ```Python ````."""
        return info_language(self.info)

    @property
    def opening(self) -> str:
        """The opening fence as messages name it: the fence and its info string (a site's
        tag), cut short.

        >>> FenceLexeme(0, 2, "python " + "x" * 80, "", "```", 0, ()).opening[-28:]
        'xxxxxx… (27 more characters)'
        """
        return cut(self.tag, MAX_INFO) if self.tag else self.fence + cut(self.info, MAX_INFO)

    @property
    def last_line(self) -> int:
        """0-based index of the last line that belongs to the fence."""
        if self.close_line is not None:
            return self.close_line
        return self.body[-1].line if self.body else self.open_line


def fence_opening(rest: str) -> re.Match[str] | None:
    """The opening fence of a line after its block-quote markers, or ``None``. A backtick
    fence whose info string holds a backtick is inline code, not a fence.

    >>> fence_opening("```python").group("info"), fence_opening("``` a`b`")
    ('python', None)
    """
    opening = FENCE_OPEN.match(rest) if "```" in rest or "~~~" in rest else None
    if opening is None or (opening.group("fence")[0] == "`" and "`" in opening.group("info")):
        return None
    return opening


def lex_fence(
    lines: list[str],
    offsets: list[int],
    text: str,
    open_line: int,
    quotes: str,
    opening: re.Match[str],
    container: int = 0,
    outer: int = 0,
) -> FenceLexeme:
    """The fence that ``opening`` starts on line ``open_line``, inside ``quotes`` and, when
    ``container`` is not 0, a list item whose content starts at that column (and when
    ``outer`` is not 0, in block quotes in a list item whose content starts at that column,
    which a block-quote marker indented less ends): a line of
    text indented less ends the item, and the fence with it.

    ``offsets`` holds the offset in ``text`` of each line: a fence outside block quotes and
    lists is closed by a regular expression search, so its content is never walked line
    by line.
    """
    depth = quotes.count(">")
    if depth or opening.group("indent") or opening.group("marker") or opening.group("inner"):
        return _walk_fence(lines, open_line, quotes, depth, opening, container, outer)
    fence = opening.group("fence")
    closers = CLOSERS[fence[0]]
    # From the newline that ends the opening line.
    position = offsets[open_line + 1] - 1 if open_line + 1 < len(lines) else len(text)
    close_line: int | None = None
    for match in closers.finditer(text, position):
        if len(match.group("fence")) >= len(fence) and width(match.group("indent")) <= 3:
            close_line = bisect_right(offsets, match.start() + 1) - 1
            break
    end = close_line if close_line is not None else len(lines)
    start = open_line + 1
    # The body lines made without a call of Python each (what BodyLine._make does for one).
    body = map(
        tuple.__new__, repeat(BodyLine), zip(range(start, end), repeat(""), lines[start:end])
    )
    return FenceLexeme(
        open_line=open_line,
        close_line=close_line,
        info=opening.group("info").strip(),
        prefix="",
        fence=fence,
        quote_depth=0,
        body=tuple(body),
    )


def _walk_fence(
    lines: list[str],
    open_line: int,
    quotes: str,
    depth: int,
    opening: re.Match[str],
    container: int,
    outer: int = 0,
) -> FenceLexeme:
    """A fence in block quotes or a list item, line by line: each line's prefix is kept. Its
    closing fence may stand at any indentation; other text less indented than the list
    item's content ends the item, and the fence with it."""
    fence = opening.group("fence")
    opener = opening.group("indent") + (opening.group("marker") or "") + opening.group("inner")
    indent = width(quotes + opener) - width(quotes)
    body: list[BodyLine] = []
    close_line: int | None = None
    index = open_line + 1
    marker = fence[0]
    # In a list item, the fence's block quote may be indented four columns or more.
    first = marker_indent(quotes)
    while index < len(lines):
        line = lines[index]
        quote = quote_prefix(line, depth, first) if depth else ""
        if quote is None:
            break  # the block quote ended, and with it the fence
        if outer and width(quote[: len(quote) - len(quote.lstrip(" \t"))]) < outer:
            break  # the list item that holds the block quote ended, and the fence with it
        rest = line[len(quote) :]
        closing = FENCE_CLOSE.match(rest) if marker in rest else None
        if (
            closing is not None
            and closing.group("fence")[0] == fence[0]
            and len(closing.group("fence")) >= len(fence)
            and width(quote + closing.group("indent")) - width(quote) <= container + 3
        ):
            close_line = index
            break
        text = rest.lstrip(" \t")
        leading = width(quote + rest[: len(rest) - len(text)]) - width(quote)
        if container and text and leading < container:
            break  # the list item ended, and with it the fence
        if indent and rest[:1] in (" ", "\t"):
            removed, text = strip_columns(rest, indent, width(quote))
        else:
            removed, text = "", rest
        body.append(BodyLine(index, quote + removed, text))
        index += 1
    return FenceLexeme(
        open_line=open_line,
        close_line=close_line,
        info=opening.group("info").strip(),
        prefix=quotes
        + opening.group("indent")
        + (opening.group("marker") or "")
        + opening.group("inner"),
        fence=fence,
        quote_depth=depth,
        body=tuple(body),
    )
