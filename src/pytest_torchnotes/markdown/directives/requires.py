"""``requires SPEC...`` and ``requires start SPEC...`` / ``requires end``: what a block
needs to run (a module, a version, a device)."""

from __future__ import annotations

from pytest_torchnotes.markdown.directives.lexer import DirectiveLexeme
from pytest_torchnotes.markdown.directives.model import (
    Directive,
    DirectiveError,
    Requires,
    RequiresEnd,
    RequiresStart,
)
from pytest_torchnotes.markdown.requirements import RequirementError, parse_requirement


def requires(lexeme: DirectiveLexeme) -> Directive:
    line, end = lexeme.line, lexeme.end
    words = lexeme.arguments.split()
    if words[:1] == ["end"]:
        if words[1:]:
            raise DirectiveError(line, "requires end takes no arguments")
        return RequiresEnd(line, end)
    region = words[:1] == ["start"]
    name = "requires start" if region else "requires"
    words = words[1:] if region else words
    if not words:
        raise DirectiveError(line, f"{name} needs at least one spec, e.g. torch>=2.1")
    try:
        requirements = tuple(parse_requirement(word) for word in words)
    except RequirementError as error:
        raise DirectiveError(line, f"{name}: {error}") from None
    return RequiresStart(line, end, requirements) if region else Requires(line, end, requirements)
