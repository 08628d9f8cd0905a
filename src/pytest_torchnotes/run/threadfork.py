"""A process forked from a thread that a block started ends when that thread's function
returns.

A child forked in the main thread comes back to the runner, which ends it as a script
would end (:func:`.execute.end_forked_child`). One forked in another thread (``os.fork()``
in a ``threading.Thread`` of the block) has that thread as its only one: when its function
returned, the thread ended and the C library ended the process with ``exit()``, whose
handlers (torch's among them) called into Python; Python stopped with a fatal error and,
with the time limit's faulthandler timer armed, waited for faulthandler's watchdog thread,
which a forked child does not have. The child hung, and the block that waited for it
(``os.waitpid``) until its time limit.

So, once for the session, a function run in every forked child makes a child forked in a
thread other than the session's main thread end where that thread would, with
``os._exit(0)`` once its function returned (or raised, after the thread's excepthook),
as a process whose last thread ends does.

A thread started with :mod:`_thread` rather than :mod:`threading`
(``_thread.start_new_thread(f, ())``) has no ``Thread`` object whose end can be hooked: in
a child forked there, a profile function of that thread (:func:`sys.setprofile`, which
holds for the thread that sets it) ends the process when the outermost frame of the thread,
the function it was started with, returns or raises. A note that sets its own profile
function in that child takes the hook's place.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import Any

#: Bound at import: a note may replace them.
_EXIT = os._exit
_GET_IDENT = threading.get_ident
_CURRENT_THREAD = threading.current_thread
_SETPROFILE = sys.setprofile

#: The session's process and its main thread: ``(pid, thread ident)``.
_session: tuple[int, int | None] | None = None


def install() -> None:
    """Run :func:`_after_in_child` in every child forked from now on, once per process."""
    global _session
    pid = os.getpid()
    if _session is not None and _session[0] == pid:
        return
    first = _session is None
    _session = (pid, threading.main_thread().ident)
    if first and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_in_child)


def _after_in_child() -> None:
    session = _session
    if session is None or _GET_IDENT() == session[1]:
        return
    thread: Any = _CURRENT_THREAD()
    # A thread that threading did not start is the child's new _MainThread (threading's own
    # at-fork handler, run first, made it one), or a _DummyThread: nothing calls its _delete.
    unhooked = (getattr(threading, "_MainThread", ()), threading._DummyThread)
    if isinstance(thread, unhooked) or not hasattr(thread, "_delete"):
        _end_with_outermost_frame()
        return
    # Thread._bootstrap_inner calls _delete last, whether run() returned or raised.
    thread._delete = _end_process


def _end_with_outermost_frame() -> None:
    """End this process when the outermost Python frame of the current thread ends."""
    frame = sys._getframe(1)
    while frame.f_back is not None:
        frame = frame.f_back
    outermost = frame

    def ends_with_the_thread(frame: Any, event: str, arg: object) -> None:
        if event == "return" and frame is outermost:
            _end_process()

    _SETPROFILE(ends_with_the_thread)


def _end_process() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or replaced stream: nothing to keep
            stream.flush()
    _EXIT(0)
