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
- faulthandler has no way to ask what its watchdog is set to, so pytest's setting is taken
  from its configuration (:class:`Faulthandler`): while a block with a time limit runs, the
  watchdog holds the block's hard limit and pytest's dump is written from Python at its
  time; after the block it is armed again for what remains.
"""

from __future__ import annotations

import ctypes
import faulthandler
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pytest_torchnotes.run.spawned import SpawnedProcess, boot_clock, spawned_since

#: faulthandler's timer functions as the interpreter has them: while a note runs, the
#: module's are wrappers that tell the :class:`Watchdog` its timer was replaced.
DUMP_LATER = faulthandler.dump_traceback_later
CANCEL_DUMP = faulthandler.cancel_dump_traceback_later

#: ``os._exit`` as the interpreter has it (a note's ``os._exit`` is patched while it runs).
EXIT = os._exit

#: Shortest delay given to a timer whose time has come (``0`` would disarm it).
DUE = 0.001

#: Seconds a block may stay in C code past its time limit before the process is stopped.
HARD_LIMIT_GRACE = 10.0


def hard_limit_grace() -> float:
    """:data:`HARD_LIMIT_GRACE`, or the ``TORCHNOTES_HARD_LIMIT_GRACE`` environment variable."""
    try:
        return float(os.environ.get("TORCHNOTES_HARD_LIMIT_GRACE", HARD_LIMIT_GRACE))
    except ValueError:
        return HARD_LIMIT_GRACE


class BlockTimeout(BaseException):
    """Raised inside a block that ran past its time limit."""


@dataclass(frozen=True)
class Faulthandler:
    """pytest's faulthandler for the running test: where its reports go (the terminal,
    whatever pytest captures) and, with ``faulthandler_timeout``, when it dumps."""

    file: int
    #: On :func:`time.monotonic`; ``None`` without ``faulthandler_timeout``.
    deadline: float | None = None
    exit: bool = False

    def rearm(self) -> None:
        """Arm faulthandler's watchdog for what remains of ``faulthandler_timeout``."""
        if self.deadline is not None:
            remaining = max(self.deadline - time.monotonic(), DUE)
            DUMP_LATER(remaining, exit=self.exit, file=self.file)

    def dump(self) -> None:
        """What faulthandler's watchdog would do at the deadline, done from Python."""
        faulthandler.dump_traceback(file=self.file, all_threads=True)
        if self.exit:
            EXIT(1)


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
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.raise_signal(signal.SIGALRM)


