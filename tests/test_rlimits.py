"""Resource limits a block sets for the session's process, kept to what it can live with."""

from __future__ import annotations

import os
import resource
import signal

import pytest

from pytest_torchnotes.run import rlimits
from tests.conftest import WriteNote


def test_a_lowered_hard_limit_is_kept_and_the_soft_limit_applies() -> None:
    guard = rlimits.LimitGuard(os.getpid())
    _, hard = resource.getrlimit(resource.RLIMIT_CORE)
    wanted = 0 if hard == 0 else 1
    assert guard.limits(resource.RLIMIT_CORE, (wanted, wanted)) == (wanted, hard)


def test_a_raised_or_infinite_limit_is_left_as_given() -> None:
    guard = rlimits.LimitGuard(os.getpid())
    infinite = resource.RLIM_INFINITY
    assert guard.limits(resource.RLIMIT_CORE, (0, infinite)) == (0, infinite)


def test_too_few_open_files_for_the_session_are_refused() -> None:
    guard = rlimits.LimitGuard(os.getpid())
    held = len(rlimits.open_fds())
    with pytest.raises(ValueError, match=f"RLIMIT_NOFILE 10 would leave the session.*{held}"):
        guard.limits(resource.RLIMIT_NOFILE, (10, 10))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert guard.limits(resource.RLIMIT_NOFILE, (soft, hard)) == (soft, hard)


def test_another_process_s_limits_and_bad_arguments_are_left_to_the_call() -> None:
    assert rlimits.LimitGuard(-1).limits(resource.RLIMIT_NOFILE, (10, 10)) == (10, 10)
    guard = rlimits.LimitGuard(os.getpid())
    assert guard.limits(resource.RLIMIT_NOFILE, "bad") == "bad"


def test_the_functions_and_the_file_size_signal_are_put_back() -> None:
    before = resource.setrlimit, resource.prlimit, signal.getsignal(signal.SIGXFSZ)
    guard = rlimits.LimitGuard(os.getpid())
    guard.start()
    assert signal.getsignal(signal.SIGXFSZ) == signal.SIG_IGN
    with pytest.raises(ValueError, match="refused"):
        resource.prlimit(0, resource.RLIMIT_NOFILE, (10, 10))
    assert guard.restore() == []
    assert (resource.setrlimit, resource.prlimit, signal.getsignal(signal.SIGXFSZ)) == before


def test_only_notes_that_name_the_functions_are_guarded() -> None:
    assert rlimits.names_one("resource.setrlimit(resource.RLIMIT_AS, (1, 1))")
    assert not rlimits.names_one("resource.getrlimit(resource.RLIMIT_AS)")


def test_a_block_that_limits_files_below_the_session_s_fails_and_the_session_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # With 10 descriptors the session could not capture, report or finish: pytest ended
    # with "Too many open files" and no report. A subprocess, as a regression would leave
    # the test session itself 10 descriptors.
    write_note(
        "```python\nimport resource\nresource.setrlimit(resource.RLIMIT_NOFILE, (10, 10))\n"
        "```\n\n```python\nprint('next')\n=== output ===\nnext\n```\n",
        "a.md",
    )
    write_note("```python\nprint(1)\n=== output ===\n1\n```\n", "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=60)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*notes/a.md:1: block 1: the block raised ValueError: refused: RLIMIT_NOFILE 10 would*"]
    )
    assert "rlimits.py" not in result.stdout.str()


def test_a_file_size_limit_fails_the_write_past_it_and_not_the_session(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # SIGXFSZ ended the session at its first write past the limit; with the signal ignored
    # the session's own writes to its output (a file here, as in a CI log) failed between
    # the blocks. A subprocess, as a regression would end the test session itself.
    line = "y" * 50
    write_note(
        "```python\nimport resource\nresource.setrlimit(resource.RLIMIT_FSIZE, (10, 10))\n"
        "with open('big.txt', 'w') as f:\n    f.write('x' * 100)\n```\n\n"
        f"```python\nprint('y' * 50)\n=== output ===\n{line}\n```\n",
        "a.md",
    )
    write_note("```python\nprint(1)\n=== output ===\n1\n```\n", "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=60)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*notes/a.md:1: block 1: the block raised OSError: [[]Errno 27[]] File too large*"]
    )
    assert "2 notes (1 passed, 1 failed), 3 blocks: 2 verified, 1 failed" in result.stdout.str()
