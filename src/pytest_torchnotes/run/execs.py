"""A block cannot replace the session's program with another (``os.execv`` and its kin).

``os.execv("/bin/true", ["true"])`` in a block replaced pytest with ``true``: the session
ended at once, with no report of that note or any other, and with the exit status of the
program that replaced it: ``0``, a green run. In a script the call ends the script too, but
a note is one of many run by one process.

So while a note whose code names one of them runs, :data:`FUNCTIONS` are refused in the
session's own process with ``PermissionError`` at the block's line; a process the block
forked (``os.fork()`` then ``os.execv``, as ``subprocess`` does it) runs the program. The
other ``exec`` functions of :mod:`os` (``execl``, ``execlp``, ``execvp``, ``execvpe``...)
call these two through the module, and are refused with them.
"""

from __future__ import annotations

from typing import Any

from pytest_torchnotes.run.session_only import SessionOnlyGuard

#: The functions of ``os`` that every ``exec`` of :mod:`os` ends in.
FUNCTIONS = ("execv", "execve")

#: What a refused call says.
REFUSED = (
    "refused: os.{name} would replace the session's whole process with another program: "
    "no later block or note would run, and its exit status would end the run with no "
    "report; run the program in a child process (subprocess.run, or os.fork() then "
    "os.{name} in the child)"
)


def names_one(code: str) -> bool:
    """Whether ``code`` may call an ``exec`` function of :mod:`os`.

    >>> names_one("os.execlp('ls', 'ls')"), names_one("executor.submit(f)")
    (True, False)
    """
    return "execv" in code or "execl" in code


class ExecGuard(SessionOnlyGuard):
    """Between :meth:`start` and :meth:`restore`, refuse :data:`FUNCTIONS` in process
    ``pid``."""

    FUNCTIONS = FUNCTIONS

    def refusal(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        return REFUSED.format(name=name)
