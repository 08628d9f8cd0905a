"""What the lexer reports about a note: an unclosed fence or comment, a misplaced directive."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LexerProblem:
    #: 0-based line index.
    line: int
    message: str
    severity: str = "error"
