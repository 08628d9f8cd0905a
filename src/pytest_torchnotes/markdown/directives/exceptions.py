"""``raises TYPE[: PATTERN]`` and ``warns CATEGORY[: PATTERN]``: what a block raises or warns."""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.directives.lexer import DirectiveLexeme
from pytest_torchnotes.markdown.directives.model import Directive, DirectiveError, Raises, Warns
from pytest_torchnotes.quoting import cut

#: ``raises TYPE`` or ``raises TYPE: MESSAGE PATTERN``.
RAISES = re.compile(r"^(?P<type>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:[ \t]*:[ \t]*(?P<pattern>.*))?$")


def raises(lexeme: DirectiveLexeme) -> Directive:
    match = RAISES.match(lexeme.arguments)
    if match is None:
        raise DirectiveError(
            lexeme.line,
            f"raises expects TYPE or TYPE: MESSAGE PATTERN, got {cut(lexeme.arguments)!r}",
        )
    pattern = (match.group("pattern") or "").strip() or None
    return Raises(lexeme.line, lexeme.end, match.group("type"), pattern)


def warns(lexeme: DirectiveLexeme) -> Directive:
    match = RAISES.match(lexeme.arguments)
    if match is None:
        raise DirectiveError(
            lexeme.line,
            f"warns expects CATEGORY or CATEGORY: MESSAGE PATTERN, got {cut(lexeme.arguments)!r}",
        )
    pattern = (match.group("pattern") or "").strip() or None
    return Warns(lexeme.line, lexeme.end, match.group("type"), pattern)
