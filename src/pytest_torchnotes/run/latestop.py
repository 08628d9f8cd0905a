"""The second way a time limit stops a block in the main thread, for when its ``SIGALRM``
does not come: the note blocked, ignored or replaced the signal, or cancelled the interval
timer. A thread of its own raises the limit's exception in the main thread between two
bytecodes, as the limit of a block in another thread always does, soon after the limit
and well before faulthandler's watchdog ends the process. Code stuck in C is still left to
the watchdog.

The thread is started with :mod:`_thread`, not :mod:`threading`: a note that counts or
lists its threads does not see it.
"""

from __future__ import annotations

import _thread
import ctypes
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
        self._thread_id = thread_id
        self._exception = exception
        self._fire = fire
        self._ended = ALLOCATE_LOCK()
        self._ended.acquire()
        #: Held while the exception is raised, so that :meth:`stop` knows whether it was.
        self._state = ALLOCATE_LOCK()
        self._done = False
        self._raised = False
        START_THREAD(self._wait, (seconds,))

    def _wait(self, seconds: float) -> None:
        if self._ended.acquire(timeout=seconds):
            return
        with self._state:
            if self._done or not self._fire():
                return
            raise_in(self._thread_id, self._exception)
            self._raised = True

    def stop(self) -> None:
        """The block is over: no exception is raised in it after this returns."""
        self._ended.release()
        with self._state:
            self._done = True
            if self._raised:  # not raised yet if the block ended right then: taken back
                raise_in(self._thread_id, None)
