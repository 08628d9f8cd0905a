"""Python in indented code blocks: not run, reported at the line where it starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.indented_python import PYTHON_START
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLES = Path(__file__).parent / "samples"


@pytest.mark.parametrize(
    ("text", "python"),
    [
        (">>> x = 1", True),
        (">>>", True),
        ("import torch", True),
        ("from torch import nn", True),
        ("import torchvision", False),
        (">>>x", False),
        ("pip install torch", False),
        ("tensor([1, 0])", False),
    ],
)
def test_the_start_of_python(text: str, python: bool) -> None:
    assert (PYTHON_START.match(text) is not None) is python


def test_indented_python_is_reported_where_it_starts_and_nowhere_else() -> None:
    note = NoteParser().parse((SAMPLES / "indented_python.md").read_text(encoding="utf-8"))
    assert [(shown(p.line_index), p.severity, p.message[:14]) for p in note.problems] == [
        (5, "warning", "indented code "),
        (11, "warning", "indented code "),
        (16, "warning", "indented code "),
        (28, "warning", "indented text "),  # the block's output, by the rules of exports
    ]
    assert note.problems[0].message == (
        "indented code `>>> x = torch.tensor([1, -2])` looks like Python but is not run: only "
        "fenced blocks are; put it in a ```python fence (ending in ```) to run it"
    )
    assert [block.code for block in note.blocks] == ["print(1)"]


def test_a_note_of_indented_examples_is_not_silently_empty(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        Example::

            >>> torch.ones(1)
            tensor([1.])
        """
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1, warnings=1)
    result.stdout.fnmatch_lines(
        ["*notes/note.md:3: indented code `>>> torch.ones(1)` looks like Python but is not run*"]
    )
