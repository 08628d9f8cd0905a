"""What would keep the session from ending, or end it early: threads a note leaves running,
and ``os._exit``."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Container


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
#: ``threading._shutdown_locks``: a thread is let go by taking its lock out.
_BY_LOCKS = hasattr(threading, "_shutdown_locks") and hasattr(threading, "_shutdown_locks_lock")
#: CPython 3.13 joins them in ``_thread._shutdown``, through handles that cannot be taken
#: out; ``threading._shutdown`` calls it by the module global ``_thread_shutdown``, which is
#: replaced by a join of the threads that were not let go.
_BY_SHUTDOWN = not _BY_LOCKS and callable(getattr(threading, "_thread_shutdown", None))
#: Whether a thread a note leaves running can be let go, or pytest waits for it at exit.
CAN_DETACH_THREADS = _BY_LOCKS or _BY_SHUTDOWN


def _join_threads_not_let_go() -> None:
    """The wait of ``threading._shutdown`` for non-daemon threads, less those let go."""
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon:
            thread.join()


#: Where ``concurrent.futures`` keeps the threads it joins at exit (``_python_exit``,
#: registered with ``threading._register_atexit``): a worker of a thread pool that is never
#: shut down, blocked in its task, would hang the process at exit however it is let go.
JOINED_AT_EXIT = (
    ("concurrent.futures.thread", "_threads_queues"),
    ("concurrent.futures.process", "_threads_wakeups"),
)


def _let_exit_without(thread: threading.Thread) -> None:
    """Let the interpreter exit without waiting for ``thread``, as for a daemon thread."""
    for module, name in JOINED_AT_EXIT:
        joined = getattr(sys.modules.get(module), name, None)
        if joined is not None:
            joined.pop(thread, None)
    if _BY_LOCKS:
        lock = getattr(thread, "_tstate_lock", None)
        if lock is None:
            return
        with threading._shutdown_locks_lock:  # type: ignore[attr-defined]
            threading._shutdown_locks.discard(lock)  # type: ignore[attr-defined]
    elif _BY_SHUTDOWN:  # pragma: no cover - Python 3.13 and later (nox -s newest)
        threading._thread_shutdown = _join_threads_not_let_go  # type: ignore[attr-defined]
    else:  # pragma: no cover - no known way on this Python
        return
    thread._daemonic = True  # type: ignore[attr-defined]


def refusing_exit(
    session_pid: int,
    in_thread: Callable[[int], None] | None = None,
    earlier: Container[threading.Thread] = (),
) -> Callable[[int], None]:
    """An ``os._exit`` that, in the session's process, fails the block instead of ending the
    session; in a process the block forked (multiprocessing, a DataLoader worker) it ends
    that process, as it must. Called in another thread of the session, it ends that thread
    and tells ``in_thread`` the status: the whole process would have ended. A thread of
    ``earlier`` (those that ran before the note: an earlier note's) only ends: the block
    that runs now is not its."""

    from pytest_torchnotes.run.execute import REAL_EXIT, REAL_GETPID, ProcessExit

    main = threading.main_thread()

    def _exit(status: int) -> None:
        if REAL_GETPID() != session_pid:
            REAL_EXIT(status)
        current = threading.current_thread()
        if in_thread is not None and current is not main and current not in earlier:
            in_thread(status)
        raise ProcessExit(status)

    return _exit
