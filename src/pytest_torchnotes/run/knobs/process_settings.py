"""Knobs of the process that a note can leave set for every later note: memory tracing,
the CPUs it may run on, and the file descriptor signals are written to.

``tracemalloc.start()`` left on made every later note several times slower;
``os.sched_setaffinity(0, {0})`` kept every later note (and torch's threads) on one CPU;
``signal.set_wakeup_fd(w)`` kept a number that the session's next file took once the note's
pipe was closed, so that a byte per signal would be written into it.
"""

from __future__ import annotations

import os
import signal
import threading
import tracemalloc
from typing import Any

from pytest_torchnotes.run.knobs import Knob


def process_setting_knobs() -> list[Knob]:
    """Tracing of memory, CPU affinity (where there is one) and the signal wakeup fd."""
    knobs = [
        Knob("tracemalloc", _tracing, _set_tracing),
        Knob("signal.set_wakeup_fd", _wakeup_fd, _set_wakeup_fd),
    ]
    if hasattr(os, "sched_getaffinity"):
        knobs.append(
            Knob(
                "CPU affinity",
                lambda: os.sched_getaffinity(0),
                lambda saved: os.sched_setaffinity(0, saved),
            )
        )
    return knobs


def _tracing() -> tuple[bool, int]:
    return tracemalloc.is_tracing(), tracemalloc.get_traceback_limit()


def _set_tracing(saved: tuple[bool, int]) -> None:
    tracing, frames = saved
    if tracemalloc.is_tracing():
        tracemalloc.stop()
    if tracing:
        tracemalloc.start(frames)


def _main() -> bool:
    return threading.current_thread() is threading.main_thread()


def _wakeup_fd() -> Any:
    """The wakeup fd, read by setting it (the only way Python has) and setting it back."""
    if not _main():
        return None
    fd = signal.set_wakeup_fd(-1)
    if fd != -1:
        signal.set_wakeup_fd(fd)
    return fd


def _set_wakeup_fd(saved: Any) -> None:
    if saved is not None and _main():
        signal.set_wakeup_fd(saved)
