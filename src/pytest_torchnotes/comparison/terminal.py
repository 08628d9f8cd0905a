"""What a terminal shows of a line that moves its cursor: a carriage return (``\\r``) goes back
to the start of the line and a backspace (``\\b``) one column left, and what is printed next
overwrites what was there, character by character; the rest of the line stays. So
``abc\\b\\bX`` shows ``aXc`` and ``10%\\r5%`` shows ``5%%``, as in a terminal (and as
Jupyter shows a carriage return).

The ANSI codes that move the cursor along the line or erase it are followed too (tqdm and
rich write ``\\r\\x1b[2K`` before each new state of a bar): erase in line (``ESC[K``,
``ESC[1K``, ``ESC[2K``), cursor back (``ESC[nD``), forward (``ESC[nC``) and to a column
(``ESC[nG``). Other escape codes (colours) take no room. Codes that move to another line are
not followed: each line is shown on its own. Every character takes one column, a tab and a
wide character too.
"""

from __future__ import annotations

import re

#: What moves the cursor along a line or erases it, and the other ANSI escape codes (which
#: take no room), and runs of text: one token each.
TOKEN = re.compile(
    r"(?P<control>[\r\x08])"
    r"|\x1b\[(?P<count>\d*)(?P<move>[KDCG])"
    r"|(?P<escape>\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_]))"
    r"|(?P<text>[^\r\x08\x1b]+|\x1b)"
)

#: A line that needs :func:`shown_line`: one that holds a carriage return, a backspace or a
#: code that moves its cursor.
MOVES = re.compile(r"[\r\x08]|\x1b\[\d*[KDCG]")


def as_terminal_shows(text: str) -> str:
    """Every line of ``text`` as a terminal shows it (:func:`shown_line`).

    >>> as_terminal_shows("abc\\b\\bX\\n10%\\r50%\\r100%\\nwork\\r\\x1b[2Kdone\\nplain")
    'aXc\\n100%\\ndone\\nplain'
    """
    if "\r" not in text and "\b" not in text and "\x1b[" not in text:
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if MOVES.search(line):
            lines[index] = shown_line(line)
    return "\n".join(lines)


def shown_line(line: str) -> str:
    """What a terminal shows of one line: each character written at the cursor, over what
    was there.

    >>> shown_line("abc\\b\\bX"), shown_line("Loading...\\rDone"), shown_line("\\bx|\\b/\\b-")
    ('aXc', 'Doneing...', 'x-')
    >>> shown_line("40%\\x1b[K\\r\\x1b[31m7%\\x1b[0m\\x1b[K"), shown_line("ab\\x1b[5Gc")
    ('7%', 'ab  c')
    """
    cells: list[str] = []
    column = 0
    for token in TOKEN.finditer(line):
        control, move, text = token.group("control"), token.group("move"), token.group("text")
        if control == "\r":
            column = 0
        elif control:
            column = max(0, column - 1)
        elif move:
            count = int(token.group("count") or 0)
            column = _moved(cells, column, move, count)
        elif text:
            if column > len(cells):
                cells.extend(" " * (column - len(cells)))
            cells[column : column + len(text)] = text
            column += len(text)
    return "".join(cells)


def _moved(cells: list[str], column: int, move: str, count: int) -> int:
    """Where the cursor is after the code ``ESC[{count}{move}``; an erase changes ``cells``."""
    if move == "K":
        if count == 0:
            del cells[column:]
        elif count == 1:
            cells[: column + 1] = " " * min(column + 1, len(cells))
        else:
            cells[:] = " " * len(cells)
        return column
    if move == "D":
        return max(0, column - max(count, 1))
    if move == "C":
        return column + max(count, 1)
    return max(count, 1) - 1
