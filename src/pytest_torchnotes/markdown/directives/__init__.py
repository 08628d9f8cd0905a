"""Directives: HTML comments that tell torchnotes how to treat the next block.

``<!-- torchnotes: NAME ARGUMENTS -->``, one per comment, invisible when the note is
rendered. They are parsed as data: nothing in a directive is evaluated. The lexer part
(:mod:`.lexer`) reads a directive's name and arguments out of a comment of the note's one
lexing pass; the parser of its name (:mod:`.parsers`, one small module per directive or
family) gives it its meaning (:mod:`.model`).
"""

from __future__ import annotations

from pytest_torchnotes.markdown.directives.exceptions import RAISES
from pytest_torchnotes.markdown.directives.lexer import (
    DIRECTIVE,
    WHY,
    DirectiveLexeme,
    lex_directive,
    split_why,
)
from pytest_torchnotes.markdown.directives.model import (
    Compare,
    Directive,
    DirectiveError,
    Output,
    Raises,
    Requires,
    RequiresEnd,
    RequiresStart,
    Setup,
    Skip,
    SkipEnd,
    SkipStart,
    Timeout,
    Warns,
    Xfail,
)
from pytest_torchnotes.markdown.directives.parsers import NAMES, SYNTAX, parse_directive
from pytest_torchnotes.markdown.directives.timeout import MAX_TIMEOUT, parse_timeout

__all__ = [
    "DIRECTIVE",
    "MAX_TIMEOUT",
    "NAMES",
    "RAISES",
    "SYNTAX",
    "WHY",
    "Compare",
    "Directive",
    "DirectiveError",
    "DirectiveLexeme",
    "Output",
    "Raises",
    "Requires",
    "RequiresEnd",
    "RequiresStart",
    "Setup",
    "Skip",
    "SkipEnd",
    "SkipStart",
    "Timeout",
    "Warns",
    "Xfail",
    "lex_directive",
    "parse_directive",
    "parse_timeout",
    "split_why",
]
