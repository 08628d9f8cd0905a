"""Functions a note's own code registers with :mod:`atexit`.

They would run when pytest exits: after every report, in the folder pytest was started
from (a relative write lands in the repository), and able to end the process with a status
of their own (``os._exit(0)`` after failures). They are taken off when the note ends and
named; what libraries register (a first ``import multiprocessing`` in a note) stays.
So are those registered with ``threading._register_atexit``, which ``threading`` calls
when the interpreter shuts down (``concurrent.futures`` joins its workers there).
"""

from __future__ import annotations

import atexit
import sys
import threading
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run.notecode import NoteCode


class _Registration:
    """One ``atexit.register(func, ...)`` of a note, registered in its place, so that
    taking it off leaves a library's own registration of the same function alone."""

    def __init__(self, func: Callable[..., Any], args: Any, kwargs: Any, name: str) -> None:
        self.func, self.args, self.kwargs, self.name = func, args, kwargs, name

    def __call__(self) -> None:
        self.func(*self.args, **self.kwargs)


class AtExitGuard:
    """Record what code compiled from ``filename`` (the note's blocks), or from a module
    the note wrote (:class:`.notecode.NoteCode`), registers with ``atexit.register`` between
    :meth:`start` and :meth:`stop`."""

    def __init__(self, filename: str, scratch: str = "", beside: str = "") -> None:
        self.filename = filename
        #: The note's blocks and the modules it wrote into ``scratch``, its working folder.
        self.code = NoteCode(filename, scratch, beside)
        self.registered: list[_Registration] = []
        self._saved: tuple[Callable[..., Any], Callable[..., Any]] | None = None
        #: What the note registered with ``threading._register_atexit``.
        self.at_shutdown: list[_Registration] = []
        self._saved_at_shutdown: Callable[..., Any] | None = None

    def start(self) -> None:
        register, unregister = atexit.register, atexit.unregister
        self._saved = register, unregister
        at_shutdown = getattr(threading, "_register_atexit", None)
        if callable(at_shutdown) and isinstance(_at_shutdown_calls(), list):
            self._saved_at_shutdown = at_shutdown

            def recording_at_shutdown(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
                caller = sys._getframe(1)
                if not self.code.owns(caller.f_code.co_filename):
                    return at_shutdown(func, *args, **kwargs)
                name = getattr(func, "__qualname__", None) or repr(func)
                where = self.code.where(caller.f_code.co_filename, caller.f_lineno)
                line = f"{name} (threading._register_atexit, {where})"
                registration = _Registration(func, args, kwargs, line)
                self.at_shutdown.append(registration)
                return at_shutdown(registration)

            threading._register_atexit = recording_at_shutdown  # type: ignore[attr-defined]

        def recording(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1)
            if not self.code.owns(caller.f_code.co_filename):
                return register(func, *args, **kwargs)
            name = getattr(func, "__qualname__", None) or repr(func)
            where = self.code.where(caller.f_code.co_filename, caller.f_lineno)
            registration = _Registration(func, args, kwargs, f"{name} ({where})")
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
        if self._saved_at_shutdown is not None:
            threading._register_atexit = self._saved_at_shutdown  # type: ignore[attr-defined]
            self._saved_at_shutdown = None
        calls = _at_shutdown_calls()
        if self.at_shutdown and isinstance(calls, list):
            ours = {id(registration) for registration in self.at_shutdown}
            calls[:] = [call for call in calls if not _calls_one_of(call, ours)]
        names += [registration.name for registration in self.at_shutdown]
        self.at_shutdown = []
        return names


def _at_shutdown_calls() -> object:
    """The list ``threading._register_atexit`` appends to, where this Python keeps one."""
    return getattr(threading, "_threading_atexits", None)


def _calls_one_of(call: object, ours: set[int]) -> bool:
    """Whether ``call``, an entry of :func:`_at_shutdown_calls`, calls a function whose id
    is in ``ours``: up to Python 3.12 the entry is a ``functools.partial`` of it, from 3.13
    a ``lambda`` that holds it in its closure."""
    if id(getattr(call, "func", None)) in ours:
        return True
    return any(id(_contents(cell)) in ours for cell in getattr(call, "__closure__", None) or ())


def _contents(cell: Any) -> object:
    """What a closure's ``cell`` holds; ``None`` when it is empty."""
    try:
        return cell.cell_contents
    except ValueError:
        return None
