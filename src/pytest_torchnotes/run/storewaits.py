"""Waits of torch.distributed's stores kept within the block's time limit.

A store's ``get``, ``wait`` and ``multi_get`` wait in C, holding the main thread, for a key
that another process sets: up to the store's timeout, five minutes unless the example gave
one. PyTorch's docstrings run ``store.get("first_key")`` on a second rank and
``store.wait(["bad_key"])`` to show the timeout; in one process nothing sets the key, and
the time limit's ``SIGALRM`` is taken only when the wait returns, so a note waited five
minutes and the hard limit (:mod:`.watchdog`) ended the whole session.

So, while a block runs under a time limit, such a wait is given no longer than the time
left to the block and :data:`MARGIN` more: the limit's signal, pending while the wait holds
the thread, is taken as it returns, and the block ends on its time limit, whose message
names the ``timeout`` directive. A wait that ends within the limit is left as it is (the
example that shows the store's ``DistStoreError`` gets it). The store's own timeout is
lowered for the call and put back after it, unless the time limit ends the block first.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

#: Seconds past the time limit a wait is given: the limit's signal arrives first.
MARGIN = 0.5

#: The methods of ``Store`` that wait for a key another process sets.
WAITS = ("get", "wait", "multi_get")

#: The module of the stores, once torch.distributed is imported.
STORES_MODULE = "torch._C._distributed_c10d"

#: Seconds left to the running block, while a time limit holds it; ``None`` otherwise.
_left: Callable[[], float] | None = None

#: The wrappers put on ``Store``, by name.
_wrappers: dict[str, Any] = {}

#: The wait the running block was given less time for (``FileStore.get``), from the call
#: on: when the block ends on its time limit, that is where it was.
_cut: str | None = None

#: What a block that ran past its time limit in such a wait is told.
HINT = (
    "the block was waiting in torch.distributed's {wait} for a key that no process set (the"
    " wait was cut to the block's time limit; PyTorch's docstrings run such an example with"
    " another rank that sets it): mark it <!-- torchnotes: skip needs another process -->,"
    " or give it longer with <!-- torchnotes: timeout SECONDS -->"
)


def lend(left: Callable[[], float] | None) -> None:
    """From now on, until ``lend(None)``, waits end by what ``left`` says is left; a new
    block's time limit forgets the wait of the block before."""
    global _left, _cut
    _left = left
    if left is not None:
        _cut = None


def hint() -> str:
    """The line a block that ran past its time limit gains when it was in a wait given
    less time; empty otherwise."""
    return HINT.format(wait=_cut) if _cut is not None else ""


def install() -> None:
    """Wrap the waits of ``Store`` once torch.distributed's stores are imported (the time
    limit asks at each block: a dictionary lookup until then)."""
    if _wrappers:
        return
    module = sys.modules.get(STORES_MODULE)
    store = getattr(module, "Store", None) if module is not None else None
    if store is None:
        return
    for name in WAITS:
        original = getattr(store, name, None)
        if original is not None:
            _wrappers[name] = _bounded(original, name)
            setattr(store, name, _wrappers[name])


def bound(timeout: timedelta, left: float) -> timedelta | None:
    """The timeout a wait of ``timeout`` is given with ``left`` seconds left to the block;
    ``None`` when it ends in time as it is. A zero timeout waits for ever.

    >>> bound(timedelta(seconds=30), 120.0) is None
    True
    >>> bound(timedelta(minutes=5), 120.0), bound(timedelta(0), 1.0)
    (datetime.timedelta(seconds=120, microseconds=500000), datetime.timedelta(seconds=1, \
microseconds=500000))
    """
    limit = timedelta(seconds=max(left, 0.0) + MARGIN)
    return None if timedelta(0) < timeout <= limit else limit


def _bounded(original: Callable[..., Any], name: str) -> Callable[..., Any]:
    @functools.wraps(original)
    def wait(store: Any, *args: Any, **kwargs: Any) -> Any:
        global _cut
        __tracebackhide__ = True  # the block's traceback shows the store's method
        left = _left
        if left is None:
            return original(store, *args, **kwargs)
        if name == "wait" and (len(args) > 1 or "timeout" in kwargs):
            given = args[1] if len(args) > 1 else kwargs["timeout"]
            shorter = bound(given, left()) if isinstance(given, timedelta) else None
            if shorter is not None:
                _cut = f"{type(store).__name__}.{name}"
                if len(args) > 1:
                    args = (args[0], shorter, *args[2:])
                else:
                    kwargs["timeout"] = shorter
            return original(store, *args, **kwargs)
        own = store.timeout
        shorter = bound(own, left())
        if shorter is None:
            return original(store, *args, **kwargs)
        store.set_timeout(shorter)
        _cut = f"{type(store).__name__}.{name}"
        try:
            return original(store, *args, **kwargs)
        finally:
            store.set_timeout(own)

    return wait
