"""What would keep the session from ending, or end it early: threads a note leaves running,
and ``os._exit``."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable


def threads_left(before: set[threading.Thread], grace: float = 0.05) -> list[str]:
    """The names of threads started since ``before`` that still run and would keep the
    process from exiting (daemon threads do not), after ``grace`` seconds to finish."""
    left = [
        thread
        for thread in threading.enumerate()
        if thread not in before and not thread.daemon and thread.is_alive()
    ]
    for thread in left:
        thread.join(grace)
    left = [thread for thread in left if thread.is_alive()]
    for thread in left:
        _let_exit_without(thread)
    return [thread.name for thread in left]


#: CPython up to 3.12 waits at exit for the lock of every non-daemon thread in the private
#: ``threading._shutdown_locks``; where that is missing, a thread cannot be let go.
CAN_DETACH_THREADS = hasattr(threading, "_shutdown_locks") and hasattr(
    threading, "_shutdown_locks_lock"
)


def _let_exit_without(thread: threading.Thread) -> None:
    """Let the interpreter exit without waiting for ``thread``, as for a daemon thread."""
    lock = getattr(thread, "_tstate_lock", None)
    if not CAN_DETACH_THREADS or lock is None:
        return
    with threading._shutdown_locks_lock:  # type: ignore[attr-defined]
        threading._shutdown_locks.discard(lock)  # type: ignore[attr-defined]
    thread._daemonic = True  # type: ignore[attr-defined]


def refusing_exit(session_pid: int) -> Callable[[int], None]:
    """An ``os._exit`` that, in the session's process, fails the block instead of ending the
    session; in a process the block forked (multiprocessing, a DataLoader worker) it ends
    that process, as it must."""

    from pytest_torchnotes.run.execute import REAL_EXIT, ProcessExit

    def _exit(status: int) -> None:
        if os.getpid() != session_pid:
            REAL_EXIT(status)
        raise ProcessExit(status)

    return _exit
