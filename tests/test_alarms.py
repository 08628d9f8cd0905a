"""The time limit's ``SIGALRM`` reaches a block that blocks it in the main thread."""

from __future__ import annotations

import signal
import time
from typing import Any

import pytest

from pytest_torchnotes.run.alarms import PERIOD, start_receiver
from tests.conftest import WriteNote


class Stopped(Exception):
    pass


def _stop(signum: int, frame: Any) -> None:
    raise Stopped


def _spin(until: float) -> None:
    while time.monotonic() < until:
        pass


def test_a_loop_with_sigalrm_blocked_is_interrupted_by_its_timer() -> None:
    assert start_receiver()
    previous = signal.signal(signal.SIGALRM, _stop)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    began = time.monotonic()
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with pytest.raises(Stopped):
            _spin(began + 5)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - began < 0.05 + 4 * PERIOD


def test_a_block_that_blocks_sigalrm_fails_at_its_limit_and_the_session_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The alarm never came: the hard limit ended the whole process, and no later note ran.
    write_note(
        "```python\nimport signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
        "while True:\n    pass\n```\n\n```python\nprint('block 2')\n=== output ===\nblock 2\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport signal\nprint(signal.pthread_sigmask(signal.SIG_BLOCK, []))\n"
        "=== output ===\nset()\n```\n",
        "b.md",
    )
    monkeypatch.setenv("TORCHNOTES_HARD_LIMIT_GRACE", "3")
    result = pytester.runpytest_subprocess(
        "--torchnotes-timeout=0.5", "-p", "no:randomly", timeout=60
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["notes/a.md:1: block 1: the block did not finish within 0.5 s * (timeout)"]
    )
