"""What a failing ``>>>`` example is told when no run can print the output its note writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.run.silenthints import silent_statement_hint, uninitialized_hint
from tests.conftest import WriteNote

SAMPLE = (Path(__file__).parent / "samples" / "torch_silent_docstring.md").read_text(
    encoding="utf-8"
)


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("a = torch.special.gammaincc(a1, a2)\n", "'>>> a' on a line of its own"),
        ("a += 1\n", "'>>> a' on a line of its own"),
        ("grid_x, grid_y = f()\n", "the value on a line of its own"),
        ("import torch\n", "the value on a line of its own"),
    ],
)
def test_a_statement_that_shows_nothing_is_named(source: str, shown: str) -> None:
    """``torch.special.gammaincc``'s example writes a tensor under an assignment."""
    hint = silent_statement_hint(source, "tensor([0.6472])\n", "")
    assert hint is not None
    assert shown in hint
    assert "--torchnotes-update" in hint


@pytest.mark.parametrize(
    ("source", "want", "printed"),
    [
        ("torch.ones(2)\n", "tensor([1.])\n", ""),  # an expression shows its value
        ("a = f()\n", "", ""),  # nothing written under it
        ("a = f(); print(a)\n", "1\n", "2\n"),  # it printed: its output differs
        ("a = (\n", "1\n", ""),  # not Python
    ],
)
def test_other_examples_are_not_told_so(source: str, want: str, printed: str) -> None:
    assert silent_statement_hint(source, want, printed) is None


def test_uninitialized_memory_is_named_by_its_call() -> None:
    """``torch.Tensor.new_empty`` shows the values of uninitialized memory."""
    for code in ("tensor.new_empty((2, 3))", "torch.empty_strided((2, 3), (1, 2))"):
        hint = uninitialized_hint(code, "tensor([[5.8e-18]])")
        assert hint is not None
        assert "+IGNORE_WANT" in hint
    assert uninitialized_hint("torch.empty(2)", "") is None
    assert uninitialized_hint("is_empty(x)", "True") is None


def test_both_failures_say_what_to_do(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(SAMPLE, dedent=False)
    result = pytester.runpytest("--torchnotes-setup", "import torch")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:8: >>> a = torch.special.gammaincc(a1, a2)",
            "  output differs",
            "  the example is a statement (assign) and shows nothing at a prompt, so the output "
            "under it is never printed: write '>>> a' on a line of its own above that output,*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:16: >>> tensor.new_empty((2, 3))",
            "  output differs",
            "  new_empty() returns uninitialized memory: its values change from run to run*",
        ]
    )


def test_a_lone_ellipsis_under_a_statement_is_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """xdoctest reads a lone ``...`` under ``>>> torch.ones(2).sum().item()`` as output."""
    write_note(
        "# T\n\n```python\n>>> import torch\n>>> torch.ones(2).sum().item()\n...\n```\n",
        dedent=False,
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:5: >>> torch.ones(2).sum().item()",
            "  output differs",
            "  the lone '...' under it is a continuation line to doctest, which ends the example"
            " with no output (xdoctest reads it as output that matches anything)*",
            "--- expected (notes/note.md:6)",
        ]
    )
    assert "shows no output" not in result.stdout.str()


def test_a_lone_ellipsis_that_ends_a_def_prints_nothing_and_passes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "# T\n\n```python\n>>> def f():\n...     return 1\n...\n>>> f()\n1\n```\n",
        dedent=False,
    )
    pytester.runpytest().assert_outcomes(passed=1)
