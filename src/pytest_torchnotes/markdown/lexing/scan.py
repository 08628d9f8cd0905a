"""The one line-based pass over a note that drives the lexers of each kind of region.

One pass, because CommonMark's containers decide what a line is: a line inside a fence or
a comment is neither a heading nor a fence, a fence may sit in block quotes and list
items, and a setext underline needs the paragraph line above it. The recognition of each
construct and the building of its lexeme live in their own modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate
from operator import add

from pytest_torchnotes.markdown.lexing import template_tags
from pytest_torchnotes.markdown.lexing.comments import (
    COMMENT_OPEN,
    CommentLexeme,
    inline_directive,
    lex_comment,
)
from pytest_torchnotes.markdown.lexing.containers import Containers, quote_in_item
from pytest_torchnotes.markdown.lexing.fences import FenceLexeme, fence_opening, lex_fence
from pytest_torchnotes.markdown.lexing.front_matter import FrontMatterLexeme, lex_front_matter
from pytest_torchnotes.markdown.lexing.headings import HeadingLexeme, Paragraph, lex_heading
from pytest_torchnotes.markdown.lexing.indented_code import indented_after
from pytest_torchnotes.markdown.lexing.indented_fences import (
    IndentedCode,
    IndentedFenceLexeme,
    fence_container,
    indented_fence,
)
from pytest_torchnotes.markdown.lexing.indented_sessions import opens_with_prompt, session_at
from pytest_torchnotes.markdown.lexing.item_quotes import item_content, quote_on_item_line
from pytest_torchnotes.markdown.lexing.lenient_close import lenient_close
from pytest_torchnotes.markdown.lexing.lines import split_lines, split_quotes, width
from pytest_torchnotes.markdown.lexing.problems import LexerProblem
from pytest_torchnotes.markdown.lexing.sphinx_doctests import SphinxDoctest, add_directives
from pytest_torchnotes.markdown.lexing.unclosed_fences import unclosed

#: First characters of a line the lexer looks at: a heading, an underline, a quote, indentation.
ALWAYS_MATTER = frozenset(" \t>#=")

#: First characters of a line the lexer looks at when it holds a fence or is a ``---``
#: underline: inline code, a list item, a definition (``:``).
MAY_MATTER = frozenset("`~-*+:0123456789")


@dataclass
class NoteLexemes:
    """Everything the lexer found in a note, in document order within each kind."""

    lines: list[str]
    front_matter: FrontMatterLexeme | None = None
    fences: list[FenceLexeme] = field(default_factory=list)
    comments: list[CommentLexeme] = field(default_factory=list)
    headings: list[HeadingLexeme] = field(default_factory=list)
    problems: list[LexerProblem] = field(default_factory=list)
    #: Lines that would open a fence but are indented code (indented four columns or more).
    indented_fences: list[IndentedFenceLexeme] = field(default_factory=list)
    #: ``>>>`` sessions: indented code (:mod:`.indented_sessions`), numpydoc's, Sphinx's.
    indented_sessions: list[FenceLexeme] = field(default_factory=list)
    #: Sphinx's doctest directives, a doctest's also a session (:mod:`.sphinx_doctests`).
    sphinx_doctests: list[SphinxDoctest] = field(default_factory=list)


class MarkdownLexer:
    """Lex a Markdown note's text (``\\n`` line endings) into :class:`NoteLexemes`.

    Only lines whose first character may matter are looked at; fences outside block quotes
    and lists are closed by a regular expression search, so their content is never walked
    line by line.
    """

    def __call__(self, text: str) -> NoteLexemes:
        lines = split_lines(text)
        found = NoteLexemes(lines=lines)
        found.front_matter = lex_front_matter(lines)
        begin = found.front_matter.close_line + 1 if found.front_matter is not None else 0
        # Offset of each line: the lengths of the lines before it, plus their newlines.
        offsets = [0, *map(add, accumulate(map(len, lines)), range(1, len(lines) + 1))]
        scan = _Scan(lines, found, begin, offsets, text)
        index, count, tags = begin, len(lines), template_tags.may_hold_tags(text)
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
                or (tags and first == "{")  # a site's template tag of code
            ):
                scan.line(index)
                index = max(index + 1, scan.last_block + 1)
            else:
                index += 1
        add_directives(found, text)  # most notes: one search finds none
        if "{:" in text:  # kramdown's {: .language-python} after a fence
            template_tags.languages_from_attributes(lines, found.fences)
        return found


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
        self.after: dict[int, Paragraph | None] = {}
        self.containers = Containers(lines, begin, found.fences)
        self.indented = IndentedCode(lines)
        #: The last prompt or comment found in indented code (:class:`.indented_sessions.Scan`).
        self.inside_code = (-1, 0, 0, -1)
        self.headings = found.headings

    def line(self, index: int) -> None:
        quote, rest = split_quotes(self.lines[index])
        containers = self.containers
        if rest[:1] in (" ", "\t") and rest.lstrip(" \t")[:1] == ">":
            quote, rest = quote_in_item(self.containers, index, quote, rest)
        elif ">" in rest and (in_item := quote_on_item_line(self.containers, index, quote, rest)):
            quote, rest = in_item
            # The block quote opens on this line: no list item of the lines before is in it.
            containers = Containers(self.lines, index, self.found.fences)
        depth = quote.count(">")
        stripped = rest.lstrip(" \t")
        found = self.found
        if stripped[:1] == "{" and not quote and (tag := template_tags.block(self.lines, index)):
            found.fences.append(tag)  # its lines are code: the site reads them before Markdown
            self.last_block, self.after[index] = tag.last_line, None
            return
        if stripped.startswith(COMMENT_OPEN):
            comment = lex_comment(self.lines, index, quote, rest, found.problems)
            found.comments.append(comment)
            last = comment.close_line if comment.close_line is not None else len(self.lines) - 1
            self.last_block = last
            return
        opening = fence_opening(rest)
        if (
            opening is not None
            and opening.group("marker")
            and containers.continues_paragraph(index, depth)
        ):
            opening = None  # a list item that cannot interrupt the paragraph: text
        if opening is not None and (code := indented_fence(containers, index, quote, opening)):
            if self.indented.opens(code):  # indented code, shown and not run
                found.indented_fences.append(code)
            self.after[index] = None
            return
        if opening is not None:
            container = fence_container(containers, index, quote, opening)
            outer = self.quote_holder(index, quote)
            fence = lex_fence(
                self.lines, self.offsets, self.text, index, quote, opening, container, outer
            )
            found.fences.append(fence)
            if fence.close_line is None:
                found.problems.append(
                    unclosed(found.fences, self.lines, container, found.indented_fences)
                )
            elif (lenient := lenient_close(self.lines, fence, container)) is not None:
                found.problems.append(lenient)
            self.last_block = fence.last_line
            indented = indented_after(self.lines, fence)
            if indented and not opens_with_prompt(indented):  # a >>> session is lexed
                self.last_block = indented[-1].line  # indented code: its fences are text
            return
        if not stripped:
            self.after[index] = None
            return
        # Indented prompts or comments, or a prompt in the text (numpydoc): the rest pay nothing.
        may_open = (rest[:1] in (" ", "\t") and stripped[0] in ">#") or ">>>" in quote[:6]
        if may_open and (session := session_at(self, index, quote, rest, containers)):
            found.indented_sessions.append(session)
            self.last_block, self.after[index] = session.last_line, None
            return
        if COMMENT_OPEN in rest:
            problem = inline_directive(index, rest)
            if problem is not None:
                found.problems.append(problem)
        if stripped[0] in ("#", "=", "-"):
            self.after[index] = lex_heading(
                index, depth, rest, self.paragraph_before(index), found.headings
            )
        else:
            self.after[index] = (index, depth, stripped.rstrip())

    def quote_holder(self, index: int, quote: str) -> int:
        """The content column of the list item that holds the block quote ``quote`` of line
        ``index``, when its first marker is indented or on the item's line; 0 for none."""
        lead = quote[: len(quote) - len(quote.lstrip(" \t"))]
        if not lead:
            return item_content(quote)
        return self.containers.column(index, 0, width(lead))

    def paragraph_before(self, index: int) -> Paragraph | None:
        """The paragraph state after line ``index - 1``, as a line-by-line pass has it."""
        previous = index - 1
        if previous < self.begin or previous <= self.last_block:
            return None
        if previous in self.after:
            return self.after[previous]
        quote, rest = split_quotes(self.lines[previous])
        if not rest.strip():
            return None
        leading = rest[: len(rest) - len(rest.lstrip(" \t"))]
        if width(leading) >= 4 and self.paragraph_before(previous) is None:
            return None  # an indented code line is not a paragraph
        return (previous, quote.count(">"), rest.strip())
