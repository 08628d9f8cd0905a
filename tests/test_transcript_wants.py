"""``>>>`` transcripts as PyTorch's own notes write them (docs/source/notes/broadcasting.md
of pytorch/pytorch, in MyST): a comment line above the first prompt, comments under a
prompt, an exception without its traceback line, a warning. Each block is read as a
transcript, and each example that fails says what its expected output is to doctest."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote

SAMPLES = Path(__file__).parent / "samples"


def test_every_block_of_pytorchs_notes_is_a_transcript() -> None:
    note = NoteParser().parse((SAMPLES / "pytorch_notes_transcripts.md").read_text("utf-8"))
    assert [block.doctest for block in note.blocks] == [True, True, True]
    assert note.problems == []


def test_each_failing_example_says_what_its_expected_output_is_to_doctest(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note((SAMPLES / "pytorch_notes_transcripts.md").read_text("utf-8"), dedent=False)
    result = pytester.runpytest("--torchnotes-setup=import torch")
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:7: >>> y=torch.empty(5,7,3)",
            "  output differs",
            "  the lines under the prompt are comments, which doctest reads as what it prints: "
            "put a blank line between the prompt's code and the comments",
            "*notes/note.md:13: block 2*: example at line 22: the block raised RuntimeError: "
            "The size of tensor a (2)*",
            "  the output under the prompt names the RuntimeError it raises without the line "
            "'Traceback (most recent call last):' above it, by which doctest reads an exception: "
            "write that line above it",
            "notes/note.md:30: >>> torch.add(torch.ones(4,1), torch.ones(4))",
            "  output differs",
            "  the output under the prompt is a UserWarning, which goes to stderr and is not "
            "compared: delete it, and check the warning with "
            "<!-- torchnotes: warns UserWarning --> above the block",
        ]
    )


def test_the_hint_is_right_once_the_traceback_line_is_written(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """Following the hint makes the example pass: the exception is compared."""
    write_note(
        "```python\n# can line up trailing dimensions\n"
        ">>> x=torch.empty(5,2,4,1)\n>>> y=torch.empty(3,1,1)\n>>> (x+y).size()\n"
        "Traceback (most recent call last):\n"
        "RuntimeError: The size of tensor a (2) must match the size of tensor b (3) at "
        "non-singleton dimension 1\n```\n",
        dedent=False,
    )
    result = pytester.runpytest("--torchnotes-setup=import torch")
    result.assert_outcomes(passed=1)


def test_update_keeps_the_comments_under_a_prompt_and_says_why(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """Update would write what the example prints (nothing) in place of the comments: it
    leaves them, and says what makes them prose; the other examples are updated."""
    text = (SAMPLES / "pytorch_notes_transcripts.md").read_text("utf-8")
    path = write_note(text, dedent=False)
    result = pytester.runpytest("--torchnotes-setup=import torch", "--torchnotes-update")
    result.stdout.fnmatch_lines(
        ["Not updated: line 7: its expected output is only comment lines, which read as prose*"]
    )
    after = path.read_text("utf-8")
    assert "# same shapes are always broadcastable" in after
    assert after.count("\n") >= text.count("\n")
    again = pytester.runpytest("--torchnotes-setup=import torch", "--torchnotes-update")
    assert again.ret != 0
    assert path.read_text("utf-8") == after
