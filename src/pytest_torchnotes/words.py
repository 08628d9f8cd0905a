"""Counts in messages: ``1 note``, ``2 notes``; messages kept short."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 note``, ``2 notes``, ``0 blocks``.

    >>> plural(1, "note"), plural(0, "block"), plural(3, "more line")
    ('1 note', '0 blocks', '3 more lines')
    """
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def and_more(
    found: int, noun: str = "", *, after: bool = False, where: str = " in this note"
) -> str:
    """What a warning given once per note, at the first of ``found`` places, adds for the
    others: nothing when there is only one. ``after`` says the places are blocks the
    warning's thing stands after, ``where`` what follows the count (``noun`` takes the
    count's plural).

    >>> and_more(1), and_more(2), and_more(3, "block")
    ('', ' (and 1 more in this note)', ' (and 2 more blocks in this note)')
    >>> and_more(3, "block", after=True, where=""), and_more(2, "fence", where=" like it")
    (' (and after 2 more blocks)', ' (and 1 more fence like it)')
    """
    more = found - 1
    if not more:
        return ""
    counted = plural(more, "more " + noun) if noun else f"{more} more"
    return f" (and {'after ' * after}{counted}{where})"


#: How much of a message is kept before and after what :func:`shorten` leaves out.
KEPT_HEAD, KEPT_TAIL = 300, 200


def shorten(message: str, head: int = KEPT_HEAD, tail: int = KEPT_TAIL) -> str:
    """``message``, its middle left out when it is longer than ``head`` and ``tail``
    characters and the words that say so: note text quoted in a message (a fence of 100,000
    backticks) must not bury what it says to do, which ends it.

    >>> shorten("open " + "`" * 50 + " then close", 8, 7)
    'open ```... 51 characters left out ...n close'
    """
    left_out = len(message) - head - tail
    if left_out <= 30:
        return message
    end = message[len(message) - tail :]
    return f"{message[:head]}... {left_out:,} characters left out ...{end}"
