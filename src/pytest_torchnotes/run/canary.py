"""The interpreter's own small integers, checked after each block.

CPython keeps one object for each integer from -5 to 256 and hands it out wherever that
value is made. A block that writes into one through ``ctypes``
(``ctypes.c_long.from_address(id(100) + 24).value = 101``) changes that number for the
whole process: ``print(100)`` prints ``101``, and the comparison, reading ``100`` from the
note, gets the same changed object and passes it. Nothing can put the memory back safely,
so the block that did it, and every block after it, fails saying so instead of passing.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable

from pytest_torchnotes.run.errors import CHANGED_INTEGERS, ErrorInfo

#: The texts of the cached integers, made at import, before any note ran.
TEXTS = tuple(str(number) for number in range(-5, 257))

#: What the cached integers read as bytes, made at import: 0 to 255 as they are, -5 to -1
#: negated. ``bytes`` reads every value in C and compares them place by place: a changed
#: integer, or two swapped, differ in their place (about 4 us; a sum weighed by place took
#: 13 us after every block, and two changes could cancel out there).
SMALL = bytes(range(256))
NEGATIVE = bytes(range(5, 0, -1))


def read_true(negative: Iterable[int], small: Iterable[int], last: int) -> bool:
    """Whether -5 to -1 (``negative``), 0 to 255 (``small``) and 256 (``last``), as the
    interpreter hands them out, hold their own values.

    >>> read_true(range(-5, 0), range(256), 256)
    True
    >>> read_true(range(-5, 0), [*range(100), 101, *range(101, 256)], 256)
    False
    """
    if str(last) != "256":
        return False
    try:
        return bytes(map(operator.neg, negative)) == NEGATIVE and bytes(small) == SMALL
    except ValueError:  # a value that is no byte: changed
        return False


#: What a block fails with while the integers are changed.
MESSAGE = (
    "the integer {text} of the interpreter's memory reads {now} (code of this block or an "
    "earlier one wrote into it, with ctypes): no result of this process can be trusted, and "
    "Python may crash; run the note in a process of its own"
)


def changed_integer() -> ErrorInfo | None:
    """The failure for the first cached integer whose value is not its own, if any."""
    if read_true(range(-5, 0), range(256), int(TEXTS[-1])):
        return None
    for text in TEXTS:
        now = str(int(text))
        if now != text:
            message = MESSAGE.format(text=text, now=now)
            return ErrorInfo(CHANGED_INTEGERS, frozenset({CHANGED_INTEGERS}), message, "", None)
    return None
