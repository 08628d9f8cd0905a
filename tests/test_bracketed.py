"""A blank line inside the output of a >>> example whose brackets are open is output."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.bracketed import continued_blanks, marked
from pytest_torchnotes.markdown.continuation import examples_of
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.update.wants import as_want
from tests.conftest import WriteNote

SAMPLE = Path(__file__).parent / "samples" / "tensor_transcripts.md"

THREE_D = """\
```python
>>> import torch
>>> torch.arange(8).reshape(2, 2, 2) + {shift}
tensor([[[{a}, 1],
         [2, 3]],

        [[4, 5],
         [6, 7]]])
>>> torch.ones(1)
tensor([1.])
```
"""


def wants(code: str) -> list[str]:
    return [example.want.replace(doctest.BLANKLINE_MARKER, "") for example in examples_of(code)]


def test_the_sample_reads_its_tensors_whole_and_leaves_the_prose() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    lines = text.split("\n")
    note = NoteParser().parse(text)
    assert [shown(block.first_line) for block in note.blocks] == [5, 19, 41]
    first, second, third = note.blocks
    assert [shown(first.code_line + n) for n in continued_blanks(first.code.split("\n"))] == [10]
    assert sorted(
        shown(second.code_line + n) for n in continued_blanks(second.code.split("\n"))
    ) == [23, 26, 27, 30, 35]
    assert [lines[n] for n in (9, 22, 25, 26, 29, 34)] == [""] * 6
    assert wants(first.code)[1] == repr(torch.arange(8).reshape(2, 2, 2)) + "\n"
    assert wants(second.code) == [
        repr(torch.arange(16).reshape(2, 2, 2, 2)) + "\n",
        repr({"w(": torch.ones(2, 1, 1)}) + "\n",
    ]
    # The output of print("(") leaves a bracket open, but the prose after the blank line
    # does not close it: it stays prose, as doctest reads it (markdown/docstring_prose.py).
    assert continued_blanks(third.code.split("\n")) == frozenset()
    assert wants(third.code) == ["(\n"]
    assert note.problems == []


def test_a_blank_line_is_marked_only_where_the_output_goes_on() -> None:
    assert continued_blanks([">>> f(", "... )", "tensor([[[1]],", "", "        [[2]]])"]) == {3}
    # A prompt before the brackets close: the blank line ends the output.
    assert continued_blanks([">>> t", "tensor([[[1]],", "", ">>> t", "x"]) == frozenset()
    # Closing more brackets than are open, or never closing them: not output.
    assert continued_blanks([">>> t", "[[1],", "", "]]]"]) == frozenset()
    assert continued_blanks([">>> t", "[[1],", "", "[2"]) == frozenset()
    # A blank line after the source, or in prose, is no output.
    assert continued_blanks([">>> f(1,", "", "2)"]) == frozenset()
    assert continued_blanks(["[", "", "]"]) == frozenset()
    # Brackets inside quotes do not count.
    assert continued_blanks([">>> s", "'(['", "", "')'"]) == frozenset()
    assert continued_blanks([">>> s", "['\\'', (", "", ")]"]) == {2}
    assert marked("  >>> t\n  [[1],\n\n   [2]]\n") == "  >>> t\n  [[1],\n  <BLANKLINE>\n   [2]]\n"


@given(
    st.lists(st.integers(1, 3), min_size=1, max_size=4),
    st.sampled_from(["", "  "]),
)
def test_every_tensor_reads_back_as_torch_prints_it(shape: list[int], indent: str) -> None:
    value = repr(torch.arange(torch.Size(shape).numel()).reshape(shape))
    written = as_want(value.split("\n"))
    assert "<BLANKLINE>" not in written
    code = "\n".join(
        indent + line if line else "" for line in [">>> t", *written, ">>> 1", "1", ""]
    )
    assert wants(code) == [value + "\n", "1\n"]


@given(st.lists(st.text(alphabet="ab ,.\n'\"", max_size=12), max_size=6))
def test_output_without_brackets_keeps_its_blank_lines_marked(lines: list[str]) -> None:
    transcript = [">>> x", *"\n".join(lines).split("\n")]
    assert continued_blanks(transcript) == frozenset()


def test_a_tensor_transcript_runs_fails_and_is_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(THREE_D.format(shift=0, a=0))
    pytester.runpytest().assert_outcomes(passed=1)
    write_note(THREE_D.format(shift=1, a=0))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*note.md:3: >>> torch.arange(8).reshape(2, 2, 2) + 1"])
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    updated = note.read_text(encoding="utf-8")
    assert updated == (
        THREE_D.format(shift=1, a=0)
        .replace("[[[0, 1],\n         [2, 3]]", "[[[1, 2],\n         [3, 4]]")
        .replace("[[4, 5],\n         [6, 7]]", "[[5, 6],\n         [7, 8]]")
    )
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text(encoding="utf-8") == updated
    pytester.runpytest().assert_outcomes(passed=1)


IPYTHON = """\
```python
In [1]: import torch

In [2]: torch.arange(8).reshape(2, 2, 2) + {shift}
Out[2]:
tensor([[[{a}, 1],
         [2, 3]],

        [[4, 5],
         [6, 7]]])

In [3]: print("(")
(

In [4]: 1 + 1
Out[4]: 2
```
"""


def test_an_ipython_transcript_reads_its_tensors_whole() -> None:
    (block,) = NoteParser().parse(IPYTHON.format(shift=0, a=0)).blocks
    assert block.ipython is not None
    cells = block.ipython.cells
    assert [cell.want.replace("<BLANKLINE>", "") for cell in cells] == [
        "",
        repr(torch.arange(8).reshape(2, 2, 2)) + "\n",
        "(\n",
        "2\n",
    ]


def test_an_ipython_tensor_runs_fails_and_is_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(IPYTHON.format(shift=0, a=0))
    pytester.runpytest().assert_outcomes(passed=1)
    write_note(IPYTHON.format(shift=0, a=9))
    pytester.runpytest().assert_outcomes(failed=1)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text(encoding="utf-8") == IPYTHON.format(shift=0, a=0)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text(encoding="utf-8") == IPYTHON.format(shift=0, a=0)


def test_a_transcript_with_blank_lines_and_lines_of_spaces_reads_as_printed(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (Path(__file__).parent / "samples" / "spaced_transcript.md").read_text("utf-8")
    note = NoteParser().parse(text)
    assert note.problems == []
    (block,) = note.blocks
    a = torch.tensor([[1, 2], [3, 4]])
    assert wants(block.code) == [
        "",
        "",
        repr(a) + "\n",
        "torch.Size([2, 2])\n",
        repr(a * a) + "\n",
        repr(torch.stack([a, a])) + "\n",
    ]
    write_note(text)
    pytester.runpytest().assert_outcomes(passed=1)


SPLIT = """\
```python
In [1]: import torch

In [2]: torch.arange(8).reshape(2, 2, 2) + {shift}
```

```
Out[2]:
tensor([[[{a}, 1],
         [2, 3]],

        [[4, 5],
         [6, 7]]])
```
"""


def test_the_split_form_reads_its_tensors_whole_and_is_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    (block,) = NoteParser().parse(SPLIT.format(shift=0, a=0)).blocks
    assert block.ipython is not None
    cell = block.ipython.cells[1]
    assert cell.want == repr(torch.arange(8).reshape(2, 2, 2)) + "\n"
    note = write_note(SPLIT.format(shift=0, a=0))
    pytester.runpytest().assert_outcomes(passed=1)
    write_note(SPLIT.format(shift=0, a=9))
    pytester.runpytest().assert_outcomes(failed=1)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text(encoding="utf-8") == SPLIT.format(shift=0, a=0)
