"""A copy button's label pasted with a block's code (``python复制代码import torch``) is read
as no code, and named once a note (``markdown/copy_buttons.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote, block_counts

SAMPLE = Path(__file__).parent / "samples" / "copy_buttons.md"


def test_the_blocks_of_the_sample_are_read_without_the_label() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    assert [block.code for block in note.blocks] == [
        "import torch\nprint(torch.ones(2))",
        "\nx = torch.zeros(1)\nprint(x)",
        # an identifier: Python, and its first line is run as written
        "复制代码_count = 1",
    ]
    assert [block.expected for block in note.blocks[:2]] == ["tensor([1., 1.])", "tensor([0.])"]
    (problem,) = note.problems
    assert (problem.line_index, problem.severity) == (5, "warning")
    assert problem.message == (
        "the block's first line starts with `python复制代码` (and 1 more block), a copy "
        "button's label pasted with the code from a web page: it is run without it; delete it "
        "from the note, as readers see it too"
    )


@pytest.mark.parametrize(
    ("first", "code"),
    [
        ("python复制代码x = 1", "x = 1"),
        ("ini复制代码x = 1", "x = 1"),
        ("  复制代码", ""),
        ("c++ Copy code", ""),
        ("pythonCopy code x = 1", "x = 1"),
    ],
)
def test_the_toolbar_s_text_is_left_out(first: str, code: str) -> None:
    (block,) = NoteParser().parse(f"```python\n{first}\n```\n").blocks
    assert block.code == code


@pytest.mark.parametrize("first", ["x = '复制代码'", "# Copy code below", "copy = 1"])
def test_code_that_holds_the_words_elsewhere_is_code(first: str) -> None:
    note = NoteParser().parse(f"```python\n{first}\n```\n")
    assert note.blocks[0].code == first
    assert not note.problems


def test_a_saved_post_runs_and_compares_and_update_keeps_the_label(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\npython复制代码import torch\nprint(torch.ones(2) * 2)\n```\n\n"
        "输出：\n\n```\ntensor([1., 1.])\n```\n"
    )
    path = write_note(text)
    result = pytester.runpytest("-rw")
    result.assert_outcomes(failed=1, warnings=1)
    result.stdout.fnmatch_lines(["*notes/note.md:9: expected 1., got 2.*"])
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1, warnings=1)
    assert path.read_text(encoding="utf-8") == text.replace("[1., 1.]", "[2., 2.]")
    assert block_counts(pytester.runpytest())["verified"] == 1
