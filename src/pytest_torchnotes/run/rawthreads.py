"""Threads a note starts with :mod:`_thread`, which :mod:`threading` never sees.

A thread of ``threading`` that a note leaves running is known by its ``Thread`` object:
what it prints into a later note is told apart, and its writes to file descriptor 1, which
no one can tell apart, are named (:mod:`.routing`). ``_thread.start_new_thread`` makes no
such object: such a thread left running wrote ``os.write(1, ...)`` into every later note's
output and nothing named it. The functions of ``_thread`` that start threads are wrapped
once for the session; a thread the note's own code starts while it runs records its native
id with the line that started it, for as long as its function runs, and a later note's
block that wrote to fd 1 while it ran names it. (``threading`` keeps its own reference to
``_thread``'s function and is not wrapped. A thread C code starts, through ``ctypes``, is
not seen.)
"""

from __future__ import annotations

import _thread
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from pytest_torchnotes.run.routing import RawThread, raw_threads

#: The functions of ``_thread`` that start a thread, where this Python has them.
STARTERS = ("start_new_thread", "start_new", "start_joinable_thread")

#: Frames searched for the note's code above the call that starts a thread.
MAX_DEPTH = 30

#: The note running now (its file name as its blocks are compiled), "" between notes.
_running: list[str] = [""]
_installed: list[Callable[..., Any]] = []
_GET_NATIVE_ID = _thread.get_native_id


def running(filename: str) -> None:
    """Say which note runs now (``""``: none); put the wrappers on, once."""
    _running[0] = filename
    if filename and not _installed:
        _install()


def _install() -> None:
    for name in STARTERS:
        original = getattr(_thread, name, None)
        if callable(original):
            wrapper = _recording(original)
            setattr(_thread, name, wrapper)
            _installed.append(wrapper)


def _recording(start: Callable[..., Any]) -> Callable[..., Any]:
    def start_thread(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        note = _running[0]
        line = _note_line(sys._getframe(1), note) if note else None
        if line is None:
            return start(function, *args, **kwargs)
        started = RawThread(getattr(function, "__qualname__", repr(function)), line, note)

        def run(*call: Any, **named: Any) -> Any:
            native = _GET_NATIVE_ID()
            raw_threads[native] = started
            try:
                return function(*call, **named)
            finally:
                if raw_threads.get(native) is started:
                    del raw_threads[native]

        return start(run, *args, **kwargs)

    start_thread.__name__ = getattr(start, "__name__", "start_new_thread")
    start_thread.__doc__ = start.__doc__
    return start_thread


def _note_line(frame: FrameType | None, note: str) -> int | None:
    """The line of the note's code among the callers, ``None`` where none is its code (a
    library's own thread)."""
    for _ in range(MAX_DEPTH):
        if frame is None:
            return None
        if frame.f_code.co_filename == note:
            return frame.f_lineno
        frame = frame.f_back
    return None
