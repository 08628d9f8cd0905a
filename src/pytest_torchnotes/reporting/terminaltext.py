"""A note's text on its way to the terminal: control characters shown, never obeyed.

An exception message, a warning or printed output of a note can hold control characters
that a terminal acts on: ``ESC c`` resets it (the failures reported above are gone),
``ESC [1A ESC [2K`` erases the line above, a carriage return writes over the line, a bell
rings. What the plugin writes to the terminal shows each as ``<U+XXXX>``, as diffs do; the
run report keeps the text as it was.
"""

from __future__ import annotations

import re

from pytest_torchnotes.comparison.visible import mark

#: C0 and C1 control characters but the newline and the tab.
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_text(text: str) -> str:
    """``text`` with every control character but newlines and tabs written as ``<U+XXXX>``.

    >>> terminal_text("ValueError: bad\\x1bc\\tvalue\\r\\n")
    'ValueError: bad<U+001B>c\\tvalue<U+000D>\\n'
    """
    if CONTROLS.search(text) is None:
        return text
    return CONTROLS.sub(lambda match: mark(match.group()), text)
