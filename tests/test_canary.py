"""A block that writes into the interpreter's own integers fails instead of passing.

In a subprocess: the note breaks the process it runs in (which may crash as it exits).
"""

from __future__ import annotations

import pytest

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
