"""The hard limit of a block stuck in C code: faulthandler's watchdog, shared with pytest.

:mod:`faulthandler`'s watchdog (``faulthandler.dump_traceback_later``) is the one time limit
that needs no interpreter. A process has one, and pytest's ``faulthandler_timeout`` arms it
too: faulthandler has no way to ask what its watchdog is set to, so pytest's setting is taken
from its configuration (:class:`Faulthandler`). While a block with a time limit runs, the
watchdog holds the block's hard limit and pytest's dump is written from Python at its time;
after the block it is armed again for what remains. The hard limit's timer is held through
:mod:`.faulttimer`, which may keep it armed from one note to the next.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pytest_torchnotes.run import faulttimer
from pytest_torchnotes.run.faulttimer import HeldTimer

#: ``os._exit`` as the interpreter has it (a note's ``os._exit`` is patched while it runs).
EXIT = os._exit

#: Shortest delay given to a timer whose time has come (``0`` would disarm it).
DUE = 0.001

#: Standard error's descriptor, where the hard limit writes when ``sys.__stderr__`` is closed.
STDERR = 2

#: Seconds a block may stay in C code past its time limit before the process is stopped.
HARD_LIMIT_GRACE = 10.0


def hard_limit_grace() -> float:
    """:data:`HARD_LIMIT_GRACE`, or the ``TORCHNOTES_HARD_LIMIT_GRACE`` environment variable."""
    try:
        return float(os.environ.get("TORCHNOTES_HARD_LIMIT_GRACE", HARD_LIMIT_GRACE))
    except ValueError:
        return HARD_LIMIT_GRACE


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
            faulttimer.DUMP_LATER(remaining, exit=self.exit, file=self.file)

    def dump(self) -> None:
        """What faulthandler's watchdog would do at the deadline, done from Python."""
        faulthandler.dump_traceback(file=self.file, all_threads=True)
        if self.exit:
            EXIT(1)


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
    :meth:`disarm` when the note is over: pytest's own timer is armed again. The timer is
    ``held``'s, the session's (:mod:`.faulttimer`): a note may find it armed by the note
    before, and leave it armed for the next.
    """

    def __init__(
        self,
        grace: float | None = None,
        pytest: Faulthandler | None = None,
        held: HeldTimer | None = None,
    ) -> None:
        self.grace = hard_limit_grace() if grace is None else grace
        self.deadline: float | None = None
        self.held = HeldTimer() if held is None else held
        #: Whether the timer the note before left armed was looked for (at the first block).
        self._taken = False
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
        try:
            return stream.fileno() if stream is not None else None
        except ValueError:  # closed: a note's code that reached it
            return STDERR

    def cover(self, seconds: float | None) -> None:
        """Make sure the watchdog allows a block that starts now ``seconds`` plus grace."""
        file = self.file
        if not self._taken:
            self._taken = True
            if self.deadline is None and not self.replaced_by_note and file is not None:
                self.deadline = self.held.take(file)
        if not seconds or file is None:
            self.disarm()
            return
        allowed = seconds + self.grace
        now = time.monotonic()
        if self.deadline is not None and now + allowed <= self.deadline and self.held.holds():
            return  # armed by this note or the one before, and not cancelled since
        due = self.pytest_dump_due()
        if self.deadline is None and due is not None and due <= now:
            self.pytest_due = False  # pytest's own timer held faulthandler, and has fired
        self.held.arm(2 * allowed, file)
        self.deadline = now + 2 * allowed
        self.replaced_by_note = False

    def replaced(self) -> None:
        """The note armed or cancelled faulthandler's timer: ours is armed again before the
        next block with a limit, and cancelled when the note is over."""
        self.deadline = None
        self.replaced_by_note = True

    def keep(self) -> bool:
        """Arm the hard limit again for what is left of it, after the note cancelled
        faulthandler's timer while ours held it: the note had no timer of its own to cancel,
        and a block that also ignores ``SIGALRM`` would otherwise never be stopped. Whether
        it was armed again."""
        file, deadline = self.file, self.deadline
        if file is None or deadline is None or self.replaced_by_note:
            return False
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.held.arm(left, file)
        return True

    def pytest_dump_due(self) -> float | None:
        """When pytest's ``faulthandler_timeout`` dump is due, if it is still to come."""
        return self.pytest.deadline if self.pytest_due and self.pytest is not None else None

    def dump_for_pytest(self) -> None:
        self.pytest_due = False
        if self.pytest is not None:
            self.pytest.dump()

    def disarm(self, *, keep: bool = False) -> None:
        """Cancel the hard limit; with ``keep`` (a note follows at once) it may be left armed
        for that note instead (:meth:`.HeldTimer.release`), unless pytest's
        ``faulthandler_timeout`` shares faulthandler's timer or the note replaced it."""
        if self.deadline is None and not self.replaced_by_note:
            if not keep:
                self.held.close()  # one the note before left armed, that no block took
            return
        shared = self.pytest is not None and self.pytest.deadline is not None
        if keep and not shared and not self.replaced_by_note and self.held.release():
            self.deadline = None
            return
        self.held.cancel()
        self.deadline = None
        self.replaced_by_note = False
        due = self.pytest_dump_due()
        if due is not None and self.pytest is not None:
            self.pytest.rearm()
            self.pytest_due = due > time.monotonic()  # else it fires right away

    @contextmanager
    def watching_faulthandler(self) -> Iterator[None]:
        """While a note runs, its own calls of ``faulthandler.dump_traceback_later`` and
        ``cancel_dump_traceback_later`` do what they say, and the hard limit is armed again
        before the next block with a time limit."""
        module: Any = faulthandler
        saved = module.dump_traceback_later, module.cancel_dump_traceback_later
        watchdog = self

        def dump_traceback_later(*args: Any, **kwargs: Any) -> None:
            faulttimer.DUMP_LATER(*args, **kwargs)
            watchdog.replaced()

        def cancel_dump_traceback_later() -> None:
            faulttimer.CANCEL_DUMP()
            if not watchdog.keep():
                watchdog.replaced()

        module.dump_traceback_later = _like(dump_traceback_later, faulttimer.DUMP_LATER)
        module.cancel_dump_traceback_later = _like(
            cancel_dump_traceback_later, faulttimer.CANCEL_DUMP
        )
        try:
            yield
        finally:
            module.dump_traceback_later, module.cancel_dump_traceback_later = saved


def _like(wrapper: Callable[..., None], original: Any) -> Callable[..., None]:
    wrapper.__name__ = original.__name__
    wrapper.__doc__ = original.__doc__
    return wrapper
