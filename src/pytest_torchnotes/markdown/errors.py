"""Errors that point at a line of a note."""

from __future__ import annotations


class LineError(ValueError):
    """A problem at a ``line`` of a note, with its ``message``. Each kind says whether its
    line is 0-based (as the lexer counts) or 1-based (as people read)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
