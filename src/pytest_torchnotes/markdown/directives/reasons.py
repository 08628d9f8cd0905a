"""``skip REASON``, ``skip start REASON`` / ``skip end``, and ``xfail REASON``: directives
whose whole argument is a reason (a ``;`` is part of it)."""

from __future__ import annotations

from pytest_torchnotes.markdown.directives.lexer import DirectiveLexeme
from pytest_torchnotes.markdown.directives.model import (
    Directive,
    DirectiveError,
    Skip,
    SkipEnd,
    SkipStart,
    Xfail,
)


def reason(name: str, arguments: str, line: int) -> str:
    """``arguments`` as the reason the directive ``name`` needs."""
    if not arguments:
        raise DirectiveError(line, f"{name} needs a reason, e.g. <!-- torchnotes: {name} why -->")
    return arguments


def skip(lexeme: DirectiveLexeme) -> Directive:
    line, end = lexeme.line, lexeme.end
    word, _, rest = lexeme.arguments.partition(" ")
    if word == "start":
        return SkipStart(line, end, reason("skip start", rest.strip(), line))
    if word == "end":
        if rest.strip():
            raise DirectiveError(line, "skip end takes no arguments")
        return SkipEnd(line, end)
    return Skip(line, end, reason("skip", lexeme.arguments, line))


def xfail(lexeme: DirectiveLexeme) -> Directive:
    return Xfail(lexeme.line, lexeme.end, reason("xfail", lexeme.arguments, lexeme.line))
