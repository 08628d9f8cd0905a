"""A block that mixes shell escapes (not run) with Python that prints: the lines the shell
printed in the notebook are the author's, set apart and not compared where the escape
stands before or after every statement, and counted as verified loosely; elsewhere the
failure says they may be there and update leaves them."""

from __future__ import annotations

import json

import pytest

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.markdown.magics import prepare
from pytest_torchnotes.run.shell_escapes import shell_lines, without_shell_lines
from tests.conftest import WriteNote, block_counts


def _apart(code: str, expected: str, actual: str) -> int | None:
    shell = shell_lines(code, prepare(code))
    assert shell is not None
    found = without_shell_lines(Comparator(CompareOptions()), expected, actual, shell)
    return None if found is None else found[1]


@pytest.mark.parametrize(
    ("code", "expected", "left_out"),
    [
        ("!pip list | grep numpy\nprint(1)", "numpy 2.0\n1", 1),
        ("# setup\n%matplotlib inline\n!pip install -q x\n\nprint(1)", "ok\nok\n1", 2),
        ("print(1)\n!nvidia-smi", "1\nGPU 0: H100", 1),
        ("!echo a\nprint(1)\n!echo b", "a\n1\nb", 2),
        ("!echo a\nprint(1)\n!echo b", "a\nb\n1", 2),
    ],
)
def test_lines_before_or_after_python_s_are_set_apart(
    code: str, expected: str, left_out: int
) -> None:
    assert _apart(code, expected, "1\n") == left_out


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("!pip list\nprint(1)", "1\nnumpy 2.0"),  # the shell ran first: its lines open it
        ("print(1)\n!nvidia-smi", "GPU 0\n1"),  # and here last
        ("print(0)\n!echo a\nprint(1)", "0\na\n1"),  # among Python's: whose is which?
        ("!pip list\nprint(1)", "numpy 2.0\n2"),  # Python's line drifted
        ("!pip list\nprint(1)", "1"),  # nothing to set apart
        ("for i in [1]:\n    print(i)\n    !echo a", "1\na"),  # runs in the loop
    ],
)
def test_nothing_else_is_set_apart(code: str, expected: str) -> None:
    assert _apart(code, expected, "1\n") is None


def test_a_block_without_shell_escapes_has_none() -> None:
    assert shell_lines("print(1)", prepare("print(1)")) is None
    magic = "%matplotlib inline\nprint(1)"
    assert shell_lines(magic, prepare(magic)) is None


PIP_FIRST = """\
```python
!pip install -q torchinfo
!pip list | grep numpy
print(6 * 7)
```

```output
numpy                     2.1.0
42
```
"""

PIP_AMONG = """\
```python
print(6 * 7)
!pip list | grep numpy
print("done")
```

```output
42
numpy                     2.1.0
done
```
"""


def test_shell_lines_in_a_run(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(PIP_FIRST, "first.md")
    among = write_note(PIP_AMONG, "among.md")
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-report=r.json")
    result.assert_outcomes(passed=1, failed=1)
    assert block_counts(result) == {"verified": 1, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            "*2 blocks: 1 verified (1 loosely: 1 output of shell escapes not compared), 1 failed*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*the expected output may hold what the shell escape !pip (line 3) printed in the"
            " notebook, which the run does not run: put the escape in a block of its own*",
        ]
    )
    report = json.loads((pytester.path / "r.json").read_text(encoding="utf-8"))
    loosely = {note["path"]: note["blocks"][0].get("loosely") for note in report["notes"]}
    assert loosely == {
        "notes/first.md": "output of shell escapes not compared",
        "notes/among.md": None,
    }
    # Update writes no note: the first matched, and the other's shell line would be lost.
    updated = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-update")
    assert among.read_text(encoding="utf-8") == PIP_AMONG
    updated.stdout.fnmatch_lines(["*Not updated: *the expected output may hold what*"])
