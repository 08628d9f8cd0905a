"""Applying edits to a note's text: each line keeps its line ending, overlaps are refused."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from pytest_torchnotes.notelines import location, shown
from pytest_torchnotes.update.endings import CRLF, ended, section_ending
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
    the ending it had; a written line ends as most of the lines it replaces did, or as the
    line above where it replaces none (:func:`.endings.section_ending`). A note
    without a final newline keeps none: an edit that reaches its last line leaves the new
    last line without one, and the line that was last gets the ending of the one above it.

    >>> apply("a\\r\\nb", [Edit("n.md", 2, 2, ("c",), (), 0, "")])
    'a\\r\\nb\\r\\nc'
    """
    pieces = RAW_LINE_END.split(original)
    # the last line has no ending ("" after a final newline: nothing follows it)
    lines, endings = pieces[::2], [*pieces[1::2], ""]
    ordered = sorted(edits, key=lambda edit: edit.start)
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            raise RewriteError(
                # lines [start, end): the last one, end - 1, is shown as end
                f"{before.path}: edits of lines {shown(before.start)}-{before.end} and "
                f"{shown(after.start)}-{after.end} overlap"
            )
    # Each edit is made where the lines stand before any edit: one that comes later in the
    # note changes no line above it but the last one, so the text is put together once at
    # the end, not moved down at every edit (a note of 10,000 edits moved 10,000 times).
    length = len(lines)  # the note's length once the edits below this one are made
    replacements: list[tuple[list[str], list[str]]] = []
    for edit in reversed(ordered):
        if tuple(lines[edit.start : edit.end]) != edit.old:
            raise RewriteError(
                f"{location(edit.path, edit.first_line)}: the note changed under the edit"
            )
        ending = section_ending(lines, endings, edit.start, edit.end)
        new, new_endings = ended(edit.lines, ending)
        if new and edit.end == length:  # the edit reaches past the note's last line
            new[-1] = new[-1].removesuffix("\r")
            new_endings[-1] = ""
            if edit.start == edit.end and edit.start > 0:  # inserted after the last line
                last = edit.start - 1  # it ends as the line above it (``ending``)
                lines[last] += "\r" if ending == CRLF else ""
                endings[last] = ending[-1]
        replacements.append((new, new_endings))
        length += len(new) - (edit.end - edit.start)
    text: list[str] = []
    kept = 0  # the first line not yet in ``text``
    for edit, (new, new_endings) in zip(ordered, reversed(replacements), strict=True):
        text.extend(map(str.__add__, lines[kept : edit.start], endings[kept : edit.start]))
        text.extend(map(str.__add__, new, new_endings))
        kept = edit.end
    text.extend(map(str.__add__, lines[kept:], endings[kept:]))
    return "".join(text)
