"""Locks of the standard library that a thread of the note may still hold after it.

The session logs between notes (pytest's log capture, the root logger's handlers given back
and taken away again): a thread the note left running that holds ``logging``'s module lock
(in a handler that blocks, or ``logging._acquireLock()`` never released) would hang the
session for good at the next note. After the note, when the lock cannot be had within
:data:`WAIT` seconds, ``logging`` is given a new one, and it is named: the thread keeps the
old lock, which nothing else uses any more. The same holds for the import lock of a module
that a thread of the note is still importing (:func:`free_import_locks`).
"""

from __future__ import annotations

import _imp
import logging
import os
import sys
import threading
import time
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


#: How often the lock of a module being imported is looked at again while waiting for it.
POLL = 0.01


def free_import_locks(before: set[threading.Thread], folder: str, wait: float = WAIT) -> list[str]:
    """Free the import of the note's own modules (files under ``folder``) that a thread
    started by the note (not in ``before``) is still importing after the note, and name
    them.

    Such a thread holds the module's import lock (``import slow`` in a thread whose module
    code never returns): any later import of that module, in the next note, would wait for
    it for good. After ``wait`` seconds the lock is dropped from the import system's table
    and the half-made module from ``sys.modules``: the next import makes both afresh, as in
    a new process. The thread keeps the old lock, which nothing else uses any more.

    A library's module is left alone: a library's own thread (a compile worker of torch)
    may be importing one slowly, and a module imported twice registers its classes twice.
    """
    bootstrap = sys.modules.get("importlib._bootstrap")
    table = getattr(bootstrap, "_module_locks", None)
    if not isinstance(table, dict) or not table:
        return []
    ours = {thread.ident for thread in threading.enumerate() if thread not in before}
    held = _held_by(table, ours, folder)
    deadline = time.monotonic() + wait
    while held and time.monotonic() < deadline:
        time.sleep(POLL)
        held = _held_by(table, ours, folder)
    freed = []
    for name in held:
        _imp.acquire_lock()
        try:
            table.pop(name, None)
        finally:
            _imp.release_lock()
        module = sys.modules.get(name)
        if getattr(getattr(module, "__spec__", None), "_initializing", False):
            del sys.modules[name]
        freed.append(
            f"the import of {name!r} (a thread of the note was still importing it and held"
            " its import lock: the next import of it starts afresh)"
        )
    return freed


def _held_by(table: dict[str, Any], threads: set[int | None], folder: str) -> list[str]:
    """The modules of files under ``folder`` whose import lock a thread of ``threads``
    holds."""
    held = []
    for name, ref in list(table.items()):
        lock = ref() if callable(ref) else None
        if getattr(lock, "owner", None) in threads and _under(name, folder):
            held.append(name)
    return held


def _under(name: str, folder: str) -> bool:
    """Whether the module ``name`` being imported is made from a file under ``folder``."""
    origin = getattr(getattr(sys.modules.get(name), "__spec__", None), "origin", None)
    return isinstance(origin, str) and origin.startswith(folder.rstrip(os.sep) + os.sep)
