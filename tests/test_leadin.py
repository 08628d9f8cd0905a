"""Lines above a transcript's first prompt that the interpreter never reads: a comment, as
PyTorch's own notes open a ``>>>`` transcript, or the shell command that starts the session,
as a Japanese tutorial opens its IPython transcript (``$ ipython``, then ``In [1]:``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.ipython import is_transcript
from pytest_torchnotes.markdown.leadin import LEAD_IN
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote, block_counts

SAMPLES = Path(__file__).parent / "samples"


def body(text: str) -> list[BodyLine]:
    return [BodyLine(index, "", line) for index, line in enumerate(text.splitlines())]


@pytest.mark.parametrize(
    ("line", "lead_in"),
    [
        ("# can line up trailing dimensions", True),
        ("$ python", True),
        ("$ python3 -i", True),
        ("% ipython", True),
        ("$ ipython3", True),
        ("C:\\Users\\me> python", True),
        ("$ py -3", True),
        ("$ pip install torch", False),
        ("$ pythonic", False),
        ("python", False),
        ("x = 1  # a remark", False),
    ],
)
def test_what_may_stand_above_the_first_prompt(line: str, lead_in: bool) -> None:
    assert (LEAD_IN.match(line) is not None) is lead_in


@pytest.mark.parametrize(
    ("code", "transcript"),
    [
        ("$ ipython\nIn [1]: import torch\n", True),
        ("# a session\n\nIn [1]: 1\n", True),
        ("$ pip install torch\nIn [1]: 1\n", False),
        ("x = 1\nIn [1]: 1\n", False),
    ],
)
def test_an_ipython_transcript_after_its_lead_in(code: str, transcript: bool) -> None:
    assert is_transcript(body(code)) is transcript


def test_each_block_is_read_as_its_kind_of_transcript() -> None:
    note = NoteParser().parse((SAMPLES / "ipython" / "shell_start.md").read_text("utf-8"))
    kinds = [
        (shown(block.first_line), block.ipython is not None, block.doctest) for block in note.blocks
    ]
    assert kinds == [(3, True, False), (11, False, True), (18, False, False)]


def test_the_sessions_run_and_are_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (SAMPLES / "ipython" / "shell_start.md").read_text("utf-8")
    write_note(text[: text.index("```python\n$ pip")], dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 2}


def test_update_rewrites_the_output_and_keeps_the_lead_in(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\n$ ipython\nIn [1]: import torch\n\nIn [2]: torch.ones(2) * 3\n"
        "Out[2]: tensor([2., 2.])\n```\n\n"
        "```python\n# can line up trailing dimensions\n>>> import torch\n"
        ">>> torch.ones(1).shape\ntorch.Size([2])\n```\n"
    )
    path = write_note(text, dedent=False)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    assert path.read_text("utf-8") == text.replace("tensor([2., 2.])", "tensor([3., 3.])").replace(
        "torch.Size([2])", "torch.Size([1])"
    )
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert block_counts(pytester.runpytest()) == {"verified": 2}
