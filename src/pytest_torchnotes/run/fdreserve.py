"""A few file descriptors the session holds back for itself, freed when a block leaves the
process none.

A block that opens files until the process runs out (``while True: files.append(open(p))``,
or under a low ``RLIMIT_NOFILE``) and keeps them left the session nothing to work with: its
next lazy import, capture or report failed with ``OSError: [Errno 24] Too many open
files`` from the session's own code, an internal error of pytest instead of the block's
failure. So the session keeps :data:`RESERVE` descriptors open, and after each block asks
whether one more could be had (:func:`exhausted`: a ``dup`` and a ``close``): when not, it
frees its reserve, to capture and report the block, and the block fails with
:data:`EXHAUSTED`. The reserve is taken again when the next note starts, after the note's
objects, and the files they held, were freed (not before the note's next block: that
would take back what the session needs to run it).
"""

from __future__ import annotations

import contextlib
import errno
import os

#: How many descriptors the session holds back: enough to import a module, capture a
#: block and write its report.
RESERVE = 8

#: What a block that left no descriptor fails with.
EXHAUSTED = (
    "the block left the process no free file descriptor (the limit is {limit}, "
    "RLIMIT_NOFILE): the session needs some to capture and report the blocks. Close the "
    "files the block opens (with open(...) as f:), or keep fewer open at once"
)

#: Bound at import: a note may replace the functions of ``os``.
_OPEN = os.open
_DUP = os.dup
_CLOSE = os.close
_GETPID = os.getpid
_DEVNULL = os.devnull
_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)

_held: list[int] = []
#: The process that holds :data:`_held`: a forked child does not free its parent's.
_pid = 0


def refill() -> None:
    """Take the reserve again, as far as descriptors are free."""
    global _pid
    pid = _GETPID()
    if pid != _pid:
        _held.clear()
        _pid = pid
    with contextlib.suppress(OSError):
        while len(_held) < RESERVE:
            _held.append(_OPEN(_DEVNULL, _FLAGS))


def exhausted() -> bool:
    """Whether no descriptor is free now; if so, the reserve is freed for the session."""
    if not _held or _GETPID() != _pid:
        return False
    try:
        _CLOSE(_DUP(_held[0]))
    except OSError as error:
        if error.errno not in (errno.EMFILE, errno.ENFILE):
            return False
    else:
        return False
    for fd in _held:
        with contextlib.suppress(OSError):
            _CLOSE(fd)
    _held.clear()
    return True


def message() -> str:
    """:data:`EXHAUSTED`, with the process's limit."""
    try:
        import resource

        limit = str(resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    except (ImportError, OSError, ValueError):  # pragma: no cover - not on POSIX
        limit = "unknown"
    return EXHAUSTED.format(limit=limit)
