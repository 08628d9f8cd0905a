"""Make differences a terminal does not show visible in a diff: invisible and control
characters, tabs where they are all that differs, and Unicode normalisation."""

from __future__ import annotations

import re
import unicodedata

#: Characters a terminal shows as nothing, as a space or not at all: controls (NUL, ESC, a
#: lone CR...), format characters (zero-width space and joiners, the byte order mark) and
#: spaces other than the plain one (no-break space, ideographic space...).
INVISIBLE = re.compile(
    r"[^\S \t\n]|[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2060-\u2064\ufeff]"
)

#: Runs of spaces and tabs, to tell whether they are the only difference.
BLANKS = re.compile(r"[ \t]+")


def mark(char: str) -> str:
    """``<U+00A0>``: how an invisible character is written in a diff.

    >>> mark("\\u00a0")
    '<U+00A0>'
    """
    return f"<U+{ord(char):04X}>"


def describe(char: str) -> str:
    """``<U+00A0> NO-BREAK SPACE``.

    >>> describe("\\x1b")
    '<U+001B> ESCAPE'
    """
    name = unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = _CONTROL_NAMES.get(char, "control character")
    return f"{mark(char)} {name}".rstrip()


_CONTROL_NAMES = {
    "\x00": "NULL",
    "\x07": "BELL",
    "\x08": "BACKSPACE",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
}


def show(line: str, *, tabs: bool = False) -> str:
    """``line`` with every invisible character written as ``<U+XXXX>`` (and tabs, when
    ``tabs``, as ``<TAB>``).

    >>> show("a\\u200bb\\tc", tabs=True)
    'a<U+200B>b<TAB>c'
    """
    line = INVISIBLE.sub(lambda match: mark(match.group()), line)
    return line.replace("\t", "<TAB>") if tabs else line


def only_blanks_differ(expected: str, actual: str) -> bool:
    """Whether two different texts differ only in their runs of spaces and tabs.

    >>> only_blanks_differ("a\\tb", "a    b"), only_blanks_differ("a b", "a c")
    (True, False)
    """
    return expected != actual and BLANKS.sub(" ", expected) == BLANKS.sub(" ", actual)


def notes(expected: str, actual: str) -> list[str]:
    """What the reader of a diff between the two texts must be told: which invisible
    characters it shows as ``<U+XXXX>``, whether tabs are shown, whether the texts differ
    only in Unicode normalisation."""
    lines = []
    if expected != actual and unicodedata.normalize("NFC", expected) == unicodedata.normalize(
        "NFC", actual
    ):
        lines.append(
            "the two outputs differ only in Unicode normalisation: the same characters, "
            "composed (NFC) in one and decomposed (NFD) in the other"
        )
    found = sorted({match.group() for match in INVISIBLE.finditer(expected + actual)})
    if found:
        lines.append(
            "invisible characters are shown as <U+XXXX>: " + ", ".join(map(describe, found))
        )
    if only_blanks_differ(expected, actual) and "\t" in expected + actual:
        lines.append("the outputs differ only in tabs and spaces: tabs are shown as <TAB>")
    return lines
