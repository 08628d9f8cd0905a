"""Examples from PyTorch's own docstrings, as a note copies them, run end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

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


@pytest.mark.skipif(torch.cuda.is_available(), reason="the sample's CUDA block runs here")
def test_what_a_docstring_takes_from_its_module_or_a_gpu_is_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(sample("torch_missing_docstring.md"), dedent=False)
    result = pytester.runpytest("--torchnotes-setup", "import torch")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*: example at line 4: the block raised NameError: name 'Bernoulli' is not defined*",
            "  'Bernoulli' may be torch.distributions.Bernoulli (PyTorch's docstrings run in the "
            "namespace of their module): add 'from torch.distributions import Bernoulli' to the "
            "note, or to torchnotes_setup (--torchnotes-setup)",
        ]
    )
    # A CPU build says "Torch not compiled with CUDA enabled"; a CUDA build on a machine
    # without a GPU says "Found no NVIDIA driver on your system": the hint is the same.
    result.stdout.fnmatch_lines(
        [
            "*: example at line 12: the block raised *",
            "  the block needs CUDA, which this run has not: mark it <!-- torchnotes: requires "
            "cuda --> (in a >>> transcript, '# xdoctest: +REQUIRES(env:TORCH_DOCTEST_CUDA)' on a "
            "line of its own above the example does too)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*: example at line 23: the block raised NameError: name 'math' is not defined*",
            "  'math' is a module: import math in the note, or in torchnotes_setup "
            "(--torchnotes-setup)",
        ]
    )


def test_requires_a_submodule_of_a_missing_package_skips(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(sample("xdoctest_requires_submodule.md"), dedent=False)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*2 blocks: 1 verified, 1 skipped",
            "skipped 1: xdoctest: +REQUIRES(module:torchnotes_absent_package.sub)",
        ]
    )


def test_restructuredtext_between_the_examples_is_prose(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """``torch.nn.Fold``'s literal block and ``torch.nn.TripletMarginLoss``'s link target
    made the whole note an error: its blocks did not run."""
    write_note(sample("torch_rst_markup_docstring.md"), dedent=False)
    result = pytester.runpytest("--torchnotes-setup", "import torch\nfrom torch import nn")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 note (1 passed), 3 blocks: 3 verified"])


def test_output_cut_off_by_a_blank_line_is_warned_and_the_note_runs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """``torch.nn.Module.modules`` and ``torch.Tensor.register_hook`` write output under a
    blank line: it made the whole note an error, though doctest and xdoctest run it."""
    text = sample("torch_cutoff_output_docstring.md")
    write_note(text, dedent=False)
    result = pytester.runpytest("--torchnotes-setup", "import torch\nfrom torch import nn")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:8: >>> for idx, m in enumerate(net.modules()):",
            "*3 blocks: 1 verified, 1 ran, 1 failed (1 text)",
        ]
    )
    for line in (11, 26):
        result.stdout.fnmatch_lines(
            [
                f"*notes/note.md:{line}: TorchnotesWarning: notes/note.md:{line}: output after a "
                "blank line, not under a >>> prompt, in the transcript at line *: doctest and "
                "xdoctest read it as prose and never compare it (if it is the output of the "
                "example above it, remove the blank line between them, or write <BLANKLINE> "
                "for it if the example prints an empty line there)"
            ]
        )
    # The fix it names: the loop's output under its last line.
    write_note(text.replace("m)\n\n0 ->", "m)\n0 ->"), dedent=False)
    result = pytester.runpytest("--torchnotes-setup", "import torch\nfrom torch import nn")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*3 blocks: 2 verified, 1 ran"])


def test_languages_given_in_one_flag_run_a_bare_transcript(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A docstring's example in a fence without info string, run with the option its
    warning names, written as the ini file writes it."""
    write_note("```\n>>> 1 + 1\n2\n```\n", dedent=False)
    result = pytester.runpytest("--torchnotes-languages", "python bare")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 note (1 passed), 1 block: 1 verified"])


def test_xdoctest_rules_compare_as_xdoctest_does(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """An example that shows no output is not compared, +ELLIPSIS and +NORMALIZE_WHITESPACE
    are on: PyTorch's docstrings are written so. By doctest's rules the failures name the
    option."""
    text = sample("torch_xdoctest_rules.md")
    path = write_note(text, dedent=False)
    result = pytester.runpytest("--torchnotes-setup", "import torch")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:7: >>> torch.dot  # [D], [D] -> []",
            "  output differs",
            "  the transcript shows no output for this example: write what it prints below it, "
            "or add '# xdoctest: +IGNORE_WANT' if it is not to be compared "
            "(--torchnotes-transcripts=xdoctest compares no example that shows no output, as "
            "xdoctest, for which PyTorch's docstrings are written)",
        ]
    )
    result.stdout.fnmatch_lines(
        ["notes/note.md:17: >>> torch.tensor(0.201413)", "*as --torchnotes-transcripts=xdoctest*"]
    )
    result = pytester.runpytest(
        "--torchnotes-setup", "import torch", "-o", "torchnotes_transcripts=xdoctest"
    )
    result.assert_outcomes(passed=1)
    # the example that printed and shows nothing was not compared: its block counts apart
    result.stdout.fnmatch_lines(
        ["*1 note (1 passed), 2 blocks: 2 verified (1 loosely: 1 output of examples not compared)"]
    )
    # Update mode writes no output where an example shows none.
    flag = "--torchnotes-transcripts=XDoctest"
    pytester.runpytest("--torchnotes-setup", "import torch", flag, "--torchnotes-update")
    assert path.read_text(encoding="utf-8") == text
    # An example may turn a directive off; an exception still fails.
    write_note(
        text.replace("tensor(0.20...)", "tensor(0.20...)  # doctest: -ELLIPSIS")
        .replace(">>> torch.tensor(0.201413)", ">>> torch.tensor(0.201413)  # doctest: -ELLIPSIS")
        .replace(">>> torch.dot  #", ">>> torch.dot(1)  #"),
        dedent=False,
    )
    result = pytester.runpytest("--torchnotes-setup", "import torch", flag)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*2 blocks: 2 failed (1 exception, 1 text)"])


def test_a_bad_transcripts_value_names_the_flag(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--torchnotes-transcripts=sphinx")
    assert result.ret != 0
    result.stderr.fnmatch_lines(
        ["*--torchnotes-transcripts*'sphinx' is not one of doctest, xdoctest*"]
    )


def test_the_sybil_entry_point_takes_the_transcripts_rules() -> None:
    from pytest_torchnotes.sybil import parse_settings

    assert parse_settings(transcripts="xdoctest").run.transcripts == "xdoctest"
    assert parse_settings().run.transcripts == "doctest"
