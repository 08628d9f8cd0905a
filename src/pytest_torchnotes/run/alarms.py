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

The thread is started with :mod:`_thread`, not :mod:`threading`: it is the session's, never
a note's thread left running, and pytest does not wait for it at exit.
"""

from __future__ import annotations

import _thread
import os
import signal
import time

#: Seconds between two wakings of the thread: how late a block that blocks ``SIGALRM``
#: sees its time limit at most.
PERIOD = 0.25

_started = False


#: When the running time limit is past (:func:`time.monotonic`), or ``None``.
_due: float | None = None


def expect(deadline: float | None) -> None:
    """From ``deadline`` (:func:`time.monotonic`) on, a ``SIGALRM`` pending is the time
    limit's; ``None``: no limit runs."""
    global _due
    _due = deadline


#: What the thread calls, taken when the session starts: a block may replace the module
#: attributes (``time.monotonic = None``) while the thread runs.
_monotonic = time.monotonic
_sigpending = signal.sigpending
_sigtimedwait = signal.sigtimedwait
_interrupt_main = _thread.interrupt_main
_SIGALRM = signal.SIGALRM


def _receive(lock: _thread.LockType) -> None:
    wait = lock.acquire
    while True:
        wait(timeout=PERIOD)  # never released
        due = _due
        try:
            if (
                due is not None
                and _monotonic() >= due
                and _SIGALRM in _sigpending()
                and _sigtimedwait({_SIGALRM}, 0) is not None
            ):
                _interrupt_main(_SIGALRM)
        except Exception:  # pragma: no cover - the session's thread outlives any failure
            pass


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
