"""A fence body's lines as one string, so that a scanner whose trigger is absent can say so
with one substring test instead of a test a line.

Several readings of every Python block look for a string that most blocks do not hold (a
``>>>`` prompt, ``In [``, ``Out[``, a marker's ``===``) line by line, each paying a Python
step for each of some twelve lines. The lines joined once cost one call, and each of those
readings then tells with one search (``memchr`` for short ASCII code) that no line of the
block can hold its trigger. Only the body read last is kept: the conventions ask about one
block after the other, each block's readings in turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from pytest_torchnotes.markdown.lexing.lines import BodyLine

_text_of = itemgetter(2)  # BodyLine.text, by position: no Python call a line

#: The body joined last and its text (the body held, so its identity is not reused).
_last: tuple[Sequence[BodyLine], str] = ((), "")


def body_text(body: Sequence[BodyLine]) -> str:
    """The texts of ``body``'s lines joined by newlines: a string occurs in the text of one
    of its lines exactly when it holds no newline and occurs here.

    >>> body_text([BodyLine(1, "> ", "x = 1"), BodyLine(2, "> ", ">>> x")])
    'x = 1\\n>>> x'
    """
    global _last
    last, text = _last
    if last is body:
        return text
    text = "\n".join(map(_text_of, body))
    if isinstance(body, tuple):  # a list could change while it is kept
        _last = (body, text)
    return text


def line_positions(text: str, needle: str) -> list[int]:
    """The 0-based positions of the lines of ``text`` (newline-separated) that hold
    ``needle`` (which holds no newline), in order, each once.

    >>> line_positions("a==\\nb\\n==c==\\n", "==")
    [0, 2]
    """
    found = []
    start = text.find(needle)
    line = 0
    counted = 0
    while start != -1:
        line += text.count("\n", counted, start)
        found.append(line)
        end = text.find("\n", start)
        if end == -1:
            break
        counted = end
        start = text.find(needle, end)
    return found
