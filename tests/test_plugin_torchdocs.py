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


def test_a_failure_names_the_directive_that_fixes_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(sample("torch_hints_docstring.md"), dedent=False)
    result = pytester.runpytest("--torchnotes-setup", "import torch")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:9: >>> criterion(output, target)  # -log(sigmoid(1.5))",
            "  output differs",
            "  it passes with '# doctest: +ELLIPSIS' at the end of its first line (xdoctest,*",
            "*-tensor(0.20...)",
            "*+tensor(0.2014)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:17: >>> a",
            "  output differs",
            "  the block draws random numbers with randn(): its values are those of the run "
            "seeded by torchnotes_seed (--torchnotes-seed); accept them with "
            "--torchnotes-update, or add '# xdoctest: +IGNORE_WANT' at the end of the "
            "example's line to leave its output uncompared",
        ]
    )
    directives = sample("torch_hints_docstring.md").replace(
        "# -log(sigmoid(1.5))", "# doctest: +ELLIPSIS"
    )
    write_note(directives.replace(">>> a\n", ">>> a  # xdoctest: +IGNORE_WANT\n"), dedent=False)
    pytester.runpytest("--torchnotes-setup", "import torch").assert_outcomes(passed=1)
