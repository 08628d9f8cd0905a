"""A block cannot replace the session's program with another (``os.execv`` and its kin).

``os.execv("/bin/true", ["true"])`` in a block replaced pytest with ``true``: the session
ended at once, with no report of that note or any other, and with the exit status of the
program that replaced it: ``0``, a green run. In a script the call ends the script too, but
a note is one of many run by one process.

So while a note runs, :data:`FUNCTIONS` are refused in the session's own process with
``PermissionError`` at the block's line; a process the block forked (``os.fork()`` then
``os.execv``, as ``subprocess`` does it) runs the program. The other ``exec`` functions of
:mod:`os` (``execl``, ``execlp``, ``execvp``, ``execvpe``...) call these two through the
module, and are refused with them.

The functions are wrapped once for the session, in :mod:`os` and in :mod:`posix` where
``os`` takes them from, and not only for a note whose text names them: a gate on the
note's text let ``getattr(os, "ex" + "ecv")`` and ``importlib.import_module("posix").execv``
through, and the session ended with the program's exit status. Wrapped once, they cost a
passing note nothing.
"""

from __future__ import annotations

from typing import Any

from pytest_torchnotes.run.session_only import SessionOnlyGuard, session_guard

#: The functions of ``os`` that every ``exec`` of :mod:`os` ends in.
FUNCTIONS = ("execv", "execve")

#: What a refused call says.
REFUSED = (
    "refused: os.{name} would replace the session's whole process with another program: "
    "no later block or note would run, and its exit status would end the run with no "
    "report; run the program in a child process (subprocess.run, or os.fork() then "
    "os.{name} in the child)"
)


class ExecGuard(SessionOnlyGuard):
    """Refuse :data:`FUNCTIONS` in process ``pid`` while a note runs."""

    FUNCTIONS = FUNCTIONS

    def refusal(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        return REFUSED.format(name=name)


def guard() -> ExecGuard:
    """The exec guard of this process (:func:`.session_only.session_guard`)."""
    return session_guard(ExecGuard)
