"""The second way a time limit stops a block in the main thread, for when its ``SIGALRM``
does not come: the note blocked, ignored or replaced the signal, or cancelled the interval
timer. A thread of its own raises the limit's exception in the main thread between two
bytecodes, as the limit of a block in another thread always does, soon after the limit
and well before faulthandler's watchdog ends the process. Code stuck in C is still left to
the watchdog.

One thread serves every block of the process (:class:`Watcher`): starting a thread for
each block cost about 60 us a block. Arming it for a block sets two fields under a lock,
and wakes it only when the block's limit comes before the time it already waits for, so a
run of blocks with the same limit does not wake it at all. It is started with
:mod:`_thread`, not :mod:`threading`: a note that counts or lists its threads does not see
it.
"""

from __future__ import annotations

import _thread
import contextlib
import ctypes
import math
import os
import time
from collections.abc import Callable

#: Bound at import, as the time limit's own functions are: a note may replace them.
MONOTONIC = time.monotonic
START_THREAD = _thread.start_new_thread
ALLOCATE_LOCK = _thread.allocate_lock
SET_ASYNC_EXC = ctypes.pythonapi.PyThreadState_SetAsyncExc

#: Seconds after the limit the ``SIGALRM`` has to stop the block before the thread does.
AFTER_LIMIT = 1.0


def raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in the thread ``thread_id`` at its next bytecode; ``None`` takes
    back one that has not been raised yet."""
    SET_ASYNC_EXC(
        ctypes.c_ulong(thread_id), None if exception is None else ctypes.py_object(exception)
    )


class Watcher:
    """The thread that raises the exception of the armed :class:`LateStop` at its time."""

    def __init__(self) -> None:
        self.mutex = ALLOCATE_LOCK()
        #: Released to wake the thread before the time it waits for.
        self._wake = ALLOCATE_LOCK()
        self._wake.acquire()
        self.armed: LateStop | None = None
        #: When the thread wakes next (``MONOTONIC``), infinity when it waits to be woken.
        self._planned = math.inf
        self._started = False

    def arm(self, stop: LateStop) -> None:
        with self.mutex:
            self.armed = stop
            if not self._started:
                self._started = True
                START_THREAD(self._run, ())
            elif stop.at < self._planned:
                self._planned = stop.at
                with contextlib.suppress(RuntimeError):  # woken already
                    self._wake.release()

    def _run(self) -> None:
        while True:
            with self.mutex:
                stop = self.armed
                now = MONOTONIC()
                if stop is not None and now >= stop.at:
                    self.armed = None
                    stop.fire()
                    continue
                self._planned = math.inf if stop is None else stop.at
                timeout = -1.0 if stop is None else stop.at - now
            self._wake.acquire(timeout=timeout)


_watcher = Watcher()


def _after_fork_in_child() -> None:
    """A forked child has no watcher thread: it starts its own when it arms one."""
    global _watcher
    _watcher = Watcher()


os.register_at_fork(after_in_child=_after_fork_in_child)


class LateStop:
    """One block's late stop: :meth:`stop` before ``seconds`` have passed and nothing
    happens; after, and ``fire`` is called unless the block was stopped already, then
    ``exception`` is raised in ``thread_id``."""

    def __init__(
        self,
        seconds: float,
        thread_id: int,
        exception: type[BaseException],
        fire: Callable[[], bool],
    ) -> None:
        self.at = MONOTONIC() + seconds
        self._thread_id = thread_id
        self._exception = exception
        self._fire = fire
        self._done = False
        self._raised = False
        self._watcher = _watcher
        self._watcher.arm(self)

    def fire(self) -> None:
        """Called by the watcher at :attr:`at`, holding its lock."""
        if self._done or not self._fire():
            return
        raise_in(self._thread_id, self._exception)
        self._raised = True

    def stop(self) -> None:
        """The block is over: no exception is raised in it after this returns."""
        watcher = self._watcher
        with watcher.mutex:
            self._done = True
            if watcher.armed is self:
                watcher.armed = None
            if self._raised:  # not raised yet if the block ended right then: taken back
                raise_in(self._thread_id, None)
