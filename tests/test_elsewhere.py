"""Expected lines the block wrote to stderr or raised as a warning: named in the failure."""

from __future__ import annotations

import pytest

from pytest_torchnotes.comparison.elsewhere import elsewhere_lines, written_elsewhere
from tests.conftest import WriteNote


def test_only_lines_missing_from_stdout_are_named() -> None:
    expected = "loading\nresult 1\n/tmp/ipykernel_7/1.py:2: UserWarning: slow\nresult 2"
    assert written_elsewhere(
        expected, "result 1\nresult 2", "loading\n", ["UserWarning: slow"]
    ) == [
        "loading",
        "/tmp/ipykernel_7/1.py:2: UserWarning: slow",
    ]
    assert written_elsewhere("x\ny", "x", "x\n") == []  # y went nowhere the block shows
    assert written_elsewhere("\n", "", "\n") == []


def test_a_long_line_is_cut_in_the_message() -> None:
    (line,) = elsewhere_lines(["e" * 100])
    assert "'" + "e" * 59 + "…'" in line
    assert elsewhere_lines([]) == []


def test_a_failure_names_expected_lines_written_to_stderr_or_warned(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        ```python
        import sys, warnings
        print("epoch 1", file=sys.stderr)
        warnings.warn("slow")
        print("done")
        ```

        ```output
        epoch 1
        /tmp/ipykernel_7/1.py:3: UserWarning: slow
        done
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "-epoch 1",
            "-/tmp/ipykernel_7/1.py:3: UserWarning: slow",
            " done",
            "  expected 'epoch 1' (and 1 more line) went to stderr or was raised as a warning, "
            "not printed to stdout: only stdout is compared, so leave such lines out of the "
            "expected output (a warning can be declared with "
            "<!-- torchnotes: warns CATEGORY: MESSAGE -->)",
        ]
    )


def test_a_plain_drift_says_nothing_of_stderr(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(2)\n=== output ===\n3\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert "went to stderr" not in result.stdout.str()


def test_a_progress_bar_is_named_when_the_block_drew_one_on_stderr() -> None:
    """tqdm bars as notebooks show them: the final state pasted under the output, its counts
    and rates unlike those of any run."""
    expected = (
        "epoch 1:  100%|██████████| 5/5 [00:01<00:00, 4.51it/s, loss=0.3]\n"
        "loss 0.3\n"
        "3it [00:00, 99.1it/s]"
    )
    drawn = "\repoch 1:   40%|████      | 2/5 [00:00<00:01, 2.00it/s]\r3it [00:00, 1500.12it/s]\n"
    assert written_elsewhere(expected, "loss 0.3", drawn) == [
        "epoch 1:  100%|██████████| 5/5 [00:01<00:00, 4.51it/s, loss=0.3]",
        "3it [00:00, 99.1it/s]",
    ]
    assert written_elsewhere(expected, "loss 0.3", "no bar\n") == []
    assert written_elsewhere("50% | done", "", drawn) == []
