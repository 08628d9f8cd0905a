"""``timeout SECONDS``: a block's time limit (also the front matter's and the ini's)."""

from __future__ import annotations

import math

from pytest_torchnotes.markdown.directives.lexer import DirectiveLexeme
from pytest_torchnotes.markdown.directives.model import Directive, DirectiveError, Timeout

#: The longest time limit: the process's interval timer cannot be set much further ahead.
MAX_TIMEOUT = 1e8


def parse_timeout(text: str) -> float:
    """Seconds as a positive number; raise ``ValueError`` otherwise.

    >>> parse_timeout("2.5")
    2.5
    """
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if not seconds > 0 or math.isinf(seconds):
        raise ValueError(f"{text!r}: a timeout is a finite number of seconds > 0")
    if seconds > MAX_TIMEOUT:
        raise ValueError(f"{text!r}: a timeout is at most {MAX_TIMEOUT:g} seconds")
    return seconds


def timeout(lexeme: DirectiveLexeme) -> Directive:
    try:
        return Timeout(lexeme.line, lexeme.end, parse_timeout(lexeme.arguments))
    except ValueError as error:
        raise DirectiveError(lexeme.line, f"timeout: {error}") from None
