"""The fences and HTML comments that lines of a note belong to, found by bisection (the
lexemes are in the order of their lines)."""

from __future__ import annotations

from bisect import bisect_right

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.lexers import FenceLexeme


def fence_around(note: NoteContext, line: int) -> FenceLexeme | None:
    """The fence that ``line`` belongs to, if one does."""
    fences = note.lexemes.fences
    index = bisect_right(fences, line, key=lambda fence: fence.open_line) - 1
    if index >= 0 and line <= fences[index].last_line:
        return fences[index]
    return None


def fence_ending_at(note: NoteContext, line: int) -> FenceLexeme | None:
    """The fence whose last line is ``line``, if one is."""
    fences = note.lexemes.fences
    index = bisect_right(fences, line, key=lambda fence: fence.open_line) - 1
    if index >= 0 and fences[index].last_line == line:
        return fences[index]
    return None


def belongs_to(note: NoteContext, line: int) -> str | None:
    """``fence`` when ``line`` belongs to a fence, ``comment`` to an HTML comment, else
    ``None``: the lexemes are in the order of their lines, so each is found by bisection."""
    fences = note.lexemes.fences
    index = bisect_right(fences, line, key=lambda fence: fence.open_line) - 1
    if index >= 0 and line <= fences[index].last_line:
        return "fence"
    comments = note.lexemes.comments
    index = bisect_right(comments, line, key=lambda comment: comment.open_line) - 1
    if index >= 0:
        close = comments[index].close_line
        if close is None or line <= close:
            return "comment"
    return None
