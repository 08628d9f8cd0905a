"""Applying edits to a note's text: each line keeps its line ending, overlaps are refused."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from pytest_torchnotes.notelines import location, shown
from pytest_torchnotes.update.rewrite import Edit, RewriteError

#: A line ending: LF (a CRLF line keeps its CR in its text), or a bare CR.
RAW_LINE_END = re.compile(r"(\n|\r(?!\n))")


def raw_lines(original: str) -> list[str]:
    """The lines of a note's text as it is on disk, numbered as the lexer numbers them: a
    CRLF line keeps its ``\\r``, a bare CR ends a line.

    >>> raw_lines("a\\r\\nb\\rc\\n")
    ['a\\r', 'b', 'c', '']
    """
    return RAW_LINE_END.split(original)[::2]


def apply(original: str, edits: Sequence[Edit]) -> str:
    """Apply edits (of one file) to its decoded text; they must not overlap. Each line keeps
    the ending it had; a written line ends as the lines it replaces did, when they all ended
    alike (a bare CR), else with LF (and the CR that a CRLF line keeps in its text)."""
    pieces = RAW_LINE_END.split(original)
    lines, endings = pieces[::2], pieces[1::2]
    ordered = sorted(edits, key=lambda edit: edit.start)
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            raise RewriteError(
                # lines [start, end): the last one, end - 1, is shown as end
                f"{before.path}: edits of lines {shown(before.start)}-{before.end} and "
                f"{shown(after.start)}-{after.end} overlap"
            )
    for edit in reversed(ordered):
        if tuple(lines[edit.start : edit.end]) != edit.old:
            raise RewriteError(
                f"{location(edit.path, edit.first_line)}: the note changed under the edit"
            )
        # bare CR lines stay so; inserted lines end as the line above them
        replaced = set(endings[max(edit.start - (edit.start == edit.end), 0) : edit.end])
        ending = replaced.pop() if len(replaced) == 1 else "\n"
        lines[edit.start : edit.end] = edit.lines
        # The last line of a text without a final newline has no ending: nor has its new one.
        last = edit.end > len(endings) and edit.start < edit.end and bool(edit.lines)
        endings[edit.start : edit.end] = [ending] * (len(edit.lines) - last)
    endings.append("")
    return "".join(line + ending for line, ending in zip(lines, endings, strict=True))
