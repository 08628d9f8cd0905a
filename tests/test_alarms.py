"""The time limit's ``SIGALRM`` reaches a block that blocks it in the main thread."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from pytest_torchnotes.run.alarms import PERIOD, expect, start_receiver
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
        expect(began + 0.05)
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with pytest.raises(Stopped):
            _spin(began + 5)
    finally:
        expect(None)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - began < 0.05 + 4 * PERIOD


#: Code that blocks ``SIGALRM`` to wait for its own alarm, in a process with the session's
#: thread and no other (torch's threads, open to every signal, would take it themselves).
OWN_ALARM = """
import signal, time
from pytest_torchnotes.run.alarms import PERIOD, start_receiver
assert start_receiver()
ran = []
signal.signal(signal.SIGALRM, lambda signum, frame: ran.append(signum))
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
signal.setitimer(signal.ITIMER_REAL, 0.01)
time.sleep(0.05 + 2 * PERIOD)
print(sorted(signal.sigpending()), signal.sigtimedwait({signal.SIGALRM}, 1).si_signo, ran)
"""


def test_a_sigalrm_of_the_code_s_own_that_it_blocks_stays_pending_for_it() -> None:
    """Code that blocks ``SIGALRM`` to wait for its own alarm (``sigwait``, ``sigpending``)
    finds it pending, as without the session's thread: the thread took it and ran the
    handler, and ``sigwait`` waited for ever."""
    done = subprocess.run(
        [sys.executable, "-c", OWN_ALARM], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == f"[<Signals.SIGALRM: {signal.SIGALRM.value}>] {signal.SIGALRM.value} []\n"


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


def test_the_thread_calls_nothing_a_block_may_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    """A block that replaces ``time.monotonic`` or ``signal.sigpending`` while the thread
    runs: the thread went on calling the module's attributes, failed in its next waking,
    and the failure was reported as an error of whatever note ran then."""
    failures: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", failures.append)
    assert start_receiver()
    expect(0.0)  # past: every waking looks for a pending SIGALRM
    try:
        monkeypatch.setattr(time, "monotonic", None)
        monkeypatch.setattr(signal, "sigpending", None)
        time.sleep(3 * PERIOD)
    finally:
        expect(None)
    assert failures == []


#: Blocks that keep the limit's handler from running without blocking its signal, each
#: spinning or sleeping in Python far past its limit.
PUT_OFF = {
    "cancelled": "signal.alarm(0)\nt = time.monotonic()\nwhile time.monotonic() - t < 30:\n"
    "    time.sleep(0.05)",
    "cancelled-asleep": "signal.setitimer(signal.ITIMER_REAL, 0)\ntime.sleep(30)",
    "a-later-timer": "signal.alarm(1000)\nwhile True:\n    pass",
    "ignored": "signal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass",
    "handled": "signal.signal(signal.SIGALRM, lambda *a: print('mine'))\nsignal.alarm(1)\n"
    "while True:\n    time.sleep(0.05)",
    "cancelled-and-blocked": "signal.alarm(0)\n"
    "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\nwhile True:\n    pass",
}


@pytest.mark.parametrize("code", PUT_OFF.values(), ids=list(PUT_OFF))
def test_a_block_that_puts_off_the_limit_s_signal_fails_at_its_limit_and_the_session_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    # The block ran on until the hard limit ended the whole process (a serial run), and no
    # later block or note ran.
    write_note(
        f"```python\nimport signal, time\n{code}\n```\n\n"
        "```python\nprint('block 2')\n=== output ===\nblock 2\n```\n",
        "a.md",
    )
    write_note("```python\nprint('b')\n=== output ===\nb\n```\n", "b.md")
    monkeypatch.setenv("TORCHNOTES_HARD_LIMIT_GRACE", "4")
    began = time.monotonic()
    result = pytester.runpytest_subprocess(
        "--torchnotes-timeout=1", "-p", "no:randomly", timeout=60
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["notes/a.md:1: block 1: the block did not finish within 1 s * (timeout)"]
    )
    assert "3 blocks: 2 verified, 1 failed (1 timeout)" in result.stdout.str()
    assert time.monotonic() - began < 30


def test_a_block_stopped_past_its_ignored_signal_under_a_trace_function_lets_the_session_go_on(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under coverage or a debugger the session went round one instruction for ever after
    # the block, until the hard limit ended it: the exception set for the block was
    # cleared in a way that leaves CPython's eval breaker set.
    write_note(
        f"```python\nimport signal, time\n{PUT_OFF['ignored']}\n```\n\n"
        "```python\nprint('block 2')\n=== output ===\nblock 2\n```\n",
        "a.md",
    )
    pytester.makeconftest("import sys\nsys.settrace(lambda *args: None)\n")
    monkeypatch.setenv("TORCHNOTES_HARD_LIMIT_GRACE", "4")
    result = pytester.runpytest_subprocess(
        "--torchnotes-timeout=1", "-p", "no:randomly", timeout=60
    )
    result.assert_outcomes(failed=1)
    assert "2 blocks: 1 verified, 1 failed (1 timeout)" in result.stdout.str()
