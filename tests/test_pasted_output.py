"""Output pasted into a block under its code with no marker above it: the block does not
compile, and its failure names the marker line that makes the text its expected output
(``comparison/pasted_output.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.commands.check import check_note
from pytest_torchnotes.comparison.pasted_output import pasted_output_hint, pasted_output_start
from tests.conftest import WriteNote


@pytest.mark.parametrize(
    ("code", "start"),
    [
        # what the block printed, pasted after a blank line: words, tensors, a shape
        ("print(x.shape)\n\n拼接后的结果 (dim=1):\n tensor([[1, 3]])", 2),
        ("print(y)\n\ntensor([[1., 2.],\n        [3., 4.]])\n结果: 2 )", 2),
        ("a = 1\n\nb = 2\nprint(a + b)\n\nThe result is 3", 5),
        ("for i in range(2):\n    print(i)\n\n0\n1\n结果 如上", 3),
        ("print(1)\n\n\nOutput:\n1 2 3 )", 3),
        # text that reads as Python compiles: the block runs (and fails otherwise)
        ("print(y)\n\ntensor([[1., 2.]])", None),
        # no split: the code is Python, or the text sits above a blank line, or nothing
        # compiles above the blank line
        ("print(1)\n\nprint(2)", None),
        ("print(1)\nOutput: 1 2 3 )", None),
        ("x = (\n\n1, 2 ]", None),
        ("\n\nnot python at all )", None),
        ("#include <torch/script.h>\n\nint main() {}", None),  # comments are no code
        ("print(1)\n\n", None),
    ],
)
def test_where_pasted_output_starts(code: str, start: int | None) -> None:
    assert pasted_output_start(code) == start


CODE = st.sampled_from(["import torch", "x = torch.ones(2)", "print(x)", "y = [1, 2]", "pass"])
#: Lines of printed text that are no Python (an unclosed bracket ends them).
TEXT = st.lists(
    st.sampled_from(["tensor([[1, 2],", "结果:", "torch.Size([2, 4])", "loss 0.5", "[1, 2"]),
    min_size=1,
    max_size=4,
).map(lambda lines: [*lines, "tensor([1.) ]"])


@given(code=st.lists(CODE, min_size=1, max_size=5), text=TEXT, blanks=st.integers(1, 2))
def test_the_text_under_a_blank_line_is_found_whatever_the_code(
    code: list[str], text: list[str], blanks: int
) -> None:
    lines = [*code, *[""] * blanks, *text]
    assert pasted_output_start("\n".join(lines)) == len(code) + blanks


def test_the_hint_names_the_lines_and_the_marker() -> None:
    hint = pasted_output_hint("print(1)\n\n结果:\n 1 )", 9)
    assert hint is not None
    assert hint.startswith("the code above line 12 compiles: if lines 12-13 are what the block")
    assert "put the output marker ======== output ========== on a line of its own" in hint
    assert "if line 3 is what the block prints" in str(pasted_output_hint("print(1)\n\n1 )", 0))


NOTE = """\
# cat

```python
import torch
p = torch.tensor([[1], [2]])
print(torch.cat((p, p), dim=1))

拼接后的结果 (dim=1):
tensor([[1, 1],
        [2, 2]])
```
"""


def test_the_failure_of_the_block_names_the_marker(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOTE)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the code above line 8 compiles: if lines 8-10 are what the block prints, pasted "
            "under its code, put the output marker ======== output ========== on a line of its "
            "own above line 8 to compare them; else, not valid Python: *"
        ]
    )


def test_check_names_the_marker_too(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(NOTE, encoding="utf-8")
    (finding,) = check_note(path)
    assert finding.line == 8
    assert "put the output marker ======== output ========== on a line of its own" in (
        finding.message
    )


def test_with_the_marker_the_text_is_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOTE.replace("\n\n拼接后的结果 (dim=1):\n", "\n======== output ==========\n"))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
