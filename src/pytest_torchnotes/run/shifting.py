"""Code compiled at line 1, moved to the note line where it stands.

A block deep in a note is compiled as if that many blank lines came before it, so that
Python numbers its lines as the note does; the tokenizer reads each of those lines, about
20 ns a line, and a note of 10,000 blocks spent seconds on them (quadratic in its length).
Past :data:`SHIFT_FROM` lines, the code is compiled alone and its code objects are moved
instead: a nested code object (function, class, lambda, comprehension) numbers its lines from
its ``co_firstlineno``, and the code of the block itself starts at line 1 whatever comes
before it, so the one entry of its line table that goes from its first instruction (line 0)
to its first line of code is written again as the compiler writes it for that distance.

The result is equal (``==``, line tables included) to what the padded compile gives; where
that cannot be told (a line table of a form this does not know, a Python that writes them
differently: :func:`_works` checks once), or where compiling alone would not behave the
same (a warning, emitted with the wrong line; another thread running, which the warnings
filters changed for the compile would touch), the block is compiled padded.
"""

from __future__ import annotations

import functools
import gc
import threading
import warnings
from collections.abc import Callable
from types import CodeType
from typing import Any, TypeVar

#: From how many lines down a block is moved rather than padded. Moving pays from about
#: 500 lines (docs/performance.md, "Huge notes"); it starts far lower down, so that the
#: notes people write (a long book chapter has a few thousand lines) keep the padded compile
#: that Python itself gives, and only a huge note, where the padding would be quadratic,
#: is moved: padding a block at line 10,000 costs about 0.2 ms.
SHIFT_FROM = 10_000

#: The forms of an entry of the location table (CPython's Objects/locations.md).
SHORT_FORMS = 10
ONE_LINE_FORMS = 13
NO_COLUMN = 13
LONG_FORM = 14
NO_LOCATION = 15

Built = TypeVar("Built")


class _Unmovable(Exception):
    """What was compiled alone cannot be moved: compile it padded."""


def at_line(build: Callable[[str], Built], source: str, lines: int) -> Built:
    """What ``build`` gives for ``source`` after ``lines`` blank lines, ``build`` being a
    compile of its text into code objects (a ``CodeType``, or an object whose ``CodeType``
    fields :func:`move` moves). A ``SyntaxError`` is the padded compile's."""
    if lines >= SHIFT_FROM and _works() and threading.active_count() == 1:
        try:
            return move(_quietly(build, source), lines)
        except _Unmovable:
            pass
    return build("\n" * lines + source)


def probe_at_line(build: Callable[[str], Built], source: str, lines: int) -> Built:
    """:func:`at_line` for a compile that only tells whether ``source`` compiles: a
    ``SyntaxError`` may then carry the line numbers of ``source`` alone (the caller drops
    it), but one that came with a warning still comes from the padded compile."""
    if lines >= SHIFT_FROM and _works() and threading.active_count() == 1:
        try:
            return move(_quietly(build, source, probing=True), lines)
        except _Unmovable:
            pass
    return build("\n" * lines + source)


def move(built: Built, lines: int) -> Built:
    """``built`` with every code object in it moved ``lines`` lines down."""
    if isinstance(built, CodeType):
        return _moved_top(built, lines)  # type: ignore[return-value]
    fields = {
        name: _moved_top(value, lines)
        for name, value in vars(built).items()
        if isinstance(value, CodeType)
    }
    return type(built)(**{**vars(built), **fields})


def _quietly(build: Callable[[str], Built], source: str, *, probing: bool = False) -> Built:
    """``build(source)``, or :class:`_Unmovable` when it warned (the warning would carry
    the wrong line: the padded compile emits it again, right) or raised (the padded compile
    raises it with the note's lines; with ``probing``, a ``SyntaxError`` without a warning
    is raised as it is). Warnings are recorded, not shown, through a filter put first in
    place (the registries of warnings already shown are left as they are) while no garbage
    is collected (no finalizer of the note's objects runs meanwhile)."""
    caught: list[Any] = []
    entry = ("always", None, Warning, None, 0)
    filters: list[Any] = warnings.filters  # type: ignore[assignment]
    shown = warnings.showwarning
    collecting = gc.isenabled()
    gc.disable()
    filters.insert(0, entry)
    warnings.showwarning = lambda *args, **kwargs: caught.append(args)
    try:
        built = build(source)
    except (SyntaxError, ValueError):
        if probing and not caught:
            raise
        raise _Unmovable from None
    except Exception:
        raise _Unmovable from None
    finally:
        warnings.showwarning = shown
        if filters and filters[0] is entry:
            del filters[0]
        else:  # pragma: no cover - the build changed the filters
            filters.remove(entry)
        if collecting:
            gc.enable()
    if caught:
        raise _Unmovable
    return built


def _moved_top(code: CodeType, lines: int) -> CodeType:
    """A module's, an ``eval``'s or a ``single``'s code, moved: it starts at line 1 whatever
    its position, so its line table changes where it goes from line 0 to its first line."""
    return code.replace(
        co_consts=_moved_consts(code, lines), co_linetable=_moved_table(code, lines)
    )


