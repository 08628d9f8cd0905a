"""Time limits of blocks, sharing the process's two timers with whoever set them first.

A block's time limit uses two things a process has one of each: the interval timer
(``ITIMER_REAL``, which sends ``SIGALRM``) and :mod:`faulthandler`'s watchdog
(``faulthandler.dump_traceback_later``). Others use them too: pytest-timeout arms the
interval timer for the whole test, pytest's ``faulthandler_timeout`` arms the watchdog. A
note's limits never take them over:

- the interval timer someone else set keeps its time: it fires at the earliest of its own
  deadline and the block's, and its ``SIGALRM`` handler is called at its deadline (when
  that handler raises, as pytest-timeout's does, the note stops and the exception ends
  the test); between blocks it runs as it was set;
- faulthandler's watchdog holds the block's hard limit while it runs, and pytest's setting
  again after it (:mod:`.watchdog`).
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]
import _thread
import ctypes
import faulthandler
import os
import signal
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from pytest_torchnotes.run import storewaits, timerview
from pytest_torchnotes.run.alarms import blocks_alarm, expect, start_receiver
from pytest_torchnotes.run.faulttimer import HeldTimer
from pytest_torchnotes.run.spawned import SpawnedProcess, boot_clock, spawned_since
from pytest_torchnotes.run.watchdog import DUE, EXIT, Faulthandler, Watchdog

#: What the time limit calls while a block runs (its ``SIGALRM`` handler, its thread), bound
#: at import: a block that replaces ``time.monotonic`` or ``signal.setitimer`` still stops at
#: its limit.
MONOTONIC = time.monotonic
SETITIMER = signal.setitimer
SIGNAL = signal.signal
GETSIGNAL = _signal.getsignal  # without the Enum that signal.getsignal makes of SIG_DFL
WRITE = os.write
GET_IDENT = threading.get_ident
PTHREAD_KILL = signal.pthread_kill
INTERRUPT_MAIN = _thread.interrupt_main
SET_ASYNC_EXC = ctypes.pythonapi.PyThreadState_SetAsyncExc


def _absorb_pending_timeout() -> None:
    """Raise here, and drop, a :class:`BlockTimeout` set for this thread by
    ``PyThreadState_SetAsyncExc`` and not raised yet (the block ended first).

    It is not cleared with ``PyThreadState_SetAsyncExc(id, NULL)``: that call signals the
    interpreter's eval breaker and nothing unsignals it, so with a trace function set
    (coverage, a debugger) CPython 3.11 went round the next function call's first
    instruction for ever, until the hard limit ended the session. A pending asynchronous
    exception is raised at the next backward jump of the loop below.

    >>> _absorb_pending_timeout()
    """
    try:
        for _ in range(8):
            pass
    except BlockTimeout:
        pass


class BlockTimeout(BaseException):
    """Raised inside a block that ran past its time limit."""


@dataclass(frozen=True)
class OuterTimer:
    """The interval timer someone else (pytest-timeout) set before a block, and its handler."""

    deadline: float
    interval: float
    handler: Any

    def call(self, signum: int, frame: Any) -> None:
        """Do what the ``SIGALRM`` would have done without the block's limit."""
        handler = self.handler
        if callable(handler):
            handler(signum, frame)
        elif handler == signal.SIG_DFL:  # the process ends, as it would have
            SIGNAL(signal.SIGALRM, signal.SIG_DFL)
            SETITIMER(signal.ITIMER_REAL, 0)
            signal.raise_signal(signal.SIGALRM)


