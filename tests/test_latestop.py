"""The late stop of a block whose SIGALRM never comes (run/latestop.py), in one process."""

from __future__ import annotations

import threading
import time

import pytest

from pytest_torchnotes.run.latestop import LateStop


class Stopped(BaseException):
    pass


def _spin(until: float) -> None:
    """Python code that never waits in C, until ``until`` (on ``time.monotonic``)."""
    while time.monotonic() < until:
        pass


def test_a_block_that_ends_in_time_is_not_stopped() -> None:
    fired: list[bool] = []
    late = LateStop(10.0, threading.get_ident(), Stopped, lambda: fired.append(True) or True)
    late.stop()
    time.sleep(0.05)
    assert fired == []


def test_a_block_still_running_is_stopped_between_two_bytecodes() -> None:
    late = LateStop(0.05, threading.get_ident(), Stopped, lambda: True)
    end = time.monotonic() + 10
    with pytest.raises(Stopped):
        _spin(end)
    late.stop()
    assert time.monotonic() < end


def test_nothing_is_raised_when_the_limit_stopped_the_block_already() -> None:
    asked: list[bool] = []
    late = LateStop(0.02, threading.get_ident(), Stopped, lambda: asked.append(True) or False)
    _spin(time.monotonic() + 0.3)
    late.stop()
    assert asked == [True]


def test_what_is_not_raised_yet_when_the_block_ends_is_taken_back() -> None:
    # A thread waiting in C gets the exception only when it comes back to Python: the block
    # ended in between, and it must not get it then.
    go, raised = threading.Event(), []

    def block() -> None:
        try:
            go.wait()
            for _ in range(1000):
                pass
        except Stopped:
            raised.append(True)

    thread = threading.Thread(target=block)
    thread.start()
    fired = threading.Event()
    late = LateStop(0.01, thread.ident or 0, Stopped, lambda: fired.set() or True)
    assert fired.wait(5)
    time.sleep(0.05)  # the thread that fired is done raising
    late.stop()
    go.set()
    thread.join(5)
    assert raised == []


def test_a_shorter_limit_after_a_longer_one_stops_its_block_in_time() -> None:
    # One thread serves every block: armed for a long limit, it must not wait for that
    # limit before it stops a later block with a shorter one.
    LateStop(30.0, threading.get_ident(), Stopped, lambda: True).stop()
    late = LateStop(0.05, threading.get_ident(), Stopped, lambda: True)
    end = time.monotonic() + 10
    with pytest.raises(Stopped):
        _spin(end)
    late.stop()
    assert time.monotonic() < end - 5


def test_blocks_one_after_another_are_each_stopped_at_their_own_limit() -> None:
    for _ in range(3):
        late = LateStop(0.02, threading.get_ident(), Stopped, lambda: True)
        with pytest.raises(Stopped):
            _spin(time.monotonic() + 10)
        late.stop()
    quick = LateStop(0.02, threading.get_ident(), Stopped, lambda: True)
    quick.stop()
    time.sleep(0.1)  # nothing is raised after the block ended
