"""Locks of the standard library that a thread of the note may still hold after it.

The session logs between notes (pytest's log capture, the root logger's handlers given back
and taken away again): a thread the note left running that holds ``logging``'s module lock
(in a handler that blocks, or ``logging._acquireLock()`` never released) would hang the
session for good at the next note. After the note, when the lock cannot be had within
:data:`WAIT` seconds, ``logging`` is given a new one, and it is named: the thread keeps the
old lock, which nothing else uses any more.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

#: How long the lock may stay held by another thread after the note, in seconds.
WAIT = 0.5


def free_logging_lock() -> list[str]:
    """Give ``logging`` a new module lock if another thread holds its lock; name it."""
    lock: Any = getattr(logging, "_lock", None)
    if lock is None or not hasattr(lock, "acquire"):
        return []
    if lock.acquire(timeout=WAIT):
        lock.release()
        return []
    logging._lock = threading.RLock()  # type: ignore[attr-defined]
    return ["logging's module lock (a thread of the note held it: it was replaced)"]
