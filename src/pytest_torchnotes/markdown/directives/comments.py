"""Directives that hold lines: ``output VERSIONS`` (expected output for other versions) and
``setup`` (code that runs and is not shown)."""

from __future__ import annotations

from pytest_torchnotes.markdown.directives.lexer import DirectiveLexeme
from pytest_torchnotes.markdown.directives.model import Directive, DirectiveError, Output, Setup
from pytest_torchnotes.markdown.requirements import RequirementError, parse_requirement


def output(lexeme: DirectiveLexeme) -> Directive:
    line = lexeme.line
    words = lexeme.arguments.split()
    if not words:
        raise DirectiveError(
            line, "output needs the versions it holds for, e.g. <!-- torchnotes: output torch<2.0"
        )
    try:
        requirements = tuple(parse_requirement(word) for word in words)
    except RequirementError as error:
        raise DirectiveError(line, f"output: {error}") from None
    return Output(line, lexeme.end, requirements, lexeme.body)


def setup(lexeme: DirectiveLexeme) -> Directive:
    line = lexeme.line
    if lexeme.arguments:
        raise DirectiveError(
            line, "setup code goes on the lines after <!-- torchnotes: setup, not on it"
        )
    if not lexeme.body:
        raise DirectiveError(line, "setup has no code: put it on the lines before -->")
    code = "\n".join(body_line.text for body_line in lexeme.body)
    return Setup(line, lexeme.end, code, lexeme.body[0].line)
