"""A thread that brings the time limit's ``SIGALRM`` to a block that blocks it.

The time limit (:mod:`.timers`) is an interval timer whose ``SIGALRM`` the kernel sends to
the process: to the main thread, or, when the main thread blocks it, to another thread
that does not. A block that blocks it (``signal.pthread_sigmask(signal.SIG_BLOCK,
{signal.SIGALRM})``, through ``ctypes`` too) and then loops in Python would never see its
limit: only the hard limit (:mod:`.watchdog`) would end it, with the whole process.

So the process keeps one thread, with every signal blocked, that wakes every
:data:`PERIOD` seconds. Once the time limit is past (:func:`expect`) and a ``SIGALRM`` is
pending for the process, which the main thread then blocks, it takes the signal and marks
it pending for the main thread (:func:`_thread.interrupt_main`): CPython looks at it when
the main thread next takes the interpreter's lock, and the handler runs there at its next
bytecode, as for a signal it took itself. A block that sleeps or waits in C with the signal
blocked is still left to the hard limit.

The thread never takes a ``SIGALRM`` before the limit: code that blocks it to wait for its
own alarm (:func:`signal.sigwait`, :func:`signal.sigpending`) finds it pending, as in any
process. Open to the signal, the thread took it, ran the handler despite the block, and
``sigwait`` waited for ever.

A block may also keep the limit's handler from running without blocking the signal: it
cancels the timer (``signal.alarm(0)``, ``signal.setitimer(signal.ITIMER_REAL, 0)``), sets
a later one of its own, ignores ``SIGALRM`` or handles it itself. Then no ``SIGALRM`` is
pending, and the limit has not been brought :data:`OVERDUE` seconds after it is due: the
thread calls what the time limit gave with its deadline (:func:`expect`), which brings it
another way (:mod:`.timers`).

The thread also calls, once, what :func:`call_at` gives it at the time given (the hard
limit's timer cancelled when no note took it, :mod:`.faulttimer`).

The thread is started with :mod:`_thread`, not :mod:`threading`: it is the session's, never
a note's thread left running, and pytest does not wait for it at exit.
"""

from __future__ import annotations

import _thread
import io
import os
import signal
import time
from collections.abc import Callable
from contextlib import suppress as _suppress

#: Seconds between two wakings of the thread: how late a block that blocks ``SIGALRM``
#: sees its time limit at most.
PERIOD = 0.25

_started = False


#: Seconds past the limit after which the limit not yet brought is brought another way:
#: the timer's own ``SIGALRM`` has had time to arrive, and the thread time to take it.
OVERDUE = 2 * PERIOD

#: When the running time limit is past (:func:`time.monotonic`), or ``None``.
_due: float | None = None

#: What brings the limit when it is :data:`OVERDUE`; called in the thread.
_overdue: Callable[[], None] | None = None

#: Held while the deadline changes and while the thread brings an overdue limit: a limit
#: that ends (``expect(None)``) is never brought after.
_changing = _thread.RLock()

#: What the thread calls once at a time of its own (:func:`call_at`): ``(when, function)``.
_later: tuple[float, Callable[[], None]] | None = None


def expect(deadline: float | None, overdue: Callable[[], None] | None = None) -> None:
    """From ``deadline`` (:func:`time.monotonic`) on, a ``SIGALRM`` pending is the time
    limit's, and :data:`OVERDUE` seconds later ``overdue`` is called (in the thread) while
    no new deadline was expected; ``None``: no limit runs."""
    global _due, _overdue
    with _changing:
        _due, _overdue = deadline, overdue


#: What the thread calls, taken when the session starts: a block may replace the module
#: attributes (``time.monotonic = None``) while the thread runs.
_monotonic = time.monotonic
_sigpending = signal.sigpending
_sigtimedwait = signal.sigtimedwait
_interrupt_main = _thread.interrupt_main
_SIGALRM = signal.SIGALRM
_open = io.open
_int = int


def _receive(lock: _thread.LockType) -> None:
    wait = lock.acquire
    while True:
        wait(timeout=PERIOD)  # never released
        later = _later
        if later is not None and _monotonic() >= later[0]:
            _call(later)
        due = _due
        try:
            if due is None or _monotonic() < due:
                continue
            if _SIGALRM in _sigpending() and _sigtimedwait({_SIGALRM}, 0) is not None:
                _interrupt_main(_SIGALRM)
            elif _monotonic() >= due + OVERDUE:
                with _changing:
                    if _due == due and _overdue is not None:
                        _overdue()
        except Exception:  # pragma: no cover - the session's thread outlives any failure
            pass


def _call(later: tuple[float, Callable[[], None]]) -> None:
    global _later
    if _later is not later:  # replaced meanwhile: the new one's time counts
        return
    _later = None
    with _suppress(Exception):  # the session's thread outlives any failure
        later[1]()


def call_at(when: float, function: Callable[[], None]) -> bool:
    """Have the thread call ``function`` once, at ``when`` (:func:`time.monotonic`) or up to
    :data:`PERIOD` seconds later, in place of what an earlier call gave it; whether the
    thread runs to call it (it is started by the first block with a time limit)."""
    global _later
    if not _started:
        return False
    _later = (when, function)
    return True


def blocks_alarm(native_id: int) -> bool:
    """Whether the thread ``native_id`` of this process blocks ``SIGALRM``, read from
    ``/proc`` (a thread's mask cannot be read from another); where it cannot be read,
    ``True``.

    >>> import threading
    >>> blocks_alarm(threading.get_native_id())
    False
    """
    try:
        with _open(f"/proc/self/task/{native_id}/status", "rb") as status:
            for line in status:
                if line.startswith(b"SigBlk:"):
                    return bool(_int(line.split()[1], 16) >> (_SIGALRM - 1) & 1)
    except (OSError, ValueError):
        pass
    return True


def _forked() -> None:
    """A forked child has no thread but the one that forked."""
    global _started
    _started = False


if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=_forked)


def start_receiver() -> bool:
    """Start the thread that brings ``SIGALRM`` to a main thread that blocks it, once per
    process; whether it runs."""
    global _started
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not on POSIX
        return False
    if not _started:
        lock = _thread.allocate_lock()
        lock.acquire()
        # Started with every signal blocked, as it stays: a new thread takes the mask of
        # the thread that starts it, and would be open to them until it set its own.
        mask = signal.pthread_sigmask(signal.SIG_SETMASK, signal.valid_signals())
        try:
            _thread.start_new_thread(_receive, (lock,))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _started = True
    return True
