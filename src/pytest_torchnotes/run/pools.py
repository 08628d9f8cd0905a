"""``multiprocessing`` pools a note left running, terminated before its processes are ended.

A pool whose task never returns (``pool.apply_async(f)``, then ``pool.close()`` and
``pool.join()`` stopped at the time limit) outlives the note: its result keeps the pool,
and the pool's own threads keep its result, so freeing the note's namespace does not free
it. Ending its workers from outside, as :mod:`.processes` does with what a note leaves,
is then worse than leaving them: the pool's thread starts new workers behind the note's
back (named as the next note's), and an idle worker ended while it waits for a task dies
holding the lock of the pool's queue, so that ``multiprocessing``'s own exit function,
which terminates every pool, waits for that lock for ever: pytest hangs after its last
report. So a pool the note started (none of its threads ran before it) is terminated first,
as ``pool.terminate()`` does, while its workers can still take the sentinel that ends
them.

Asked only when the note left threads running: a pool has three (a pool whose threads
ended while its workers run is not seen).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Collection
from typing import Any

#: How long terminating one pool may take: its workers get the sentinel and end, the
#: pool's threads are joined.
TERMINATE_WITHIN = 2.0

#: The place of the pool's workers among the arguments of its finalizer (its threads
#: follow them).
_WORKERS = 3


def terminate_left(threads_before: Collection[threading.Thread]) -> list[str]:
    """Terminate the pools none of whose threads ran when ``threads_before`` was read (the
    note's) and of which a thread or a worker still runs; returns a description of each."""
    util = sys.modules.get("multiprocessing.util")
    pool_module = sys.modules.get("multiprocessing.pool")
    registry = getattr(util, "_finalizer_registry", None)
    method = vars(getattr(pool_module, "Pool", object)).get("_terminate_pool")
    terminate_pool = getattr(method, "__func__", None)
    if not isinstance(registry, dict) or terminate_pool is None:
        return []
    ended = []
    for finalizer in list(registry.values()):
        if getattr(getattr(finalizer, "_callback", None), "__func__", None) is not terminate_pool:
            continue
        args = tuple(getattr(finalizer, "_args", None) or ())
        threads = [thread for thread in args if isinstance(thread, threading.Thread)]
        if not threads or any(thread in threads_before for thread in threads):
            continue  # no pool, or one that ran before the note
        workers = args[_WORKERS] if len(args) > _WORKERS else None
        if any(thread.is_alive() for thread in threads) or _any_running(workers):
            ended.append(_terminate(finalizer, args))
    return ended


def _any_running(workers: Any) -> bool:
    return isinstance(workers, list) and any(
        getattr(worker, "exitcode", 0) is None for worker in workers
    )


def _terminate(finalizer: Any, args: tuple[Any, ...]) -> str:
    """Call the pool's finalizer (it leaves ``multiprocessing``'s exit function): in a
    thread of its own, so that a pool whose queue's lock a dead worker holds cannot hang
    the session here either."""
    workers = args[_WORKERS] if len(args) > _WORKERS else []
    size = len(workers) if isinstance(workers, list) else 0
    pool = finalizer._weakref() if callable(getattr(finalizer, "_weakref", None)) else None
    kind = type(pool).__name__ if pool is not None else "Pool"
    del pool
    ending = threading.Thread(target=finalizer, name="torchnotes: terminating a pool", daemon=True)
    ending.start()
    ending.join(TERMINATE_WITHIN)
    workers_are = "worker threads" if kind == "ThreadPool" else "workers"
    what = f"a multiprocessing {kind} of {size} {workers_are}"
    if ending.is_alive():
        return f"{what} (it did not terminate within {TERMINATE_WITHIN:g} s)"
    return f"{what} (terminated)"
