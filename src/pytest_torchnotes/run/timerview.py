"""What a block reads of the interval timer: its own, not its time limit's.

A block's time limit arms the process's interval timer (``ITIMER_REAL``, :mod:`.timers`).
Read by the block, it told the limit: ``signal.alarm(0)`` returned ``120`` where a script
gets ``0``, and ``signal.getitimer(signal.ITIMER_REAL)`` gave the session's deadline to a
note that set no timer. So, once for the session, :func:`signal.alarm`,
:func:`signal.setitimer` and :func:`signal.getitimer` are wrapped: while a time limit holds
the timer (:func:`lend`), what they return of ``ITIMER_REAL`` is what the timer held before
the block (the timer of pytest-timeout, or none); a block that sets the timer itself
(``signal.alarm(5)``) holds it from then on, and reads back its own.
"""

from __future__ import annotations

import functools
import signal
from collections.abc import Callable
from typing import Any

#: What the timer reads to a block while its limit holds it: ``(seconds left, interval)``.
Seen = Callable[[], tuple[float, float]]

#: The time limit's view of the timer while it holds it, or ``None``.
_seen: Seen | None = None

#: The functions as the interpreter has them, bound at import.
_ORIGINALS: dict[str, Callable[..., Any]] = {
    name: getattr(signal, name)
    for name in ("alarm", "setitimer", "getitimer")
    if hasattr(signal, name)
}
#: The wrappers put on, by name.
_wrappers: dict[str, Any] = {}


def lend(seen: Seen | None) -> None:
    """From now on, until ``lend(None)``, the block reads the timer through ``seen``."""
    global _seen
    _seen = seen


def install() -> None:
    """Wrap the timer functions of :mod:`signal`; again where a note's patches were put
    back from under them (every attribute of a module, for a note that patches through
    computed names)."""
    if not hasattr(signal, "setitimer"):  # pragma: no cover - not on POSIX
        return
    if _wrappers and all(getattr(signal, name) is w for name, w in _wrappers.items()):
        return
    _wrappers.clear()
    for name, wrapper in (("alarm", _alarm), ("setitimer", _setitimer), ("getitimer", _getitimer)):
        _wrappers[name] = _wrap(_ORIGINALS[name], wrapper)
        setattr(signal, name, _wrappers[name])


def _wrap(function: Callable[..., Any], wrapper: Callable[..., Any]) -> Any:
    return functools.wraps(function)(functools.partial(wrapper, function))


def _alarm(alarm: Callable[[int], int], seconds: int) -> int:
    previous = alarm(seconds)
    seen = _take()
    if seen is None:
        return previous
    left = seen()[0]
    return int(left + 0.5) or int(left > 0)  # as the C library rounds: a timer left reads 1


def _setitimer(setitimer: Callable[..., tuple[float, float]], which: int, *args: Any) -> Any:
    previous = setitimer(which, *args)
    if which != signal.ITIMER_REAL:
        return previous
    seen = _take()
    return previous if seen is None else seen()


def _getitimer(getitimer: Callable[[int], tuple[float, float]], which: int) -> Any:
    now = getitimer(which)
    seen = _seen
    return now if seen is None or which != signal.ITIMER_REAL else seen()


def _take() -> Seen | None:
    """The limit's view, given up: the block set the timer, which is its own now."""
    global _seen
    seen, _seen = _seen, None
    return seen
