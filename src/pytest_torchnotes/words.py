"""Counts in messages: ``1 note``, ``2 notes``."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 note``, ``2 notes``, ``0 blocks``.

    >>> plural(1, "note"), plural(0, "block"), plural(3, "more line")
    ('1 note', '0 blocks', '3 more lines')
    """
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
