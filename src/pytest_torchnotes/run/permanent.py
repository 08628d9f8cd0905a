"""Hooks that Python cannot take off once registered, when a note's own code registers them:
audit hooks (``sys.addaudithook``) and functions run around a fork
(``os.register_at_fork``).

An audit hook of a note would see every later note's events, and the session's (one that
prints would print into every later note's output); an at-fork function would run in every
later note's fork children (the workers of a ``DataLoader``). While the note runs, what its
code registers is registered wrapped, and the wrapper calls the note's function only until
the note ends. What libraries register (torch and ``random`` register at-fork functions when
first imported) is registered as it is and stays, as the library stays imported.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run.notecode import NoteCode
from pytest_torchnotes.run.wrapping import Wrapping

#: Bound at import: a note may replace ``sys._getframe``.
_GETFRAME = sys._getframe

#: The keywords of ``os.register_at_fork``.
FORK_MOMENTS = ("before", "after_in_child", "after_in_parent")


class PermanentHooks:
    """Between :meth:`start` and :meth:`stop`, register what code compiled from ``filename``
    (the note's blocks) gives ``sys.addaudithook`` and ``os.register_at_fork`` in wrappers
    that call it only while ``in_block`` says a block's code runs, and that :meth:`stop`
    makes inert: the session's own work between blocks (reading ``/proc``, writing its
    report) is not the note's to audit, and an audit hook that raises on ``open`` failed it
    there, outside any block."""

    def __init__(
        self,
        filename: str,
        in_block: Callable[[], bool] = lambda: True,
        scratch: str = "",
        beside: str = "",
    ) -> None:
        self.filename = filename
        #: The note's blocks and the modules it wrote into ``scratch``, its working folder.
        self.code = NoteCode(filename, scratch, beside)
        self.in_block = in_block
        self.active = True
        self.registered: list[str] = []
        self._wrapping = Wrapping()

    def start(self) -> None:
        self._wrapping.wrap(sys, "addaudithook", self._audit)
        self._wrapping.wrap(os, "register_at_fork", self._at_fork)

    def stop(self) -> list[str]:
        """Make the note's hooks inert; return them as ``name (line N)``."""
        self.active = False
        self._wrapping.unwrap()
        registered, self.registered = self.registered, []
        return registered

    def _from_note(self, what: str) -> bool:
        caller = _GETFRAME(2)
        if not self.code.owns(caller.f_code.co_filename):
            return False
        where = self.code.where(caller.f_code.co_filename, caller.f_lineno)
        self.registered.append(f"{what} ({where})")
        return True

    def _while_active(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def while_active(*args: Any) -> Any:
            __tracebackhide__ = True
            if self.active and self.in_block():
                return function(*args)
            return None

        return while_active

    def _audit(self, add_audit_hook: Callable[..., Any]) -> Callable[..., Any]:
        def addaudithook(hook: Callable[..., Any]) -> None:
            if self._from_note("sys.addaudithook"):
                hook = self._while_active(hook)
            add_audit_hook(hook)

        return addaudithook

    def _at_fork(self, register_at_fork: Callable[..., Any]) -> Callable[..., Any]:
        def at_fork(**functions: Any) -> None:
            if self._from_note("os.register_at_fork"):
                functions = {
                    moment: self._while_active(function) if callable(function) else function
                    for moment, function in functions.items()
                }
            register_at_fork(**functions)

        return at_fork
