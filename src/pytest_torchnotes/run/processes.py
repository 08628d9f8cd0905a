"""Processes a note leaves running: named, then ended, so none outlives the note.

A child process that is still running when its note is over (a ``multiprocessing.Process``
that is not a daemon, a ``subprocess.Popen`` never waited for, a pool never shut down)
would keep pytest from exiting, or outlive the session. After the note, every process
below the session's that was not there before it is sent ``SIGTERM``, given
:data:`GRACE` seconds, then ``SIGKILL``.

Processes are found through ``/proc`` (Linux): the ``children`` file of each thread of the
session process, and theirs in turn, so grandchildren are found too. A grandchild whose
parent ended would belong to ``init``; while a note runs, the session process is a *child
subreaper* (``PR_SET_CHILD_SUBREAPER``) so that it is adopted by the session instead and
found the same way. Elsewhere nothing is found and nothing is ended. A session with no child at
all (one ``waitid`` call says so) is not walked: nothing can be below it.

The helpers that ``multiprocessing`` starts once per process for the spawn and forkserver
start methods (its resource tracker and its fork server) are the session's, not the note's:
they are left running and not named, and end with the session as ``multiprocessing`` means
them to. Ended after a note, they would be found dead by the next note that needs them: the
resource tracker warns that it died and relaunches, the fork server fails with
``ChildProcessError``.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import io
import os
import signal
import sys
import time
from collections.abc import Iterable, Mapping
from typing import Any

#: Seconds left processes get to end after ``SIGTERM``, before ``SIGKILL``.
GRACE = 0.5

#: ``prctl`` option that makes orphaned descendants children of the session process.
PR_SET_CHILD_SUBREAPER = 36

#: Longest command line shown for a process.
MAX_COMMAND = 80

PROC = "/proc"


@functools.cache
def supported() -> bool:
    """Whether ``/proc`` tells the processes and threads (asked once: after every block)."""
    return sys.platform.startswith("linux") and os.path.isdir(f"{PROC}/self/task")


#: ``prctl`` option that reads whether the process is a child subreaper.
PR_GET_CHILD_SUBREAPER = 37


@functools.cache
def _prctl() -> Any:
    """The C library's ``prctl``, and whether the process was a subreaper before any note
    (something else in the session made it one: it stays one)."""
    libc = ctypes.CDLL(None, use_errno=True)
    before = ctypes.c_int(0)
    libc.prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(before), 0, 0, 0)
    return libc.prctl, bool(before.value)


def adopt_orphans() -> bool:
    """Make the session process a child subreaper while a note runs: a grandchild whose
    parent ended is reparented to it, so it is still found and ended after its note."""
    if not supported():
        return False
    try:
        return bool(_prctl()[0](PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl in this C library
        return False


def stop_adopting() -> None:
    """After the note's processes are ended: orphans go to ``init`` again, as without the
    plugin. Left on, the session adopted the orphans of what ran after the notes (another
    test's daemon, a killed child's children) and never collected them: zombies."""
    if not supported():
        return
    try:
        prctl, before = _prctl()
        if not before:
            prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl in this C library
        return


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    try:
        tasks = os.listdir(f"{PROC}/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        found.update(_read_pids(f"{PROC}/{pid}/task/{task}/children"))
    return found


#: ``os.open`` and ``os.read`` as the interpreter has them: a note may replace them (or
#: ``open``), and the processes it left are looked for before its patches are put back.
#: Unbuffered reads cost a third of a buffered file's for these small files, read for
#: every thread three times a note.
_OPEN, _READ, _CLOSE = os.open, os.read, os.close

#: Bytes read from a ``children`` file at a time.
_CHUNK = 4096


def _read_pids(path: str) -> list[int]:
    try:
        fd = _OPEN(path, os.O_RDONLY)
    except OSError:  # the thread ended meanwhile
        return []
    try:
        chunks = []
        while chunk := _READ(fd, _CHUNK):
            chunks.append(chunk)
        return [int(pid) for pid in b"".join(chunks).split()]
    except (OSError, ValueError):
        return []
    finally:
        _CLOSE(fd)


#: Processes below the session that start no process and adopt none (orphans go to the
#: session, the subreaper): the crash watcher (:mod:`.watcher`), which only reads a pipe and
#: shared memory. A walk does not look below them.
childless: set[int] = set()


def descendants(pid: int | None = None) -> set[int]:
    """Every process below ``pid`` (the session process): children, theirs, and so on."""
    if not supported() or (pid is None and not has_children()):
        return set()
    found: set[int] = set()
    pending = [os.getpid() if pid is None else pid]
    while pending:
        for child in _children(pending.pop()):
            if child not in found:
                found.add(child)
                if child not in childless:
                    pending.append(child)
    return found


#: ``os.waitid`` as the interpreter has it (a note may replace it), where there is one.
_WAITID = getattr(os, "waitid", None)

#: What :func:`has_children` asks ``waitid`` about: any child, running, stopped or ended
#: (Linux's ``__WALL``: also those that signal their end with another signal than
#: ``SIGCHLD``), without waiting and without collecting an ended one.
_ANY_CHILD = 0x40000000 | (
    getattr(os, "WEXITED", 0)
    | getattr(os, "WSTOPPED", 0)
    | getattr(os, "WCONTINUED", 0)
    | getattr(os, "WNOHANG", 0)
    | getattr(os, "WNOWAIT", 0)
)


def has_children() -> bool:
    """Whether the session process has a child (running, or ended and not collected): one
    ``waitid`` call, which collects nothing and waits for nothing, where a walk of
    ``/proc`` reads a file for every thread. ``True`` when it cannot tell."""
    if _WAITID is None:  # pragma: no cover - not on POSIX
        return True
    try:
        _WAITID(os.P_ALL, 0, _ANY_CHILD)
    except ChildProcessError:  # ECHILD: no child at all, so nothing below the session
        return False
    except OSError:  # pragma: no cover - a kernel without __WALL for waitid
        return True
    return True


def _state(pid: int) -> tuple[str, int] | None:
    """The process's state letter and parent, or ``None`` when it is gone."""
    try:
        with io.open(f"{PROC}/{pid}/stat", "rb") as file:  # noqa: UP020 - a note may replace open
            data = file.read()
    except OSError:
        return None
    fields = data[data.rindex(b")") + 2 :].split()
    return fields[0].decode(), int(fields[1])


