"""What a block's code says it gives, written after an arrow, where the run stopped.

Notes write what a line gives on the line itself or under it, after ``>>`` (or ``=>``,
``->``, ``→``) and without a ``#``::

    a = torch.sin(a)
    >> a = [0,1,0]

    print(F.sigmoid(torch.tensor([0])))  >> tensor([0.500])

Python reads neither as the author meant: the first does not compile, the second shifts the
printed ``None`` by an unknown ``tensor``. Where a block raised on such a line, its failure
says what the line is and what to do with it.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.layout import PRINTED_REPR
from pytest_torchnotes.quoting import cut

#: A line that starts with an arrow and something after it: ``>> a = [0,1,0]``, ``=> 3``
#: (not a ``>>>`` prompt).
RESULT_LINE = re.compile(r"^[ \t]*(?:>>(?!>)|=>|->|→)[ \t]*(?P<value>\S.*)$")

#: Code, then an arrow and what it printed: ``print(x)  >> tensor([0.500])``. After ``>>``,
#: which shifts in Python (``x >> 2``), only a tensor's, a size's or a list's text.
RESULT_AFTER_CODE = re.compile(r"\S[ \t]+(?:(?P<shift>>>)|=>|→)[ \t]*(?P<value>\S.*)$")

#: What a ``>>`` after code is followed by where it writes a value, not a shift.
SHIFTED_VALUE = re.compile(r"(?:tensor|torch\.Size|array|Parameter)\(|\[")


def result_line_hint(line: str, shown_line: int, undefined: str | None = None) -> str | None:
    """The line that says what ``line`` (shown as ``shown_line``) is, where a block raised,
    when it writes what code gives after an arrow; ``None`` otherwise. Where the block
    raised ``NameError`` for ``undefined``, only when that name is the value's (``tensor`` of
    ``>> tensor([0.5])``), not the code's (a ``torch`` it never imported).

    >>> print(result_line_hint(">> a = [0,1,0]", 81))  # doctest: +ELLIPSIS
    line 81 writes what the code gives after an arrow (`>> a = [0,1,0]`), which is not Python: ...
    >>> result_line_hint("y = x >> 2", 3) is None
    True
    """
    found = RESULT_LINE.match(line)
    if found is None:
        found = RESULT_AFTER_CODE.search(line)
        if found is None or not PRINTED_REPR.match(found.group("value")):
            return None
        if found.group("shift") and not SHIFTED_VALUE.match(found.group("value")):
            return None
    if undefined is not None:
        # the name itself, not an attribute of that name (`torch.tensor` is no `tensor`)
        name = re.compile(rf"(?<![\w.]){re.escape(undefined)}\b")
        code = line[: found.start("value")]
        if not name.search(found.group("value")) or name.search(code):
            return None
    return (
        f"line {shown_line} writes what the code gives after an arrow (`{cut(line.strip(), 70)}`),"
        " which is not Python: put # before the arrow to keep it as a remark, or, where it is"
        " what the block prints, move it under the block in an output fence (```output) to"
        " compare it"
    )
