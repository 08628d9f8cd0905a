"""A thread that brings the time limit's ``SIGALRM`` to a block that blocks it.

The time limit (:mod:`.timers`) is an interval timer whose ``SIGALRM`` the kernel sends to
the process: to the main thread, or, when the main thread blocks it, to another thread
that does not. A block that blocks it (``signal.pthread_sigmask(signal.SIG_BLOCK,
{signal.SIGALRM})``, through ``ctypes`` too) and then loops in Python would never see its
limit: only the hard limit (:mod:`.watchdog`) would end it, with the whole process.

So the process keeps one thread that waits with ``SIGALRM`` open (every other signal
blocked) and wakes every :data:`PERIOD` seconds. A signal that another thread takes is
only marked pending for the main thread: CPython looks at it when the main thread next
takes the interpreter's lock, which this thread's waking makes it do. The handler then runs
in the main thread at its next bytecode, as for a signal it took itself. A block that sleeps
or waits in C with the signal blocked is still left to the hard limit.

The thread is started with :mod:`_thread`, not :mod:`threading`: it is the session's, never
a note's thread left running, and pytest does not wait for it at exit.
"""

from __future__ import annotations

import _thread
import os
import signal

#: Seconds between two wakings of the thread: how late a block that blocks ``SIGALRM``
#: sees its time limit at most.
PERIOD = 0.25

_started = False


def _receive(lock: _thread.LockType) -> None:
    others = set(signal.valid_signals()) - {signal.SIGALRM}
    signal.pthread_sigmask(signal.SIG_SETMASK, others)
    while True:
        lock.acquire(timeout=PERIOD)  # never released: each timeout takes the GIL


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
        _thread.start_new_thread(_receive, (lock,))
        _started = True
    return True