def describe(pid: int) -> str:
    """``pid 123: sleep 60``, or the name of the ``multiprocessing`` process."""
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None:
        for process in multiprocessing.active_children():
            if process.pid == pid:
                return f"{process.name} (pid {pid})"
    try:
        with io.open(f"{PROC}/{pid}/cmdline", "rb") as file:  # noqa: UP020
            words = file.read().split(b"\0")
    except OSError:
        words = []
    command = " ".join(word.decode(errors="replace") for word in words if word)
    if len(command) > MAX_COMMAND:
        command = command[: MAX_COMMAND - 1] + "…"
    return f"pid {pid}: {command}" if command else f"pid {pid}"


def running_left(before: Iterable[int]) -> dict[int, str]:
    """The processes below the session's, not in ``before``, that run now, described: taken
    before the note's objects are freed, whose finalizers (a pool's) may end them meanwhile,
    so that what a note left running is named whatever the timing."""
    new = descendants() - set(before) - multiprocessing_helpers()
    return {pid: describe(pid) for pid in sorted(new) if _running(pid)}


def end_left(
    before: Iterable[int], grace: float = GRACE, running: Mapping[int, str] | None = None
) -> list[str]:
    """End the processes below the session's that were not in ``before``; say which, with
    those of ``running`` (:func:`running_left`) that ended by themselves since."""
    session = os.getpid()
    helpers = multiprocessing_helpers()
    found = sorted(descendants() - set(before) - helpers)
    left = [pid for pid in found if _running(pid)]
    _reap_all(found, session)  # those that ended by themselves
    named = {pid: text for pid, text in (running or {}).items() if pid not in helpers}
    for pid in left:
        if pid not in named:
            named[pid] = describe(pid)
    if not left:
        return [named[pid] for pid in sorted(named)]
    _signal(left, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _reap_all(left, session)
        if not any(_running(pid) for pid in left):
            break
        time.sleep(0.01)
    _signal([pid for pid in left if _running(pid)], signal.SIGKILL)
    _reap_all(left, session, wait=True)
    return [named[pid] for pid in sorted(named)]


#: Where ``multiprocessing`` keeps the process id of each of its helpers: module, instance,
#: attribute.
HELPERS = (
    ("multiprocessing.resource_tracker", "_resource_tracker", "_pid"),
    ("multiprocessing.forkserver", "_forkserver", "_forkserver_pid"),
)


def multiprocessing_helpers() -> set[int]:
    """The process ids of the helpers ``multiprocessing`` started in this process."""
    pids = set()
    for module_name, instance, attribute in HELPERS:
        pid = getattr(getattr(sys.modules.get(module_name), instance, None), attribute, None)
        if isinstance(pid, int):
            pids.add(pid)
    return pids


def _parent(pid: int) -> int | None:
    state = _state(pid)
    return state[1] if state is not None else None


def _running(pid: int) -> bool:
    state = _state(pid)
    return state is not None and state[0] not in ("Z", "X")


def _signal(pids: list[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):  # ended meanwhile
            os.kill(pid, signum)


def _reap_all(pids: list[int], session: int, *, wait: bool = False) -> None:
    """Collect the exit status of those that are children of the session (no zombies)."""
    deadline = time.monotonic() + (1.0 if wait else 0.0)
    while True:
        waiting = [pid for pid in pids if _parent(pid) == session]
        for pid in waiting:
            _reap(pid)
        if not waiting or time.monotonic() >= deadline:
            return
        time.sleep(0.01)


def _reap(pid: int) -> None:
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None:
        for process in multiprocessing.active_children():
            if process.pid == pid:  # through its object, which keeps the exit code
                process.join(0)
                return
    with contextlib.suppress(ChildProcessError):  # reaped by its Popen object
        os.waitpid(pid, os.WNOHANG)
