"""Functions of :mod:`os` that a block may call in a process it forked, never in the
session's own: what they change outlives the note (:mod:`.identity`, :mod:`.execs`)."""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any, TypeVar

from pytest_torchnotes.run.wrapping import Wrapping

#: Bound at import: a note may replace it.
_GETPID = os.getpid


class SessionOnlyGuard:
    """Between :meth:`start` and :meth:`restore`, while a note runs
    (:attr:`notes_running`), the functions :attr:`FUNCTIONS` of :mod:`os` raise
    ``PermissionError`` in process ``pid`` where :meth:`refusal` says why; in a process the
    block forked they run.

    The guards are put on once for the session (:func:`session_guard`), not for a note whose
    text names the functions: a gate on the text let ``getattr(os, "ex" + "ecv")`` and
    ``importlib.import_module("posix").setuid`` through. Put on once, they cost a passing
    note nothing."""

    #: The functions of :mod:`os` guarded.
    FUNCTIONS: Sequence[str] = ()
    #: The modules whose functions of those names are wrapped: :mod:`os`, and :mod:`posix`
    #: where ``os`` takes them from (a note may reach them there).
    MODULES: Sequence[ModuleType] = tuple(
        module for module in (os, sys.modules.get("posix")) if module is not None
    )

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._wrapping = Wrapping()
        #: How many notes run now (a pytester session inside a note's test counts too).
        self.notes_running = 0
        self._wrappers: list[tuple[ModuleType, str, object]] = []

    def refusal(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        """Why the call of ``name`` with these arguments is refused; ``None``: it is not."""
        raise NotImplementedError

    def start(self) -> None:
        for module in self.MODULES:
            for name in self.FUNCTIONS:
                self._wrapping.wrap(module, name, functools.partial(self._refusing, name))
        self._wrappers = [
            (module, name, vars(module).get(name))
            for module in self.MODULES
            for name in self.FUNCTIONS
            if name in vars(module)
        ]

    def in_place(self) -> bool:
        """Whether every function is still wrapped: a note that patches ``os`` through
        computed names has all its attributes put back after it, as they were before its
        first block."""
        return all(vars(module).get(name) is wrapper for module, name, wrapper in self._wrappers)

    def restore(self) -> list[str]:
        self._wrapping.unwrap()
        return []

    def _refusing(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def refusing(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            if self.notes_running and _GETPID() == self.pid:
                why = self.refusal(name, args, kwargs)
                if why is not None:
                    raise PermissionError(errno.EPERM, why)
            return function(*args, **kwargs)

        return refusing


_G = TypeVar("_G", bound=SessionOnlyGuard)

#: The guards of this process, by class.
_session_guards: dict[type[SessionOnlyGuard], SessionOnlyGuard] = {}


def session_guard(kind: type[_G]) -> _G:
    """The guard ``kind`` of this process, put on at the first call (a process forked from
    the session, an xdist worker, gets its own)."""
    pid = _GETPID()
    guard = _session_guards.get(kind)
    if guard is None or guard.pid != pid:
        guard = kind(pid)
        guard.start()
        _session_guards[kind] = guard
    elif not guard.in_place():  # put back from under it: wrapped again
        guard.restore()
        guard.start()
    return guard  # type: ignore[return-value]
