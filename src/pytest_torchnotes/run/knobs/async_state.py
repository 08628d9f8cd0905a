"""Knobs of asynchronous code: asyncio's event loop policy and current loop, the hooks of
asynchronous generators and the tracking of coroutine origins.

asyncio is read only when it was imported: a note that never imports it costs a look-up in
``sys.modules``. Its loop is kept by the policy, per thread, in private attributes that
every Python from 3.10 has (``_local._loop``, ``_local._set_called``); where the installed
Python lacks them the knob reads nothing and puts nothing back.
"""

from __future__ import annotations

import sys
from typing import Any

from pytest_torchnotes.run.knobs import Knob


def async_knobs() -> list[Knob]:
    """The policy before the loop: the loop is read from, and put back on, the policy."""
    return [
        Knob("asyncio event loop policy", _policy, _set_policy),
        Knob("asyncio event loop", _loop, _set_loop),
        Knob("sys.set_asyncgen_hooks", sys.get_asyncgen_hooks, _set_asyncgen_hooks),
        Knob(
            "coroutine origin tracking depth",
            sys.get_coroutine_origin_tracking_depth,
            sys.set_coroutine_origin_tracking_depth,
        ),
    ]


def _events() -> Any:
    return sys.modules.get("asyncio.events")


def _policy() -> Any:
    """The policy, made as asyncio makes it at its first use: a note that only runs a loop
    (``asyncio.run``) does not count as setting one."""
    events = _events()
    if events is None:
        return None
    # Python 3.14 deprecates the public getter, and keeps a private one.
    return getattr(events, "_get_event_loop_policy", events.get_event_loop_policy)()


def _set_policy(saved: Any) -> None:
    events = _events()
    if events is None:
        return
    current = getattr(events, "_event_loop_policy", None)
    if current is not None and current is not saved:
        _close(_state(current)[0])
    events._event_loop_policy = saved


def _state(policy: Any) -> tuple[Any, bool]:
    """The policy's loop for this thread, and whether ``set_event_loop`` was called."""
    local = getattr(policy, "_local", None)
    return getattr(local, "_loop", None), bool(getattr(local, "_set_called", False))


def _loop() -> tuple[Any, bool, Any]:
    """The current loop, whether one was set, and the loop running in this thread."""
    events = _events()
    if events is None:
        return None, False, None
    return (*_state(_policy()), events._get_running_loop())


def _set_loop(saved: tuple[Any, bool, Any]) -> None:
    events = _events()
    if events is None:
        return
    loop, set_called, running = saved
    policy = _policy()
    current = _state(policy)[0]
    if current is not loop:
        _close(current)
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
