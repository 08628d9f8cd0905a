"""HTML comments that start a line (``<!-- ... -->``), where torchnotes directives live.

A comment may sit in block quotes; a fence inside a comment is commented out. A directive
that does not start its line is reported, since it would apply to nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_torchnotes.markdown.lexing.codespans import split_code
from pytest_torchnotes.markdown.lexing.lines import BodyLine, quote_prefix, strip_columns, width
from pytest_torchnotes.markdown.lexing.problems import LexerProblem

COMMENT_OPEN = "<!--"
COMMENT_CLOSE = "-->"

#: A torchnotes directive that does not start its line, e.g. inside a paragraph.
INLINE_DIRECTIVE = re.compile(r"\S.*?<!--+\s*torchnotes\b", re.IGNORECASE)


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


def lex_comment(
    lines: list[str], open_line: int, quotes: str, rest: str, problems: list[LexerProblem]
) -> CommentLexeme:
    """The comment that opens on line ``open_line`` (``rest`` is the line after its
    ``quotes``); a comment never closed is added to ``problems``."""
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
    problems.append(
        LexerProblem(
            open_line,
            "HTML comment is never closed: everything after it is hidden "
            "(add --> where the comment ends)",
        )
    )
    return CommentLexeme(open_line, None, after_open, tuple(body))


def inline_directive(index: int, rest: str) -> LexerProblem | None:
    """The problem of a torchnotes directive inside line ``index``, not at its start.

    >>> inline_directive(0, "`<!-- torchnotes: skip -->` is the directive") is None
    True
    """
    if INLINE_DIRECTIVE.match("".join(split_code(rest)[0])):  # code spans show, not direct
        return LexerProblem(index, "a torchnotes directive must start its own line, before a block")
    return None
