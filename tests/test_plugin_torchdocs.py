"""Examples from PyTorch's own docstrings, as a note copies them, run end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import WriteNote

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_exceptions_are_compared_as_output_is(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """<BLANKLINE> and +NORMALIZE_WHITESPACE hold in the message of an expected exception."""
    write_note(sample("torch_testing_docstring.md"), dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 note (1 passed), 2 blocks: 2 verified"])


def test_a_wrapped_exception_message_without_the_directive_fails(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = sample("torch_testing_docstring.md").replace("  # doctest: +NORMALIZE_WHITESPACE", "")
    write_note(text, dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["notes/note.md:22: >>> torch.testing.assert_close("])
