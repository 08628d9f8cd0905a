"""The handlers of the signals that ``python_state.SIGNALS`` leaves out, and the interval
timers that send ``SIGALRM``, ``SIGPROF`` and ``SIGVTALRM``.

``signal.signal(signal.SIGPIPE, signal.SIG_DFL)`` (a common line before printing to a pipe)
would let a closed pipe end the session without a word; ``SIGCHLD`` ignored would make the
kernel reap every child, so that ``subprocess`` in a later note cannot wait for its own;
a profiler's ``signal.setitimer(signal.ITIMER_PROF, ...)`` left running would go on sending
``SIGPROF`` once its handler is put back, and the signal's default action ends the process.
So would ``signal.alarm(60)`` with no time limit on the blocks (``torchnotes_timeout = 0``):
once the note's ``SIGALRM`` handler is put back, the alarm ends the session a minute later.
After a note the handlers are put back and the timers stopped where the note started them;
one that ran before the note (pytest-timeout's, or the blocks' time limit given back as it
was set, ``run/timers.py``) runs on. The signals of a crash (``SIGSEGV``, ``SIGABRT`` and
the like) are left to ``faulthandler`` (``run/faulthandling.py``).
"""

from __future__ import annotations

import signal
from typing import Any

from pytest_torchnotes.run.knobs import Knob
from pytest_torchnotes.run.knobs.python_state import SIGNALS, raw_getsignal

#: Signals whose handlers are not put back here: those of ``SIGNALS``, those no handler can
#: catch, and those ``faulthandler`` handles.
LEFT_OUT = frozenset(
    {"SIGKILL", "SIGSTOP", "SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGABRT", "SIGIOT"}
)

#: The interval timers a note may leave running, by name, where the platform has them.
TIMERS = tuple(
    (name, getattr(signal, name))
    for name in ("ITIMER_REAL", "ITIMER_PROF", "ITIMER_VIRTUAL")
    if hasattr(signal, name)
)


def signal_knobs() -> list[Knob]:
    """The other signals' handlers and the interval timers, where the platform has them."""
    numbers = sorted(
        {
            int(number)
            for number in signal.Signals
            if number.name not in LEFT_OUT and number not in SIGNALS
        }
    )
    knobs = []
    if TIMERS and hasattr(signal, "getitimer"):
        # Stopped before the handlers are put back: SIGPROF's default action ends the process.
        knobs.append(Knob("interval timers", _timers, _set_timers))
    knobs.append(Knob("signal handlers", lambda: _handlers(numbers), _set_handlers))
    return knobs


def _handlers(numbers: list[int]) -> dict[int, Any]:
    return {number: raw_getsignal(number) for number in numbers}


def _set_handlers(saved: dict[int, Any]) -> None:
    for number, handler in saved.items():
        if handler is not None and raw_getsignal(number) is not handler:
            signal.signal(number, handler)


def _timers() -> tuple[tuple[str, bool, float], ...]:
    """Whether each timer runs, and its interval (what it has left changes as it runs)."""
    timers = []
    for name, which in TIMERS:
        left, interval = signal.getitimer(which)
        timers.append((name, left > 0, round(interval, 6)))
    return tuple(timers)


def _set_timers(saved: tuple[tuple[str, bool, float], ...]) -> None:
    for (_, running, interval), (_, which) in zip(saved, TIMERS, strict=True):
        left, now = signal.getitimer(which)
        if (left > 0, round(now, 6)) == (running, interval):
            continue
        if not running:
            signal.setitimer(which, 0)
        elif interval:
            signal.setitimer(which, interval, interval)
