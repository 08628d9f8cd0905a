"""Find the regions of a Markdown note: front matter, fenced code, HTML comments, headings.

The lexer is line based. It follows CommonMark where notes depend on it: a fence is closed
only by a fence of the same character that is at least as long and carries no info string,
so a ```` ```python ```` shown inside a ```` ````markdown ```` example is not code; fences
and comments may sit in block quotes (``> ``) and list items; a fence inside an HTML
comment is commented out. Each content line keeps the exact prefix that was removed from
it, so that a rewrite can put it back byte for byte.

Line numbers here are 0-based indexes into ``text.split("\\n")``; callers add 1 for people.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add
from typing import NamedTuple

from pytest_torchnotes.notelines import shown

#: One block-quote marker: ``>`` and the space after it.
QUOTE_MARKER = re.compile(r"[ \t]{0,3}>[ \t]?")

#: Block-quote markers at the start of a line: ``>``, ``> >``, `` > `` ...
QUOTE = re.compile(r"(?:[ \t]{0,3}>[ \t]?)*")

#: An opening fence after the block-quote markers: indentation, an optional list marker,
#: three or more backticks or tildes, and the info string.
FENCE_OPEN = re.compile(
    r"(?P<indent>[ \t]*)(?P<marker>(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?P<inner>[ \t]*)"
    r"(?P<fence>`{3,}|~{3,})(?P<info>.*)$"
)

#: A closing fence after the block-quote markers (its length and character are checked apart).
FENCE_CLOSE = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*$")

#: An ATX heading: ``## Title ##``.
ATX_HEADING = re.compile(r"[ \t]{0,3}(?P<level>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")

#: Inline markup removed from heading text: HTML tags, emphasis, stray backticks. An
#: underscore inside a word or a name (``cross_entropy``, ``os._exit``) is text, as in
#: CommonMark: only one that opens after a space or closes before one is emphasis.
HEADING_MARKUP = re.compile(
    r"<[^>\n]+>|\*{1,3}(?=\S)|(?<=\S)\*{1,3}|(?<!\S)_{1,3}(?=\S)"
    r"|(?<=\S)_{1,3}(?=\s|$|[:：,，;!?)\]])|`"
)

#: A code span in heading text: its content is kept as written.
HEADING_CODE_SPAN = re.compile(r"(`+)((?:(?!\1).)+?)\1")


def heading_text(raw: str) -> str:
    """The text of a heading, markup removed, code spans kept as written.

    >>> heading_text("**Bold** `torch.nn.functional.cross_entropy` and os._exit")
    'Bold torch.nn.functional.cross_entropy and os._exit'
    """
    pieces = HEADING_CODE_SPAN.split(raw)  # text, ticks, code, text, ticks, code, ..., text
    texts = [HEADING_MARKUP.sub("", piece) for piece in pieces[::3]]
    codes = pieces[2::3]
    return "".join(text + code for text, code in zip(texts, [*codes, ""], strict=True)).strip()


#: A setext underline: ``====`` or ``----`` under a paragraph line.
SETEXT_UNDERLINE = re.compile(r"[ \t]{0,3}(?P<char>=+|-+)[ \t]*$")

#: Front matter delimiters (Jekyll/Hugo YAML, Hugo TOML).
FRONT_MATTER_OPEN = re.compile(r"(?P<delim>---|\+\+\+)[ \t]*$")

COMMENT_OPEN = "<!--"
COMMENT_CLOSE = "-->"

#: A torchnotes directive that does not start its line, e.g. inside a paragraph.
INLINE_DIRECTIVE = re.compile(r"\S.*?<!--+\s*torchnotes\b", re.IGNORECASE)

#: An inline code span: what it holds is shown, not interpreted.
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")

TAB_STOP = 4


class BodyLine(NamedTuple):
    """One content line of a fence or a comment (a tuple: a note has hundreds of them)."""

    #: 0-based index of the line in the document.
    line: int
    #: The characters removed from the start of the line (quote markers, indentation).
    prefix: str
    #: What is left: the content itself, without the trailing newline.
    text: str


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

    @property
    def language(self) -> str:
        """The first word of the info string: ``python`` for ```` ```python title="x" ````."""
        words = self.info.split(maxsplit=1)
        return words[0] if words else ""

    @property
    def last_line(self) -> int:
        """0-based index of the last line that belongs to the fence."""
        if self.close_line is not None:
            return self.close_line
        return self.body[-1].line if self.body else self.open_line


@dataclass(frozen=True, slots=True)
class CommentLexeme:
    """An HTML comment that starts a line: ``<!-- ... -->``."""

    #: 0-based index of the line holding ``<!--``.
    open_line: int
    #: 0-based index of the line holding ``-->``, or ``None`` when never closed.
    close_line: int | None
    #: Text after ``<!--`` on the first line (and before ``-->`` if it closes there).
    head: str
    #: The lines between the first line and the one holding ``-->`` (that line's text
    #: before ``-->`` included when it is not blank).
    body: tuple[BodyLine, ...]


@dataclass(frozen=True, slots=True)
class HeadingLexeme:
    #: 0-based index of the heading's text line.
    line: int
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class FrontMatterLexeme:
    #: 0-based index of the closing delimiter line.
    close_line: int
    #: ``yaml`` or ``toml``.
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class LexerProblem:
    #: 0-based line index.
    line: int
    message: str
    severity: str = "error"


@dataclass
class NoteLexemes:
    """Everything the lexer found in a note, in document order within each kind."""

    lines: list[str]
    front_matter: FrontMatterLexeme | None = None
    fences: list[FenceLexeme] = field(default_factory=list)
    comments: list[CommentLexeme] = field(default_factory=list)
    headings: list[HeadingLexeme] = field(default_factory=list)
    problems: list[LexerProblem] = field(default_factory=list)


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines without their ``\\n``; a final newline adds no empty line.

    >>> split_lines("a\\nb\\n")
    ['a', 'b']
    >>> split_lines("a\\n\\nb")
    ['a', '', 'b']
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def width(whitespace: str) -> int:
    """Display width of leading whitespace, tabs advancing to the next multiple of four.

    >>> width("  \\t")
    4
    """
    column = 0
    for char in whitespace:
        column = column + TAB_STOP - column % TAB_STOP if char == "\t" else column + 1
    return column


def strip_columns(text: str, columns: int) -> tuple[str, str]:
    """Remove up to ``columns`` columns of leading whitespace; return ``(removed, rest)``.

    >>> strip_columns("      x", 4)
    ('    ', '  x')
    >>> strip_columns(" x", 4)
    (' ', 'x')
    """
    column = 0
    index = 0
    while index < len(text) and text[index] in " \t" and column < columns:
        step = TAB_STOP - column % TAB_STOP if text[index] == "\t" else 1
        if column + step > columns:
            break
        column += step
        index += 1
    return text[:index], text[index:]


def quote_prefix(line: str, depth: int) -> str | None:
    """The first ``depth`` block-quote markers of ``line``, or ``None`` if it has fewer.

    >>> quote_prefix("> > x", 2)
    '> > '
    >>> quote_prefix("x", 1) is None
    True
    """
    end = 0
    for _ in range(depth):
        match = QUOTE_MARKER.match(line, end)
        if match is None:
            return None
        end = match.end()
    return line[:end]


#: Columns of indentation, beyond a fence's own, that make a line indented code.
INDENTED_CODE = 4


def indented_after(lines: list[str], fence: FenceLexeme) -> tuple[BodyLine, ...]:
    """The indented code block right after a closed ``fence`` (only blank lines between):
    its lines from the first indented one to the last, blank ones between included, each
    with the prefix removed from it (block-quote markers, the fence's indentation and four
    columns more). In CommonMark a fence-looking line in it is text, not a fence.

    >>> indented_after(["```", "x", "```", "", "    a", "", "    b", "", "c"],
    ...                FenceLexeme(0, 2, "", "", "```", 0, ()))
    (BodyLine(line=4, prefix='    ', text='a'), BodyLine(line=5, prefix='', text=''), \
BodyLine(line=6, prefix='    ', text='b'))
    """
    if fence.close_line is None:
        return ()
    depth = fence.quote_depth
    quotes = quote_prefix(fence.prefix, depth) if depth else ""
    columns = width(fence.prefix[len(quotes or "") :]) + INDENTED_CODE
    found: list[BodyLine] = []
    last = -1
    for index in range(fence.close_line + 1, len(lines)):
        line = lines[index]
        quote = quote_prefix(line, depth) if depth else ""
        if quote is None:
            break
        rest = line[len(quote) :]
        if not rest.strip():
            if found:
                found.append(BodyLine(index, line, ""))
            continue
        if width(rest[: len(rest) - len(rest.lstrip(" \t"))]) < columns:
            break
        removed, text = strip_columns(rest, columns)
        found.append(BodyLine(index, quote + removed, text))
        last = len(found)
    return tuple(found[: max(last, 0)])


class MarkdownLexer:
    """Lex a Markdown note's text (``\\n`` line endings) into :class:`NoteLexemes`.

    Only lines whose first character may matter are looked at; fences outside block quotes
    and lists are closed by a regular expression search, so their content is never walked
    line by line.
    """

    def __call__(self, text: str) -> NoteLexemes:
        lines = split_lines(text)
        found = NoteLexemes(lines=lines)
        begin = self._front_matter(lines, found)
        # Offset of each line: the lengths of the lines before it, plus their newlines.
        offsets = [0, *map(add, accumulate(map(len, lines)), range(1, len(lines) + 1))]
        scan = _Scan(lines, found, begin, offsets, text)
        index = begin
        count = len(lines)
        while index < count:
            line = lines[index]
            first = line[:1]
            if (
                first in ALWAYS_MATTER
                or (
                    first in MAY_MATTER
                    and ("```" in line or "~~~" in line or not line.strip("- \t"))
                )
                or COMMENT_OPEN in line
            ):
                scan.line(index)
                index = max(index + 1, scan.last_block + 1)
            else:
                index += 1
        return found

    @staticmethod
    def _front_matter(lines: list[str], found: NoteLexemes) -> int:
        if not lines:
            return 0
        opening = FRONT_MATTER_OPEN.match(lines[0])
        if opening is None:
            return 0
        delim = opening.group("delim")
        closers = ("---", "...") if delim == "---" else ("+++",)
        for index in range(1, len(lines)):
            line = lines[index]
            if ("```" in line or "~~~" in line) and FENCE_OPEN.match(line.lstrip(" \t>")):
                return 0  # a code fence: the --- was a thematic break, the rest is the note
            if line.rstrip(" \t") in closers:
                text = "\n".join(lines[1:index])
                if delim == "---" and not _yaml_front_matter(text):
                    return 0
                found.front_matter = FrontMatterLexeme(
                    close_line=index, kind="yaml" if delim == "---" else "toml", text=text
                )
                return index + 1
        return 0

    @staticmethod
    def _fence(
        lines: list[str], open_line: int, quotes: str, depth: int, opening: re.Match[str]
    ) -> FenceLexeme:
        fence = opening.group("fence")
        indent = width(opening.group("indent") + (opening.group("marker") or ""))
        indent += width(opening.group("inner"))
        body: list[BodyLine] = []
        close_line: int | None = None
        index = open_line + 1
        marker = fence[0]
        while index < len(lines):
            line = lines[index]
            quote = quote_prefix(line, depth) if depth else ""
            if quote is None:
                break  # the block quote ended, and with it the fence
            rest = line[len(quote) :]
            closing = FENCE_CLOSE.match(rest) if marker in rest else None
            if (
                closing is not None
                and closing.group("fence")[0] == fence[0]
                and len(closing.group("fence")) >= len(fence)
                and width(closing.group("indent")) <= indent + 3
            ):
                close_line = index
                break
            if indent and rest[:1] in (" ", "\t"):
                removed, text = strip_columns(rest, indent)
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

    @staticmethod
    def _comment(
        lines: list[str], open_line: int, quotes: str, rest: str, found: NoteLexemes
    ) -> CommentLexeme:
        depth = quotes.count(">")
        leading = rest[: len(rest) - len(rest.lstrip(" \t"))]
        after_open = rest[len(leading) + len(COMMENT_OPEN) :]
        end = after_open.find(COMMENT_CLOSE)
        if end >= 0:
            return CommentLexeme(open_line, open_line, after_open[:end], ())
        body: list[BodyLine] = []
        indent = width(leading)
        for index in range(open_line + 1, len(lines)):
            line = lines[index]
            quote = quote_prefix(line, depth) or ""
            removed, text = strip_columns(line[len(quote) :], indent)
            end = text.find(COMMENT_CLOSE)
            if end >= 0:
                if text[:end].strip():
                    body.append(BodyLine(index, quote + removed, text[:end].rstrip(" \t")))
                return CommentLexeme(open_line, index, after_open, tuple(body))
            body.append(BodyLine(index, quote + removed, text))
        found.problems.append(
            LexerProblem(
                open_line,
                "HTML comment is never closed: everything after it is hidden "
                "(add --> where the comment ends)",
            )
        )
        return CommentLexeme(open_line, None, after_open, tuple(body))

    @staticmethod
    def _inline_directive(index: int, rest: str, found: NoteLexemes) -> None:
        if INLINE_DIRECTIVE.match(CODE_SPAN.sub("", rest)):
            found.problems.append(
                LexerProblem(
                    index, "a torchnotes directive must start its own line, before a block"
                )
            )

    @staticmethod
    def _heading(
        index: int,
        depth: int,
        rest: str,
        paragraph: tuple[int, int, str] | None,
        found: NoteLexemes,
    ) -> tuple[int, int, str] | None:
        """Record a heading on this line; return the paragraph line a setext line may follow."""
        if not rest.strip():
            return None
        first = rest.lstrip(" \t")[:1]
        atx = ATX_HEADING.match(rest) if first == "#" else None
        if atx is not None:
            text = heading_text(atx.group("text") or "")
            found.headings.append(HeadingLexeme(index, len(atx.group("level")), text))
            return None
        underline = SETEXT_UNDERLINE.match(rest) if first in ("=", "-") else None
        if underline is not None and paragraph is not None and paragraph[1] == depth:
            level = 1 if underline.group("char")[0] == "=" else 2
            text = heading_text(paragraph[2])
            found.headings.append(HeadingLexeme(paragraph[0], level, text))
            return None
        if width(rest[: len(rest) - len(rest.lstrip(" \t"))]) >= 4 and paragraph is None:
            return None  # an indented code line is not a paragraph
        return (index, depth, rest.strip())


#: The ``torchnotes:`` key at the top level of YAML front matter.
TORCHNOTES_KEY = re.compile(r"^torchnotes[ \t]*:", re.MULTILINE)


def _yaml_front_matter(text: str) -> bool:
    """Whether ``text`` between two ``---`` lines is front matter: empty, or YAML that holds
    keys. Text that is not (prose between two thematic breaks) belongs to the note. Text
    with a ``torchnotes:`` key is front matter in any case, so that its errors are reported.

    >>> _yaml_front_matter("title: Notes"), _yaml_front_matter("Some prose.")
    (True, False)
    """
    if not text.strip() or TORCHNOTES_KEY.search(text):
        return True
    import yaml  # only notes that start with --- pay for the YAML parser

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict)


#: First characters of a line the lexer looks at: a heading, a setext underline, a block
#: quote, indentation.
ALWAYS_MATTER = frozenset(" \t>#=")

#: First characters of a line the lexer looks at when it holds a fence or is a ``---``
#: underline: inline code, a list item.
MAY_MATTER = frozenset("`~-*+0123456789")

# Any other line is prose, looked at again only when a setext underline needs the line above.


#: Candidates for the closing fence of a fence outside quotes and lists.
CLOSERS = {
    "`": re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,})[ \t]*$", re.MULTILINE),
    "~": re.compile(r"^(?P<indent>[ \t]*)(?P<fence>~{3,})[ \t]*$", re.MULTILINE),
}


class _Scan:
    """State of one pass of :class:`MarkdownLexer` over the interesting lines."""

    def __init__(
        self, lines: list[str], found: NoteLexemes, begin: int, offsets: list[int], text: str
    ) -> None:
        self.lines = lines
        self.found = found
        self.begin = begin
        self.offsets = offsets
        self.text = text
        #: Last line of the latest fence or comment: lines up to it are taken.
        self.last_block = begin - 1
        #: The paragraph line a setext underline could follow, after each line handled.
        self.after: dict[int, tuple[int, int, str] | None] = {}

    @staticmethod
    def split(line: str) -> tuple[str, str]:
        """``(block quote markers, rest)`` of a line."""
        if line[:1] == ">" or (line[:1] in (" ", "\t") and ">" in line[:8]):
            quotes = QUOTE.match(line)
            assert quotes is not None  # the pattern matches the empty string
            return quotes.group(), line[quotes.end() :]
        return "", line

    def line(self, index: int) -> None:
        quote, rest = self.split(self.lines[index])
        depth = quote.count(">")
        stripped = rest.lstrip(" \t")
        found = self.found
        if stripped.startswith(COMMENT_OPEN):
            comment = MarkdownLexer._comment(self.lines, index, quote, rest, found)
            found.comments.append(comment)
            last = comment.close_line if comment.close_line is not None else len(self.lines) - 1
            self.last_block = last
            return
        opening = FENCE_OPEN.match(rest) if "```" in rest or "~~~" in rest else None
        if opening is not None and not (
            opening.group("fence")[0] == "`" and "`" in opening.group("info")
        ):
            fence = self.fence(index, quote, depth, opening)
            found.fences.append(fence)
            if fence.close_line is None:
                found.problems.append(self.unclosed(fence))
            self.last_block = fence.last_line
            indented = indented_after(self.lines, fence)
            if indented:  # indented code: what looks like a fence or comment in it is text
                self.last_block = indented[-1].line
            return
        if not stripped:
            self.after[index] = None
            return
        if "<!--" in rest:
            MarkdownLexer._inline_directive(index, rest, found)
        if stripped[0] in ("#", "=", "-"):
            self.after[index] = MarkdownLexer._heading(
                index, depth, rest, self.paragraph_before(index), found
            )
        else:
            self.after[index] = (index, depth, stripped.rstrip())

    def unclosed(self, fence: FenceLexeme) -> LexerProblem:
        """The problem of a fence never closed. A bare fence that would have closed the
        fence before it usually is that fence's real end: a line inside it (output that
        prints a fence) closed it early, and that line is the one to name."""
        fences = self.found.fences
        before = fences[-2] if len(fences) > 1 else None
        if (
            not fence.info
            and before is not None
            and before.close_line is not None
            and before.fence[0] == fence.fence[0]
            and len(fence.fence) >= len(before.fence)
            and before.quote_depth == fence.quote_depth
        ):
            longer = before.fence + before.fence[0]
            return LexerProblem(
                before.close_line,
                f"this line closes the code fence opened at line {shown(before.open_line)}, so "
                f"the fence at line {shown(fence.open_line)} is never closed: if this line is "
                f"part of the block, open and close the block with a longer fence ({longer}); "
                f"if not, add a line {fence.fence} after the fence at line "
                f"{shown(fence.open_line)}",
            )
        return LexerProblem(
            fence.open_line,
            f"code fence {fence.fence}{fence.info} is never closed "
            f"(add a line {fence.fence} after its last line)",
        )

    def paragraph_before(self, index: int) -> tuple[int, int, str] | None:
        """The paragraph state after line ``index - 1``, as a line-by-line pass has it."""
        previous = index - 1
        if previous < self.begin or previous <= self.last_block:
            return None
        if previous in self.after:
            return self.after[previous]
        quote, rest = self.split(self.lines[previous])
        if not rest.strip():
            return None
        leading = rest[: len(rest) - len(rest.lstrip(" \t"))]
        if width(leading) >= 4 and self.paragraph_before(previous) is None:
            return None  # an indented code line is not a paragraph
        return (previous, quote.count(">"), rest.strip())

    def fence(self, index: int, quote: str, depth: int, opening: re.Match[str]) -> FenceLexeme:
        if depth or opening.group("indent") or opening.group("marker") or opening.group("inner"):
            return MarkdownLexer._fence(self.lines, index, quote, depth, opening)
        fence = opening.group("fence")
        closers = CLOSERS[fence[0]]
        position = self.offsets[index + 1] if index + 1 < len(self.lines) else len(self.text)
        close_line: int | None = None
        for match in closers.finditer(self.text, position):
            if len(match.group("fence")) >= len(fence) and width(match.group("indent")) <= 3:
                close_line = bisect_right(self.offsets, match.start()) - 1
                break
        end = close_line if close_line is not None else len(self.lines)
        lines = self.lines
        return FenceLexeme(
            open_line=index,
            close_line=close_line,
            info=opening.group("info").strip(),
            prefix="",
            fence=fence,
            quote_depth=0,
            body=tuple([BodyLine(number, "", lines[number]) for number in range(index + 1, end)]),
        )
