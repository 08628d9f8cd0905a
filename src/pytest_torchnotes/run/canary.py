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

#: Weights past the cache (made afresh when read, never changed): the cached integers
#: weighed by their place sum to :data:`CHECKSUM`, which any changed integer changes (two
#: swapped ones too). Summed in C, about a quarter of the time the texts take to check.
WEIGHTS = range(1000, 1000 + len(TEXTS))


def weighed(numbers: Iterable[int]) -> int:
    """The sum of ``numbers`` weighed by their place."""
    return sum(map(operator.mul, WEIGHTS, numbers))


CHECKSUM = weighed(range(-5, 257))

#: What a block fails with while the integers are changed.
MESSAGE = (
    "the integer {text} of the interpreter's memory reads {now} (code of this block or an "
    "earlier one wrote into it, with ctypes): no result of this process can be trusted, and "
    "Python may crash; run the note in a process of its own"
)


def changed_integer() -> ErrorInfo | None:
    """The failure for the first cached integer whose value is not its own, if any."""
    if weighed(range(-5, 257)) == CHECKSUM:
        return None
    for text in TEXTS:
        now = str(int(text))
        if now != text:
            message = MESSAGE.format(text=text, now=now)
            return ErrorInfo(CHANGED_INTEGERS, frozenset({CHANGED_INTEGERS}), message, "", None)
    return None