class TimeLimit:
    """Raises :class:`BlockTimeout` in a block that runs past its limit; one per note.

    In the main thread a ``SIGALRM`` timer also interrupts sleeps and blocking calls; its
    handler is installed at the first timed block and put back by :meth:`close` (a block
    that replaces it gets it back at the next block), or after each block when someone
    else's interval timer runs. In other threads the exception is delivered between
    bytecodes. Code stuck in C is left to the :class:`Watchdog`.

    A block that catches :class:`BlockTimeout` and goes on is given half the watchdog's
    grace; then the process ends, after writing to the terminal which block did not stop, its
    limit, and every thread's traceback.
    """

    def __init__(self, pytest: Faulthandler | None = None, held: HeldTimer | None = None) -> None:
        self.watchdog = Watchdog(pytest=pytest, held=held)
        self._main = threading.current_thread() is threading.main_thread() and hasattr(
            signal, "setitimer"
        )
        self._ident = GET_IDENT()
        self._native_id = threading.get_native_id()
        #: Whether :meth:`_overdue` set an exception for the main thread, not yet raised
        #: when the block ended: :meth:`stop` takes it back.
        self._injected = False
        self._previous: Any = None
        self._installed = False
        self._seconds = 0.0
        self._deadline = 0.0
        self._expired = False
        self._where = ""
        self._outer: OuterTimer | None = None
        #: What the outer timer's handler raised in the block: it ends the test.
        self.outer_error: BaseException | None = None
        self._timer: threading.Timer | None = None
        #: When the running block began (:func:`spawned.boot_clock`), and the processes it
        #: had started the spawn way when it ran past its limit.
        self._began = 0.0
        self.spawned: list[SpawnedProcess] = []

    def _expire(self, signum: int, frame: Any) -> None:
        now = MONOTONIC()
        outer = self._outer
        if outer is not None and now >= outer.deadline - DUE:
            self._outer = (
                OuterTimer(now + outer.interval, outer.interval, outer.handler)
                if outer.interval
                else None
            )
            self._arm(now)
            try:
                outer.call(signum, frame)
            except BaseException as error:
                self.outer_error = error
                raise
            return
        due = self.watchdog.pytest_dump_due()
        if due is not None and now >= due - DUE:
            self.watchdog.dump_for_pytest()
        if self._seconds and now >= self._deadline - DUE:
            if self._expired:
                self._end_process()
            self._expired = True
            self._deadline = now + self.watchdog.grace / 2  # before the watchdog fires
            self._arm(now)
            self.spawned = spawned_since(self._began)
            raise BlockTimeout(self._seconds)
        self._arm(now)

    def _overdue(self) -> None:
        """The limit is past and its handler has not run (called in :mod:`.alarms`'
        thread): the block cancelled the timer (``signal.alarm(0)``), set a later one,
        ignores ``SIGALRM`` or handles it itself. With the handler in place the signal is
        sent to the main thread as the timer would have (a sleep is broken off); without
        it, :class:`BlockTimeout` is raised in the main thread at its next bytecode, as in
        a block of another thread."""
        if GETSIGNAL(signal.SIGALRM) == self._expire:
            if blocks_alarm(self._native_id):  # pending there, it would outlive the note
                INTERRUPT_MAIN(signal.SIGALRM)
            else:
                PTHREAD_KILL(self._ident, signal.SIGALRM)
            return
        # Set again while the block goes on: whether it caught the exception or has not
        # reached a bytecode yet (asleep) cannot be told, so the watchdog ends a block that
        # holds on, not the "caught" message of _expire.
        self._expired = True
        self._deadline = MONOTONIC() + self.watchdog.grace / 2
        expect(self._deadline, self._overdue)
        self._injected = True
        self._expire_thread(self._ident)

    def _end_process(self) -> None:
        """The block caught :class:`BlockTimeout` and did not stop within the grace."""
        file = self.watchdog.file
        if file is not None:
            message = (
                f"\n{self._where}: did not stop within its time limit of {self._seconds:g} s "
                f"(it caught the exception that stops it, and ran {self.watchdog.grace / 2:g} s "
                "more): the process ends (see the timeout directive)\n"
            )
            WRITE(file, message.encode("utf-8", errors="replace"))
            faulthandler.dump_traceback(file=file, all_threads=True)
        EXIT(1)

    def _arm(self, now: float) -> None:
        expect(self._deadline if self._seconds else None, self._overdue)
        deadlines = [self._deadline] if self._seconds else []
        if self._outer is not None:
            deadlines.append(self._outer.deadline)
        due = self.watchdog.pytest_dump_due()
        if due is not None:
            deadlines.append(due)
        if deadlines:
            SETITIMER(signal.ITIMER_REAL, max(min(deadlines) - now, DUE))

    def start(self, seconds: float | None, where: str = "the block") -> None:
        self.watchdog.cover(seconds)
        if not seconds:
            return
        self._seconds = seconds
        self._where = where
        self._began = boot_clock()
        self.spawned = []
        ends = MONOTONIC() + seconds
        storewaits.install()
        storewaits.lend(lambda: ends - MONOTONIC())
        if not self._main:
            target = GET_IDENT()
            self._timer = threading.Timer(seconds, self._expire_thread, (target,))
            self._timer.start()
            return
        start_receiver()  # the signal still comes when the block blocks it
        timerview.install()
        if GETSIGNAL(signal.SIGALRM) != self._expire:
            previous = SIGNAL(signal.SIGALRM, self._expire)
            if not self._installed:
                self._previous, self._installed = previous, True
        now = MONOTONIC()
        self._deadline = now + seconds
        expect(self._deadline, self._overdue)
        self._expired = False
        remaining, interval = SETITIMER(signal.ITIMER_REAL, seconds)
        if remaining > 0:  # someone else's timer: it keeps its time
            self._outer = OuterTimer(now + remaining, interval, self._previous)
        timerview.lend(self._seen_by_block)
        if self._outer is not None or self.watchdog.pytest_dump_due() is not None:
            self._arm(now)

    def _seen_by_block(self) -> tuple[float, float]:
        """The interval timer as the block would read it without its limit."""
        outer = self._outer
        if outer is None:
            return 0.0, 0.0
        return max(outer.deadline - MONOTONIC(), DUE), outer.interval

    def _expire_thread(self, target: int) -> None:
        self.spawned = spawned_since(self._began)
        SET_ASYNC_EXC(ctypes.c_ulong(target), ctypes.py_object(BlockTimeout))

    def stop(self) -> None:
        expect(None)
        timerview.lend(None)
        storewaits.lend(None)
        if self._injected:  # never raised into the session's code after the block
            self._injected = False
            if GET_IDENT() == self._ident:
                _absorb_pending_timeout()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        elif self._seconds and self._main:
            SETITIMER(signal.ITIMER_REAL, 0)
            outer = self._outer
            if outer is not None:  # give the timer back, as it was set
                self._outer = None
                SIGNAL(signal.SIGALRM, self._previous)
                self._installed = False
                remaining = max(outer.deadline - MONOTONIC(), DUE)
                SETITIMER(signal.ITIMER_REAL, remaining, outer.interval)
        self._seconds = 0.0

    def close(self, *, disarm: bool = True) -> None:
        """The note is over: put back the ``SIGALRM`` handler, disarm the watchdog. With
        ``disarm=False`` the watchdog stays armed for what the caller does next under it
        (the caller disarms it)."""
        self.stop()
        if self._installed:
            SIGNAL(signal.SIGALRM, self._previous)
            self._installed = False
        if disarm:
            self.watchdog.disarm()

    def watching_faulthandler(self) -> AbstractContextManager[None]:
        """:meth:`Watchdog.watching_faulthandler` of this note's watchdog."""
        return self.watchdog.watching_faulthandler()
