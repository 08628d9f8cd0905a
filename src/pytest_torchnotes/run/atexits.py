"""Functions a note's own code registers with :mod:`atexit`.

They would run when pytest exits: after every report, in the folder pytest was started
from (a relative write lands in the repository), and able to end the process with a status
of their own (``os._exit(0)`` after failures). They are taken off when the note ends and
named; what libraries register (a first ``import multiprocessing`` in a note) stays.
"""

from __future__ import annotations

import atexit
import sys
from collections.abc import Callable
from typing import Any


class _Registration:
    """One ``atexit.register(func, ...)`` of a note, registered in its place, so that
    taking it off leaves a library's own registration of the same function alone."""

    def __init__(self, func: Callable[..., Any], args: Any, kwargs: Any, name: str) -> None:
        self.func, self.args, self.kwargs, self.name = func, args, kwargs, name

    def __call__(self) -> None:
        self.func(*self.args, **self.kwargs)


class AtExitGuard:
    """Record what code compiled from ``filename`` (the note's blocks) registers with
    ``atexit.register`` between :meth:`start` and :meth:`stop`."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.registered: list[_Registration] = []
        self._saved: tuple[Callable[..., Any], Callable[..., Any]] | None = None

    def start(self) -> None:
        register, unregister = atexit.register, atexit.unregister
        self._saved = register, unregister

        def recording(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1)
            if caller.f_code.co_filename != self.filename:
                return register(func, *args, **kwargs)
            name = getattr(func, "__qualname__", None) or repr(func)
            registration = _Registration(func, args, kwargs, f"{name} (line {caller.f_lineno})")
            self.registered.append(registration)
            register(registration)
            return func

        def unregistering(func: Callable[..., Any]) -> None:
            for registration in [entry for entry in self.registered if entry.func == func]:
                self.registered.remove(registration)
                unregister(registration)
            unregister(func)

        atexit.register = recording
        atexit.unregister = unregistering

    def stop(self) -> list[str]:
        """Take the note's functions off; return them as ``name (line N)``."""
        if self._saved is not None:
            atexit.register, atexit.unregister = self._saved
            self._saved = None
        for registration in self.registered:
            atexit.unregister(registration)
        names = [registration.name for registration in self.registered]
        self.registered = []
        return names
