"""Errors that point at a line of a note."""

from __future__ import annotations


class LineError(ValueError):
    """A problem at the 0-based ``line`` of a note, with its ``message``."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
