"""``compare MODE [rtol=... atol=...]``: how a block's output is compared."""

from __future__ import annotations

from pytest_torchnotes.comparison.compare import CompareSpecError, parse_compare_spec
from pytest_torchnotes.markdown.directives.lexer import DirectiveLexeme
from pytest_torchnotes.markdown.directives.model import Compare, Directive, DirectiveError


def compare(lexeme: DirectiveLexeme) -> Directive:
    arguments = lexeme.arguments
    try:
        return Compare(lexeme.line, lexeme.end, parse_compare_spec(arguments))
    except CompareSpecError as error:
        words = arguments.split()
        prose = any("=" not in word and word not in ("rtol", "atol") for word in words[1:])
        hint = f" (a reason goes after a semicolon: compare {words[0]}; why)" if prose else ""
        raise DirectiveError(lexeme.line, f"compare: {error}{hint}") from None
