"""A block that writes into the interpreter's own integers fails instead of passing.

In a subprocess: the note breaks the process it runs in (which may crash as it exits).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run import canary
from tests.conftest import WriteNote

NOTE = """\
```python
import ctypes
ctypes.c_long.from_address(id(100) + 24).value = 101
print(100)
=== output ===
100
```
"""


def test_a_block_that_changes_a_cached_integer_fails_and_so_does_every_later_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # print(100) printed 101, and the comparison, reading 100 from the note, got the same
    # changed object: the block passed, and so did every later block that printed 100.
    write_note(NOTE, "a.md")
    write_note("```python\nprint(50 + 50)\n=== output ===\n100\n```\n", "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        [
            "notes/a.md:1: block 1: the integer 100 of the interpreter's memory reads 101 *",
            "notes/b.md:1: block 1: the integer 100 of the interpreter's memory reads 101 *",
        ]
    )
    assert " passed" not in result.stdout.str()


def test_a_healthy_interpreter_has_its_integers() -> None:
    assert canary.changed_integer() is None
    assert len(canary.TEXTS) == 262


@given(st.integers(0, 261), st.integers(0, 261), st.integers(-(2**63), 2**63))
def test_a_changed_or_swapped_integer_is_read_as_changed(
    place: int, other: int, value: int
) -> None:
    numbers = list(range(-5, 257))
    changed = numbers.copy()
    changed[place] = value
    assert canary.read_true(changed[:5], changed[5:261], changed[261]) == (changed == numbers)
    swapped = numbers.copy()
    swapped[place], swapped[other] = swapped[other], swapped[place]
    assert canary.read_true(swapped[:5], swapped[5:261], swapped[261]) == (swapped == numbers)