def _moved_nested(code: CodeType, lines: int) -> CodeType:
    """A function's (class body's, lambda's, comprehension's) code, moved: its lines count
    from its ``co_firstlineno``."""
    return code.replace(
        co_firstlineno=code.co_firstlineno + lines, co_consts=_moved_consts(code, lines)
    )


def _moved_consts(code: CodeType, lines: int) -> tuple[object, ...]:
    return tuple(
        _moved_nested(const, lines) if isinstance(const, CodeType) else const
        for const in code.co_consts
    )


def _moved_table(code: CodeType, lines: int) -> bytes:
    """The line table of ``code`` with its first line of code ``lines`` further: the entry
    that reaches it is written again for the longer distance (a one-line entry may become
    a long one), the entries after it are relative to it. :class:`_Unmovable` when a later
    entry goes back to line 0 or before (its distance would change too), or the table is
    not of the form this reads."""
    seen_code = False
    for _start, _end, line in code.co_lines():
        if line is None:
            continue
        if line >= 1:
            seen_code = True
        elif seen_code:
            raise _Unmovable
    table = code.co_linetable
    line = code.co_firstlineno
    position = 0
    while position < len(table):
        start = position
        head = table[position]
        form = (head >> 3) & 15
        position += 1
        if head & 0x80 == 0:
            raise _Unmovable
        if form == NO_LOCATION:
            continue
        if form < SHORT_FORMS:
            position += 1
            continue
        columns: tuple[int, int] | None = None
        end_delta = 0
        if form < ONE_LINE_FORMS:
            delta = form - SHORT_FORMS
            columns = (table[position], table[position + 1])
            position += 2
        elif form == NO_COLUMN:
            delta, position = _read_signed(table, position)
        else:
            delta, position = _read_signed(table, position)
            end_delta, position = _read(table, position)
            column, position = _read(table, position)
            end_column, position = _read(table, position)
            columns = (column - 1, end_column - 1)
        line += delta
        if line < 1:
            continue
        entry = _entry(head & 7, delta + lines, end_delta, columns)
        return table[:start] + entry + table[position:]
    return table  # no line of code: nothing moves


def _entry(size: int, delta: int, end_delta: int, columns: tuple[int, int] | None) -> bytes:
    """An entry as the compiler writes it (Python/assemble.c, write_location_info_entry),
    for an instruction ``delta`` lines after the one before, which is not on its line."""
    if columns is None:
        return bytes([0x80 | NO_COLUMN << 3 | size]) + _signed(delta)
    column, end_column = columns
    if end_delta == 0 and 0 <= column < 128 and 0 <= end_column < 128 and 0 <= delta < 3:
        return bytes([0x80 | (SHORT_FORMS + delta) << 3 | size, column, end_column])
    return (
        bytes([0x80 | LONG_FORM << 3 | size])
        + _signed(delta)
        + _varint(end_delta)
        + _varint(column + 1)
        + _varint(end_column + 1)
    )


def _read(table: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = table[position]
        position += 1
        value |= (byte & 63) << shift
        shift += 6
        if not byte & 64:
            return value, position


def _read_signed(table: bytes, position: int) -> tuple[int, int]:
    value, position = _read(table, position)
    return (-(value >> 1) if value & 1 else value >> 1), position


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 64:
        out.append(64 | (value & 63))
        value >>= 6
    out.append(value)
    return bytes(out)


def _signed(value: int) -> bytes:
    return _varint((-value) << 1 | 1 if value < 0 else value << 1)


#: What :func:`_works` compiles both ways: every form of entry, nested code of each kind.
SAMPLE = (
    "import os\n"
    "x = [i for i in range(3)]  # a comprehension\n"
    "@staticmethod\n"
    "def f(a, b=lambda: 1):\n"
    "    return (a +\n"
    "            b())\n"
    "class C:\n"
    "    y = 1\n"
    "\n"
    "t = ('" + "a" * 200 + "',\n"
    "     2)\n"
    "if x:\n"
    "    pass\n"
    "print(x)\n"
)


@functools.cache
def _works() -> bool:
    """Whether this Python's code objects move as :func:`_moved_top` moves them: its line
    tables in the form it reads (3.11 and later), each moved sample equal to the padded one.
    Asked once, when a block is first deep enough to be moved."""
    if not hasattr(CodeType, "co_positions"):  # before 3.11: line tables of another form
        return False
    for source, mode in ((SAMPLE, "exec"), ("(1 +\n 2)", "eval"), ("f(1)\n", "single")):
        code = compile(source, "sample.md", mode, dont_inherit=True)
        for lines in (1, 2, 3, 64, 2100):  # distances of one, two and three bytes
            try:
                moved = _moved_top(code, lines)
            except _Unmovable:
                return False
            padded = compile("\n" * lines + source, "sample.md", mode, dont_inherit=True)
            if moved != padded or _positions(moved) != _positions(padded):
                return False
    return True


def _positions(code: CodeType) -> list[object]:
    return list(code.co_positions())  # type: ignore[attr-defined]  # new in 3.11
