"""Whether a note's text holds the trigger text of a rare layout, told cheaply.

The parse asks a note's whole text about some twenty strings (``<code``, ``{% tab``,
``@tab``...) before reading it line by line for a layout that most notes do not have.
``needle in text`` compares at every character, about 1.5 ns each in a note with Chinese
text (4,500 characters: 5 to 12 us a string), whereas one character is found with
``memchr`` (0.1 to 1 us). So a string is looked for where its rarest punctuation
character stands, and where that character comes often, by the whole search again.
"""

from __future__ import annotations

import functools

#: ASCII punctuation, rarest in notes first: what a trigger string is looked for by.
RARE = "%@{}~^|$`\\<>;!&*#[]"

#: Places of the rare character tried before searching the whole text instead.
TRIES = 8


@functools.cache
def _anchor(needle: str) -> int | None:
    """The index in ``needle`` of its rarest character (:data:`RARE`); ``None`` for a
    needle that has none of them."""
    ranks = [(RARE.index(char), index) for index, char in enumerate(needle) if char in RARE]
    return min(ranks)[1] if ranks else None


def holds(text: str, needle: str) -> bool:
    """``needle in text``, found by the places of its rarest character.

    >>> holds("see <!-- tab a -->", "<!-- tab"), holds("a <b> c", "<code")
    (True, False)
    """
    at = _anchor(needle)
    if at is None:
        return needle in text
    char = needle[at]
    found = text.find(char, at)
    for _ in range(TRIES):
        if found == -1:
            return False
        if text.startswith(needle, found - at):
            return True
        found = text.find(char, found + 1)
    return found != -1 and text.find(needle, found - at) != -1


def holds_any(text: str, needles: tuple[str, ...]) -> bool:
    """Whether ``text`` holds any of ``needles`` (:func:`holds`)."""
    return any(holds(text, needle) for needle in needles)
