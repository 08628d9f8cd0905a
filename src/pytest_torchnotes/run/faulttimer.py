"""faulthandler's one timer, as the session's notes hold it, kept from one note to the next.

A process has one faulthandler timer (``faulthandler.dump_traceback_later``), the hard limit
of a note's blocks (:mod:`.watchdog`). Arming it starts a thread; cancelling it wakes that
thread and waits for it to end. Armed at a note's first block and cancelled when the note
is over, it cost a thread's start and join at every note: tens of microseconds on an idle
machine, milliseconds of waiting for a core on a busy one.

So when the next item is a note with nothing but pytest's and the plugin's code before it,
the note that is over leaves the timer armed (:meth:`HeldTimer.release`) and the next note
takes it at its first block (:meth:`HeldTimer.take`), which keeps it while it allows the
block its limit and grace. Between the two notes no block runs, and the timer must not end
the session there (a pager that stopped reading, a slow report): it is left armed only with
:data:`KEEP_FOR` seconds or more of it to come, and the session's alarm thread
(:mod:`.alarms`) cancels it :data:`IDLE` seconds after the note ended unless a note took it.

Whether faulthandler still holds the session's arming is read, not assumed: the timer is
armed with a file object of the session's own (:class:`_Token`), which faulthandler keeps
while that timer is armed and lets go of when anybody cancels it or arms it again (a note
through faulthandler's functions bound before the plugin's wrappers, or pytest's
``faulthandler_timeout``): the token's reference count tells.
"""

from __future__ import annotations

import _thread
import faulthandler
import sys
import time

from pytest_torchnotes.run import alarms

#: faulthandler's timer functions as the interpreter has them: while a note runs, the
#: module's are wrappers that tell the :class:`.watchdog.Watchdog` its timer was replaced.
DUMP_LATER = faulthandler.dump_traceback_later
CANCEL_DUMP = faulthandler.cancel_dump_traceback_later

#: Bound at import: the alarm thread calls them while a note may have replaced the modules'.
MONOTONIC = time.monotonic
REFCOUNT = sys.getrefcount

#: Seconds after a note ended at which the timer it left armed is cancelled, when no note
#: took it: notes that follow one another take it within milliseconds.
IDLE = 1.0

#: Seconds of the timer that must be left when a note ends for it to stay armed: the alarm
#: thread cancels it at :data:`IDLE` (and up to :data:`.alarms.PERIOD` later), long before.
KEEP_FOR = 5.0


class _Token:
    """What faulthandler is given as the file it writes to: it asks for the descriptor once,
    when armed, and keeps the object until the timer is cancelled or armed again."""

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd

    def flush(self) -> None:
        """Nothing is buffered: faulthandler writes to the descriptor itself."""


class HeldTimer:
    """faulthandler's timer as the session's notes armed it; one a session (the runner's)."""

    def __init__(self) -> None:
        #: When the timer fires (:func:`time.monotonic`), while it is the session's.
        self.deadline: float | None = None
        self._token: _Token | None = None
        #: The token's reference count without faulthandler's.
        self._unheld = 0
        #: Whether the timer waits, armed, for the next note (:meth:`release`).
        self._idle = False
        #: Taken by the alarm thread too: a note takes the timer or it is cancelled, not both.
        self._lock = _thread.allocate_lock()

    def holds(self) -> bool:
        """Whether faulthandler's timer is still the one the session armed last."""
        return self._token is not None and REFCOUNT(self._token) > self._unheld

    def arm(self, seconds: float, file: int) -> None:
        """Arm faulthandler's timer to dump every thread to ``file`` and end the process."""
        with self._lock:
            self._idle = False
            self._token = _Token(file)
            self._unheld = REFCOUNT(self._token)
            self.deadline = MONOTONIC() + seconds
            DUMP_LATER(seconds, exit=True, file=self._token)

    def cancel(self) -> None:
        """Cancel faulthandler's timer, whoever armed it last."""
        with self._lock:
            self._forget()
            CANCEL_DUMP()

    def close(self) -> None:
        """The session is over: cancel the timer if it is still the session's."""
        with self._lock:
            if self.holds():
                CANCEL_DUMP()
            self._forget()

    def take(self, file: int) -> float | None:
        """A note's first block: the deadline of the timer the note before left armed, now
        this note's, when faulthandler still holds it and writes to ``file``; else ``None``
        (and a timer of the session's writing elsewhere is cancelled)."""
        with self._lock:
            self._idle = False
            if self._token is None:
                return None
            if self.holds():
                if self._token.fd == file:
                    return self.deadline
                CANCEL_DUMP()
            self._forget()
            return None

    def release(self) -> bool:
        """The note that holds the timer is over and a note follows at once: leave the timer
        armed for it, when :data:`KEEP_FOR` seconds or more of it are left and the alarm
        thread runs to cancel it :data:`IDLE` seconds from now. Whether it was left armed;
        if not, the caller cancels it."""
        with self._lock:
            now = MONOTONIC()
            if self.deadline is None or self.deadline - now < KEEP_FOR or not self.holds():
                return False
            if not alarms.call_at(now + IDLE, self._cancel_if_idle):
                return False
            self._idle = True
            return True

    def _cancel_if_idle(self) -> None:
        """Called in the alarm thread :data:`IDLE` seconds after :meth:`release`."""
        with self._lock:
            if not self._idle:
                return  # a note took it
            if self.holds():
                CANCEL_DUMP()
            self._forget()

    def _forget(self) -> None:
        self._idle = False
        self._token = None
        self.deadline = None
