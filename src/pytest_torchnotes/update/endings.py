"""The line ending of the lines an edit writes: the one the lines it replaces used.

A note's lines are numbered as the lexer numbers them (:func:`.apply.raw_lines`): LF and a
bare CR end a line, and a CRLF line keeps its CR in its text. A note whose lines end in
CR CR LF (a CRLF file converted once more) is read as lines that end in a bare CR, each
followed by an empty CRLF line; one whose lines end in LF CR, as LF lines each followed by
an empty CR line. Written lines take the ending most of the replaced lines have, so that a
section of such a note is written with its own CR (or LF) lines, not with LF: the empty
lines between them are the blank lines a renderer shows, and output written with them would
no longer be the output. A tie goes to the last of the tied endings in the section; where
the edit replaces no line, the line above tells.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

#: The endings a line may have, in full: LF, CRLF (its CR kept in the line's text), bare CR.
LF, CRLF, CR = "\n", "\r\n", "\r"


def full_ending(line: str, ending: str) -> str:
    """The ending of a line whose text is ``line`` and whose split ending is ``ending``.

    >>> full_ending("a\\r", "\\n"), full_ending("a", "\\n"), full_ending("a", "\\r")
    ('\\r\\n', '\\n', '\\r')
    """
    return CRLF if ending == LF and line.endswith(CR) else ending


def section_ending(lines: Sequence[str], endings: Sequence[str], start: int, end: int) -> str:
    """The full ending of the lines an edit of ``[start, end)`` writes: the one most of the
    lines it replaces have (a tie: the last of those tied); where it replaces none (or only
    the note's last line, which has none), that of the nearest line above with one; LF in
    a note of one line.

    >>> section_ending(["1", "\\r", "3", "\\r"], ["\\r", "\\n", "\\r", "\\n"], 0, 3)
    '\\r'
    >>> section_ending(["a\\r", "b", "c\\r"], ["\\n", "\\n", "\\n"], 0, 3)
    '\\r\\n'
    >>> section_ending(["a", "b\\r"], ["\\r", "\\n"], 0, 2)
    '\\r\\n'
    """
    counts = Counter(
        full_ending(lines[index], endings[index])
        for index in range(max(start - (start == end), 0), end)
        if endings[index]
    )
    if counts:
        most = max(counts.values())
        tied = {ending for ending, count in counts.items() if count == most}
        for index in range(end - 1, start - 1, -1):
            ending = full_ending(lines[index], endings[index])
            if ending in tied:
                return ending
        return tied.pop()  # one ending: the line above an insertion's
    for index in range(start - 1, -1, -1):  # the nearest line above with an ending
        if endings[index]:
            return full_ending(lines[index], endings[index])
    return LF


def ended(lines: Sequence[str], ending: str) -> tuple[list[str], list[str]]:
    """``lines`` written with ``ending``: their texts (a CRLF line keeps its CR there, a CR
    that a kept CRLF line had is taken off otherwise) and their split endings.

    >>> ended(["a\\r", "b"], "\\r")
    (['a', 'b'], ['\\r', '\\r'])
    >>> ended(["a\\r", "b"], "\\r\\n")
    (['a\\r', 'b\\r'], ['\\n', '\\n'])
    """
    suffix = CR if ending == CRLF else ""
    return [line.removesuffix(CR) + suffix for line in lines], [ending[-1]] * len(lines)