class Watchdog:
    """Ends the process when a block stays in C code far past its time limit.

    A ``SIGALRM`` handler written in Python runs only when the interpreter gets control
    back; code that holds on in C (a catastrophic regular expression, a deadlock, a signal
    blocked by the note) never gives it. :mod:`faulthandler`'s watchdog thread needs no
    interpreter: when it fires, it writes every thread's traceback to the terminal and
    exits (under pytest-xdist the worker is replaced and the note reported as crashed).

    Arming it starts a thread, which costs more than a small block. So it is armed with
    room for more blocks than the current one and re-armed only when a block could need a
    later deadline, or when the note replaced faulthandler's timer: a block is stopped at
    the earliest ``limit + grace`` and at the latest twice that after it started. Call
    :meth:`disarm` when the note is over: pytest's own timer is armed again.
    """

    def __init__(self, grace: float | None = None, pytest: Faulthandler | None = None) -> None:
        self.grace = hard_limit_grace() if grace is None else grace
        self.deadline: float | None = None
        self.pytest = pytest
        #: Whether pytest's ``faulthandler_timeout`` dump is still to come.
        self.pytest_due = pytest is not None and pytest.deadline is not None
        #: Whether the note itself armed or cancelled faulthandler's timer.
        self.replaced_by_note = False

    @property
    def file(self) -> int | None:
        if self.pytest is not None:
            return self.pytest.file
        stream = sys.__stderr__
        return stream.fileno() if stream is not None else None

    def cover(self, seconds: float | None) -> None:
        """Make sure the watchdog allows a block that starts now ``seconds`` plus grace."""
        file = self.file
        if not seconds or file is None:
            self.disarm()
            return
        allowed = seconds + self.grace
        now = time.monotonic()
        if self.deadline is not None and now + allowed <= self.deadline:
            return
        due = self.pytest_dump_due()
        if self.deadline is None and due is not None and due <= now:
            self.pytest_due = False  # pytest's own timer held faulthandler, and has fired
        DUMP_LATER(2 * allowed, exit=True, file=file)
        self.deadline = now + 2 * allowed
        self.replaced_by_note = False

    def replaced(self) -> None:
        """The note armed or cancelled faulthandler's timer: ours is armed again before the
        next block with a limit, and cancelled when the note is over."""
        self.deadline = None
        self.replaced_by_note = True

    def pytest_dump_due(self) -> float | None:
        """When pytest's ``faulthandler_timeout`` dump is due, if it is still to come."""
        return self.pytest.deadline if self.pytest_due and self.pytest is not None else None

    def dump_for_pytest(self) -> None:
        self.pytest_due = False
        if self.pytest is not None:
            self.pytest.dump()

    def disarm(self) -> None:
        if self.deadline is not None or self.replaced_by_note:
            CANCEL_DUMP()
            self.deadline = None
            self.replaced_by_note = False
            due = self.pytest_dump_due()
            if due is not None and self.pytest is not None:
                self.pytest.rearm()
                self.pytest_due = due > time.monotonic()  # else it fires right away


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

    def __init__(self, pytest: Faulthandler | None = None) -> None:
        self.watchdog = Watchdog(pytest=pytest)
        self._main = threading.current_thread() is threading.main_thread() and hasattr(
            signal, "setitimer"
        )
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
        now = time.monotonic()
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

    def _end_process(self) -> None:
        """The block caught :class:`BlockTimeout` and did not stop within the grace."""
        file = self.watchdog.file
        if file is not None:
            message = (
                f"\n{self._where}: did not stop within its time limit of {self._seconds:g} s "
                f"(it caught the exception that stops it, and ran {self.watchdog.grace / 2:g} s "
                "more): the process ends (see the timeout directive)\n"
            )
            os.write(file, message.encode("utf-8", errors="replace"))
            faulthandler.dump_traceback(file=file, all_threads=True)
        EXIT(1)

    def _arm(self, now: float) -> None:
        deadlines = [self._deadline] if self._seconds else []
        if self._outer is not None:
            deadlines.append(self._outer.deadline)
        due = self.watchdog.pytest_dump_due()
        if due is not None:
            deadlines.append(due)
        if deadlines:
            signal.setitimer(signal.ITIMER_REAL, max(min(deadlines) - now, DUE))

    def start(self, seconds: float | None, where: str = "the block") -> None:
        self.watchdog.cover(seconds)
        if not seconds:
            return
        self._seconds = seconds
        self._where = where
        self._began = boot_clock()
        self.spawned = []
        if not self._main:
            target = threading.get_ident()
            self._timer = threading.Timer(seconds, self._expire_thread, (target,))
            self._timer.start()
            return
        if signal.getsignal(signal.SIGALRM) != self._expire:
            previous = signal.signal(signal.SIGALRM, self._expire)
            if not self._installed:
                self._previous, self._installed = previous, True
        now = time.monotonic()
        self._deadline = now + seconds
        self._expired = False
        remaining, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
        if remaining > 0:  # someone else's timer: it keeps its time
            self._outer = OuterTimer(now + remaining, interval, self._previous)
        if self._outer is not None or self.watchdog.pytest_dump_due() is not None:
            self._arm(now)

    def _expire_thread(self, target: int) -> None:
        self.spawned = spawned_since(self._began)
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(target), ctypes.py_object(BlockTimeout)
        )

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        elif self._seconds and self._main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            outer = self._outer
            if outer is not None:  # give the timer back, as it was set
                self._outer = None
                signal.signal(signal.SIGALRM, self._previous)
                self._installed = False
                remaining = max(outer.deadline - time.monotonic(), DUE)
                signal.setitimer(signal.ITIMER_REAL, remaining, outer.interval)
        self._seconds = 0.0

    def close(self) -> None:
        """The note is over: put back the ``SIGALRM`` handler, disarm the watchdog."""
        self.stop()
        if self._installed:
            signal.signal(signal.SIGALRM, self._previous)
            self._installed = False
        self.watchdog.disarm()

    @contextmanager
    def watching_faulthandler(self) -> Iterator[None]:
        """While a note runs, its own calls of ``faulthandler.dump_traceback_later`` and
        ``cancel_dump_traceback_later`` do what they say, and the hard limit is armed again
        before the next block with a time limit."""
        module: Any = faulthandler
        saved = module.dump_traceback_later, module.cancel_dump_traceback_later
        watchdog = self.watchdog

        def dump_traceback_later(*args: Any, **kwargs: Any) -> None:
            DUMP_LATER(*args, **kwargs)
            watchdog.replaced()

        def cancel_dump_traceback_later() -> None:
            CANCEL_DUMP()
            watchdog.replaced()

        module.dump_traceback_later = _like(dump_traceback_later, DUMP_LATER)
        module.cancel_dump_traceback_later = _like(cancel_dump_traceback_later, CANCEL_DUMP)
        try:
            yield
        finally:
            module.dump_traceback_later, module.cancel_dump_traceback_later = saved


def _like(wrapper: Callable[..., None], original: Any) -> Callable[..., None]:
    wrapper.__name__ = original.__name__
    wrapper.__doc__ = original.__doc__
    return wrapper
