"""Who the session's process is and what it sees as ``/``: changes a block cannot make.

Run as root (a container, a CI image), a note's ``os.setuid(65534)`` drops the privilege of
the session's whole process for good: nothing can take it back, and the session could no
longer read or write its own files (pytest's temporary folders, the scratch copies, the
capture of the next block), so it ended with ``PermissionError`` and no report. An
``os.seteuid`` can be undone but is not, and does the same. ``os.chroot("jail")`` leaves
the process inside that folder for good: the next import of the session failed and pytest
ended with an internal error.

So while a note runs, they are refused in the session's own process (in :mod:`os` and in
:mod:`posix`, however the note reaches them) with ``PermissionError`` at the block's line,
as they would be without privilege; a call that changes nothing (``os.setuid(os.getuid())``) is let
through, and so is any call in a process the block forked, whose identity is its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run.session_only import SessionOnlyGuard, session_guard

#: The functions of ``os`` that change the process's users, groups or root directory.
FUNCTIONS = (
    "chroot",
    "setuid",
    "seteuid",
    "setreuid",
    "setresuid",
    "setgid",
    "setegid",
    "setregid",
    "setresgid",
    "setgroups",
    "initgroups",
)

#: For the functions that set one id, what reads it: a call that gives it again is let through.
CURRENT: dict[str, tuple[Callable[[], int], ...]] = {
    "setuid": (os.getuid, os.geteuid),
    "seteuid": (os.geteuid,),
    "setgid": (os.getgid, os.getegid),
    "setegid": (os.getegid,),
}

#: What a refused call says.
REFUSED = (
    "refused: os.{name} would change {what} of the session's whole process for good (it "
    "could not run, capture or report the later blocks and notes); call it in a child "
    "process (os.fork, multiprocessing, subprocess)"
)


class IdentityGuard(SessionOnlyGuard):
    """Refuse :data:`FUNCTIONS` in process ``pid`` while a note runs, but for a call that
    changes nothing."""

    FUNCTIONS = FUNCTIONS

    def refusal(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        if _changes_nothing(name, args, kwargs):
            return None
        what = "the root directory" if name == "chroot" else "the users and groups"
        return REFUSED.format(name=name, what=what)


def guard() -> IdentityGuard:
    """The identity guard of this process (:func:`.session_only.session_guard`)."""
    return session_guard(IdentityGuard)


def _changes_nothing(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    readers = CURRENT.get(name)
    if readers is None or kwargs or len(args) != 1:
        return False
    return all(args[0] == read() for read in readers)
