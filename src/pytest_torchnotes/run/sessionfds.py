"""The session's own file descriptors, kept open while a note runs.

``os.closerange(3, 4096)``, the close-everything idiom of daemon code, run in the session's
process would close pytest's saved terminal and capture files and the crash watcher's pipe:
the session would end without a report. While a note whose code names it runs,
``os.closerange`` in the session's process leaves open the descriptors that were open when
the note started, and ``os.close`` called by the note's own code refuses them; in a process
the note forked (a daemon, a worker) both close everything, as they must. What the note
itself opens can be closed either way.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

from pytest_torchnotes.run.wrapping import Wrapping

#: Bound at import: a note may replace them.
_GETFRAME = sys._getframe
_GETPID = os.getpid

#: Text without which the note's code calls neither function.
WORDS = ("closerange", "os.close(", "from os import")

#: Where the process's open descriptors are listed.
FD_FOLDERS = ("/proc/self/fd", "/dev/fd")


def names_one(code: str) -> bool:
    """Whether ``code`` may call ``os.closerange`` or ``os.close``."""
    return any(word in code for word in WORDS)


def open_fds() -> frozenset[int]:
    """The descriptors open in this process (none where no folder lists them)."""
    folder = next((folder for folder in FD_FOLDERS if os.path.isdir(folder)), None)
    if folder is None:
        return frozenset()
    return frozenset(int(name) for name in os.listdir(folder) if name.isdigit())


class SessionFdGuard:
    """Keep the descriptors (from 3 up) open at :meth:`start`, and those ``held`` returns
    when asked (what the session opens for each block), open in process ``pid`` until
    :meth:`restore`, against ``os.closerange`` and against ``os.close`` called by code
    compiled from ``filename``."""

    def __init__(self, filename: str, pid: int, held: Callable[[], Iterable[int]] = tuple) -> None:
        self.filename = filename
        self.pid = pid
        self.held = held
        #: Each descriptor kept, and the file it referred to at the start.
        self.kept: dict[int, tuple[int, int]] = {}
        self._wrapping = Wrapping()

    def start(self) -> None:
        for fd in open_fds():
            identity = _identity(fd) if fd > 2 else None
            if identity is not None:
                self.kept[fd] = identity
        self._wrapping.wrap(os, "closerange", self._closing_range)
        self._wrapping.wrap(os, "close", self._closing)

    def restore(self) -> list[str]:
        """Put the functions back; nothing to name."""
        self._wrapping.unwrap()
        return []

    def _closing_range(self, closerange: Callable[[int, int], None]) -> Callable[..., None]:
        @functools.wraps(closerange)
        def keeping(low: int, high: int) -> None:
            if _GETPID() != self.pid:
                return closerange(low, high)
            start, held = low, set(self.held())
            kept = {fd for fd in self.kept if self._keeps(fd)} | held
            for fd in sorted(fd for fd in kept if low <= fd < high):
                closerange(start, fd)
                start = fd + 1
            return closerange(start, high)

        return keeping

    def _closing(self, close: Callable[[int], None]) -> Callable[..., None]:
        @functools.wraps(close)
        def refusing(fd: Any) -> None:
            __tracebackhide__ = True
            if (
                _GETPID() == self.pid
                and _GETFRAME(1).f_code.co_filename == self.filename
                and (self._keeps(fd) or fd in self.held())
            ):
                raise OSError(
                    errno.EBADF,
                    f"refused: file descriptor {fd} was open before the note started and "
                    "belongs to the session; close only what the note opened",
                )
            return close(fd)

        return refusing

    def _keeps(self, fd: object) -> bool:
        """Whether ``fd`` is kept: open at the start and still on the same file."""
        return fd in self.kept and _identity(fd) == self.kept[fd]


def _identity(fd: Any) -> tuple[int, int] | None:
    """The file ``fd`` refers to, or ``None`` when it is closed."""
    try:
        status = os.fstat(fd)
    except (OSError, TypeError, ValueError):
        return None
    return status.st_dev, status.st_ino
