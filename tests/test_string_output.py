"""Output kept under a label in a string that ends a block (``\"\"\"`` ... ``output:`` ...)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown

SAMPLE = Path(__file__).parent / "samples" / "string_output.md"


def test_the_string_under_a_label_is_the_output_and_the_rest_is_code() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    found = [
        (shown(b.fence.open_line), b.code.splitlines()[-1], b.output and shown(b.output.start))
        for b in note.blocks
    ]
    assert found == [
        (3, "print(t)", 12),  # past the blank line under the label
        (17, "print(t.shape)", 21),
        (28, '"""', None),
        (34, '"""', None),
    ]
    assert [(b.expected or "").strip() for b in note.blocks[:2]] == [
        "tensor([[1, 2],\n        [3, 4]])",
        "torch.Size([2, 2])",
    ]
    assert note.problems == []


@given(
    quotes=st.sampled_from(['"""', "'''"]),
    rule=st.sampled_from(["", "--------", "=====", "***"]),
    label=st.sampled_from(["output:", "Output:", "输出：", "运行结果:", "Out:"]),
    value=st.integers(-999, 999),
    blank=st.booleans(),
)
def test_any_labeled_string_is_read(
    quotes: str, rule: str, label: str, value: int, blank: bool
) -> None:
    lines = ["```python", f"print({value})", *([""] if blank else []), quotes]
    lines += [*([rule] if rule else []), label, *([""] if blank else []), str(value), quotes]
    note = NoteParser().parse("\n".join([*lines, "```", ""]))
    [block] = note.blocks
    assert block.code.strip() == f"print({value})"
    assert (block.expected or "").strip() == str(value)


NOTE = '''\
```python
import torch
print(torch.ones(2).sum())

"""
--------
output:

tensor(3.)
"""
```
'''


def test_string_output_runs_and_update_writes_only_inside_the_string(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = .\n")
    path = pytester.path / "note.md"
    path.write_text(NOTE, encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*note.md:9: expected 3., got 2.*"])
    pytester.runpytest("--torchnotes-update")
    assert path.read_text(encoding="utf-8") == NOTE.replace("tensor(3.)", "tensor(2.)")
    pytester.runpytest().assert_outcomes(passed=1)


def test_output_that_would_end_the_string_is_not_written(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = .\n")
    path = pytester.path / "note.md"
    text = NOTE.replace("print(torch.ones(2).sum())", 'print(\'a """ b\')')
    path.write_text(text, encoding="utf-8")
    result = pytester.runpytest("--torchnotes-update")
    result.stdout.fnmatch_lines(["*would end or escape the string that holds it*"])
    assert path.read_text(encoding="utf-8") == text
