"""File descriptors a note's own code opens as bare numbers and leaves open: ``os.open``,
``os.pipe``, ``os.dup``, ``os.openpty``, ``os.memfd_create``, ``os.eventfd``. No object owns
them, so freeing the note's namespace does not close them: a session of many such notes
runs out of descriptors (``OSError: [Errno 24] Too many open files``) in a later note.

While a note whose code names one of these functions runs, what its code opens with them is
recorded, with the file each descriptor refers to; after the note, those still open on the
same file are closed and named. What libraries open stays open (their objects own it).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run.wrapping import Wrapping

#: Bound at import: a note may replace ``sys._getframe``.
_GETFRAME = sys._getframe

#: The functions that give bare descriptors: one, or a pair.
OPENERS = ("open", "pipe", "dup", "openpty", "memfd_create", "eventfd", "pipe2")

#: Text without which the note's code calls none of them.
WORDS = ("os.open", "os.pipe", "os.dup", "openpty", "memfd_create", "eventfd", "from os import")


def names_one(code: str) -> bool:
    """Whether ``code`` may call one of :data:`OPENERS`."""
    return any(word in code for word in WORDS)


class RawFdGuard:
    """Record the descriptors that code compiled from ``filename`` opens with
    :data:`OPENERS` between :meth:`start` and :meth:`restore`, which closes those left open."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.opened: dict[int, tuple[tuple[int, int], str]] = {}
        self._wrapping = Wrapping()

    def start(self) -> None:
        for name in OPENERS:
            self._wrapping.wrap(os, name, functools.partial(self._recording, name))

    def restore(self) -> list[str]:
        """Put the functions back; close what the note left open and name it."""
        self._wrapping.unwrap()
        closed = []
        for fd, (identity, where) in sorted(self.opened.items()):
            try:
                if _identity(fd) != identity:
                    continue  # closed, and the number given to another file since
                os.close(fd)
            except OSError:
                continue
            closed.append(f"file descriptor {fd} ({where})")
        self.opened = {}
        return closed

    def _recording(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def recording(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            result = function(*args, **kwargs)
            caller = _GETFRAME(1)
            if caller.f_code.co_filename == self.filename:
                where = f"os.{name} at line {caller.f_lineno}"
                for fd in result if isinstance(result, tuple) else (result,):
                    if isinstance(fd, int):
                        try:
                            self.opened[fd] = (_identity(fd), where)
                        except OSError:
                            continue
            return result

        return recording


def _identity(fd: int) -> tuple[int, int]:
    """The device and inode of the file ``fd`` refers to."""
    info = os.fstat(fd)
    return info.st_dev, info.st_ino
