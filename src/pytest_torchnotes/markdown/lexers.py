"""Find the regions of a Markdown note: front matter, fenced code, HTML comments, headings.

The lexer is line based. It follows CommonMark where notes depend on it: a fence is closed
only by a fence of the same character that is at least as long and carries no info string,
so a ```` ```python ```` shown inside a ```` ````markdown ```` example is not code; fences
and comments may sit in block quotes (``> ``) and list items; a fence inside an HTML
comment is commented out. Each content line keeps the exact prefix that was removed from
it, so that a rewrite can put it back byte for byte.

Line numbers here are 0-based indexes into ``text.split("\\n")``; callers add 1 for people.

This module is the public face of the ``lexing`` package, one module per kind of region
(``lines``, ``fences``, ``indented_code``, ``comments``, ``headings``, ``front_matter``)
and ``scan``, the pass that drives them.
"""

from __future__ import annotations

from pytest_torchnotes.markdown.lexing.codespans import BACKTICKS
from pytest_torchnotes.markdown.lexing.comments import (
    COMMENT_CLOSE,
    COMMENT_OPEN,
    INLINE_DIRECTIVE,
    CommentLexeme,
)
from pytest_torchnotes.markdown.lexing.fences import (
    CLOSERS,
    FENCE_CLOSE,
    FENCE_OPEN,
    FenceLexeme,
)
from pytest_torchnotes.markdown.lexing.front_matter import (
    FRONT_MATTER_OPEN,
    TORCHNOTES_KEY,
    FrontMatterLexeme,
)
from pytest_torchnotes.markdown.lexing.headings import (
    ATX_HEADING,
    HEADING_MARKUP,
    SETEXT_UNDERLINE,
    HeadingLexeme,
    heading_text,
)
from pytest_torchnotes.markdown.lexing.indented_code import INDENTED_CODE, indented_after
from pytest_torchnotes.markdown.lexing.lines import (
    QUOTE,
    QUOTE_MARKER,
    TAB_STOP,
    BodyLine,
    first_text,
    quote_prefix,
    split_lines,
    strip_columns,
    width,
)
from pytest_torchnotes.markdown.lexing.problems import LexerProblem
from pytest_torchnotes.markdown.lexing.scan import (
    ALWAYS_MATTER,
    MAY_MATTER,
    MarkdownLexer,
    NoteLexemes,
)

__all__ = [
    "ALWAYS_MATTER",
    "ATX_HEADING",
    "BACKTICKS",
    "CLOSERS",
    "COMMENT_CLOSE",
    "COMMENT_OPEN",
    "FENCE_CLOSE",
    "FENCE_OPEN",
    "FRONT_MATTER_OPEN",
    "HEADING_MARKUP",
    "INDENTED_CODE",
    "INLINE_DIRECTIVE",
    "MAY_MATTER",
    "QUOTE",
    "QUOTE_MARKER",
    "SETEXT_UNDERLINE",
    "TAB_STOP",
    "TORCHNOTES_KEY",
    "BodyLine",
    "CommentLexeme",
    "FenceLexeme",
    "FrontMatterLexeme",
    "HeadingLexeme",
    "LexerProblem",
    "MarkdownLexer",
    "NoteLexemes",
    "first_text",
    "heading_text",
    "indented_after",
    "quote_prefix",
    "split_lines",
    "strip_columns",
    "width",
]
