"""Knobs of asynchronous code: asyncio's event loop (its policy, the current loop, the
running loop), the hooks of asynchronous generators and the tracking of coroutine origins.

asyncio is read only when it was imported: a note that never imports it costs a look-up in
``sys.modules``. Its loop is kept by the policy, per thread, in private attributes that
every Python from 3.10 has (``_local._loop``, ``_local._set_called``); where the installed
Python lacks them the knob reads nothing of them. ``asyncio.run`` in a note counts as a
change: it makes the policy and leaves ``set_event_loop(None)`` called, after which
``asyncio.get_event_loop()`` in the main thread raises instead of making a loop.
"""

from __future__ import annotations

import sys
from typing import Any

from pytest_torchnotes.run.knobs import Knob


def async_knobs() -> list[Knob]:
    return [
        Knob("asyncio event loop", _loop, _set_loop),
        Knob("sys.set_asyncgen_hooks", sys.get_asyncgen_hooks, _set_asyncgen_hooks),
        Knob(
            "coroutine origin tracking depth",
            sys.get_coroutine_origin_tracking_depth,
            sys.set_coroutine_origin_tracking_depth,
        ),
    ]


def _loop() -> tuple[Any, Any, bool, Any] | None:
    """The policy (``None`` before asyncio's first use makes one), its loop for this thread,
    whether ``set_event_loop`` was called, and the loop running in this thread."""
    events = sys.modules.get("asyncio.events")
    if events is None:
        return None
    policy = getattr(events, "_event_loop_policy", None)
    local = getattr(policy, "_local", None)
    state = (
        policy,
        getattr(local, "_loop", None),
        bool(getattr(local, "_set_called", False)),
        events._get_running_loop(),
    )
    return None if _pristine(state) else state


def _pristine(state: tuple[Any, Any, bool, Any]) -> bool:
    """Whether ``state`` is asyncio's default policy as its first use makes it, with no loop
    set: a note that only asks for the policy has changed nothing."""
    policy, loop, set_called, running = state
    asyncio: Any = sys.modules.get("asyncio")
    default = getattr(asyncio, "DefaultEventLoopPolicy", None) or getattr(
        asyncio, "_DefaultEventLoopPolicy", None
    )
    return (policy is None or (default is not None and type(policy) is default)) and (
        loop,
        set_called,
        running,
    ) == (None, False, None)


def _set_loop(saved: tuple[Any, Any, bool, Any] | None) -> None:
    events: Any = sys.modules.get("asyncio.events")
    current = _loop()
    if events is None or current is None:
        return
    policy, loop, set_called, running = saved or (None, None, False, None)
    if current[1] is not loop:
        _close(current[1])
    events._event_loop_policy = policy
    local = getattr(policy, "_local", None)
    if local is not None:
        local._loop = loop
        local._set_called = set_called
    events._set_running_loop(running)


def _close(loop: Any) -> None:
    """Close a loop the note left open (one running in a thread of the note is left to it)."""
    if loop is None or loop.is_closed() or loop.is_running():
        return
    loop.close()


def _set_asyncgen_hooks(saved: Any) -> None:
    sys.set_asyncgen_hooks(firstiter=saved.firstiter, finalizer=saved.finalizer)
