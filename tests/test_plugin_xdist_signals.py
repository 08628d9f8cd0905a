"""End to end: a block that signals the pytest-xdist controller, or every process.

In a subprocess: under a regression the signal ends that run's controller, not this one.
"""

from __future__ import annotations

import os
import signal

import pytest

from pytest_torchnotes.run import selfsignal
from tests.conftest import WriteNote


def test_a_block_that_signals_the_xdist_controller_fails_and_the_session_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The controller, the worker's parent, ended with SIGTERM: no report of any note
    # and exit status 143.
    write_note("```python\nimport os, signal\nos.kill(os.getppid(), signal.SIGTERM)\n```\n", "a.md")
    write_note("```python\nprint('next note')\n=== output ===\nnext note\n```\n", "b.md")
    result = pytester.runpytest_subprocess(
        "-p", "xdist", "-n", "1", "-p", "no:randomly", timeout=120
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/a.md:1: block 1: the block raised *SignalledItself: the block sent SIGTERM "
            "to the pytest-xdist controller (pid *, the parent of this worker), which runs the "
            "whole session: the signal was not sent and the session goes on (exception)"
        ]
    )


def test_only_a_worker_has_a_controller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(selfsignal.XDIST_WORKER, raising=False)
    assert selfsignal.xdist_controller() is None
    monkeypatch.setenv(selfsignal.XDIST_WORKER, "gw0")
    assert selfsignal.xdist_controller() is not None


def test_a_signal_to_every_process_is_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    # With a handler of its own set first, a block's os.kill(-1, SIGTERM) was sent: run as
    # root, to every process of the machine. Checked without sending anything.
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(selfsignal, "KILL", lambda pid, signum: sent.append((pid, signum)))
    guard = selfsignal.SelfSent(os.getpid())
    with pytest.raises(selfsignal.SignalledItself, match="to every process it may signal"):
        guard.kill(-1, signal.SIGTERM)
    guard.kill(-1, 0)  # asks whether any process may be signalled: sends nothing
    assert sent == [(-1, 0)]


def test_a_signal_to_the_process_that_started_pytest_is_not_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(selfsignal, "KILL", lambda pid, signum: sent.append((pid, signum)))
    monkeypatch.delenv(selfsignal.XDIST_WORKER, raising=False)
    guard = selfsignal.SelfSent(os.getpid())
    with pytest.raises(selfsignal.SignalledItself, match="to the process that started pytest"):
        guard.kill(os.getppid(), signal.SIGTERM)
    guard.kill(os.getppid(), signal.SIGCHLD)  # leaves it running: sent
    assert sent == [(os.getppid(), signal.SIGCHLD)]
