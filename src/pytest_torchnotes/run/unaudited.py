"""Writers that raise no audit event, which :mod:`.writeguard`'s hook cannot see: ``os.mkfifo``
and ``os.mknod``, ``os.open`` given a folder's descriptor (``dir_fd``; its audit event
names the path alone), and torch's writers that open their file in C++ (``torch.save``,
``torch.jit.save``, ``ScriptModule.save``, ``torch.export.save``, ``torch.package``, the
profiler's ``export_chrome_trace`` and ``ExecutionTraceObserver``, ``torch._lazy``'s IR
dump) or map it into memory shared (``torch.from_file``, ``UntypedStorage.from_file``).

Where notes run in a scratch copy, each is wrapped where Python calls into C (the
narrowest entry point every caller passes through, looked up by name: a torch that lacks
one is left as it is) and checks its path with :func:`.writeguard.check` before the C call,
which refuses only while a block runs (the write guard's rule). The wrappers are put on
once for the session (:func:`session_writers`), before anything a note may patch is saved:
they are not the note's. Put on and taken off around every note, they cost about 0.1 ms a
note, and every note set attributes of torch's classes twice, which empties the caches
of their method lookups.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run import writeguard
from pytest_torchnotes.run.wrapping import Wrapping

#: Functions of ``os`` (and of ``posix``, which ``os`` takes them from) that make a file
#: without an audit event: the name, and where the path is (position, keyword).
OS_WRITERS = (("mkfifo", 0, "path"), ("mknod", 0, "path"))

#: torch's C++ writers given a path: the owner's dotted name below ``torch``, the function,
#: and where the path is (position, counting a method's ``self``; keyword).
TORCH_WRITERS = (
    # torch.save, torch.export.save, torch.package.PackageExporter
    ("_C.PyTorchFileWriter", "__init__", 1, "file_name"),
    # torch.jit.save, ScriptModule.save, and the lite interpreter's
    ("_C.ScriptModule", "save", 1, "filename"),
    ("_C.ScriptModule", "_save_for_mobile", 1, "filename"),
    ("_C.ScriptFunction", "save", 1, "filename"),
    # torch.jit.save_jit_module_to_flatbuffer, and the mobile module's and parameters'
    ("_C", "_save_jit_module", 1, "arg1"),
    ("_C", "_save_mobile_module", 1, "arg1"),
    ("_C", "_save_parameters", 1, "arg1"),
    # the profiler's export_chrome_trace, ExecutionTraceObserver (its module's own name too)
    ("_C._autograd._ProfilerResult", "save", 1, "arg0"),
    ("_C._profiler", "_add_execution_trace_observer", 0, "output_file_name"),
    ("profiler.profiler", "_add_execution_trace_observer", 0, "output_file_name"),
    # torch._lazy.ir_cache.dump
    ("_C._lazy", "_dump_ir_cache", 0, "arg0"),
)

#: torch's files mapped into memory, which a write to the tensor changes when ``shared`` (and
#: which are made when missing): owner and function as above, the path's position and
#: keyword, and ``shared``'s.
TORCH_MAPPED = (
    ("", "from_file", 0, "filename", 1, "shared"),  # torch.from_file
    # UntypedStorage's, which TypedStorage's calls (torch._C.StorageBase takes no other)
    ("UntypedStorage", "from_file", 0, "filename", 1, "shared"),
)


class UnauditedWriters:
    """Between :meth:`start` and :meth:`restore`, the writers above check their path."""

    def __init__(self) -> None:
        self._wrapping = Wrapping()
        #: Each wrapper as its owner holds it, to tell that it is still in place.
        self._wrappers: list[tuple[Any, str, Any]] = []
        #: The torch whose writers are wrapped (``None``: torch was not imported).
        self.torch: Any = None

    def start(self) -> None:
        self._start()
        self.torch = sys.modules.get("torch")
        self._wrappers = [
            (owner, name, vars(owner).get(name)) for owner, name, _ in self._wrapping.saved
        ]

    def in_place(self) -> bool:
        """Whether every wrapper is still where it was put, around the torch imported now
        (a note may bind another function to a wrapped name, or import torch first)."""
        return sys.modules.get("torch") is self.torch and all(
            vars(owner).get(name) is wrapper for owner, name, wrapper in self._wrappers
        )

    def _start(self) -> None:
        owners = [os, sys.modules.get(os.name)]
        for owner in dict.fromkeys(owner for owner in owners if owner is not None):
            for name, position, keyword in OS_WRITERS:
                self._wrapping.wrap(owner, name, _checking(position, keyword))
            self._wrapping.wrap(owner, "open", _opening)
        torch = sys.modules.get("torch")
        if torch is None:
            return
        for dotted, name, position, keyword in TORCH_WRITERS:
            owner = _lookup(torch, dotted)
            if owner is not None:
                self._wrapping.wrap(owner, name, _checking(position, keyword))
        for dotted, name, position, keyword, at, shared in TORCH_MAPPED:
            owner = _lookup(torch, dotted)
            if owner is not None:
                self._wrapping.wrap(owner, name, _checking(position, keyword, (at, shared)))

    def restore(self) -> list[str]:
        """Put the writers back; nothing to report."""
        self._wrapping.unwrap()
        self._wrappers = []
        return []


#: The writers of this process, wrapped while a session holds them (:func:`session_writers`).
_session: UnauditedWriters | None = None
#: The sessions (their runners) that hold them, by ``id``.
_holders: set[int] = set()


def session_writers(holder: object) -> UnauditedWriters:
    """The writers of this process, wrapped at the first call and left on until every
    ``holder`` (a session's runner) has let them go (:func:`release`): between blocks they
    check nothing. Wrapped again when one is no longer in place (a note bound another
    function to its name, which goes back to the original first) or another torch was
    imported since."""
    global _session
    _holders.add(id(holder))
    writers = _session
    if writers is None:
        writers = _session = UnauditedWriters()
        writers.start()
    elif not writers.in_place():
        writers.restore()
        writers.start()
    return writers


def release(holder: object) -> None:
    """``holder``'s session is over: the originals are back once no session holds them."""
    global _session
    _holders.discard(id(holder))
    if not _holders and _session is not None:
        _session.restore()
        _session = None


def _lookup(root: Any, dotted: str) -> Any:
    for part in filter(None, dotted.split(".")):
        root = getattr(root, part, None)
    return root


def _argument(args: tuple[Any, ...], kwargs: dict[str, Any], position: int, keyword: str) -> Any:
    return args[position] if len(args) > position else kwargs.get(keyword)


def _checking(
    position: int, keyword: str, when: tuple[int, str] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A wrapper that checks the path at ``position`` (or ``keyword``), when the argument
    at ``when`` (position, keyword) is true if given."""

    def make(function: Callable[..., Any]) -> Callable[..., Any]:
        def checked(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            if when is None or _argument(args, kwargs, *when):
                path = _argument(args, kwargs, position, keyword)
                writeguard.check(path, kwargs.get("dir_fd"))
            return function(*args, **kwargs)

        checked.__wrapped__ = function  # type: ignore[attr-defined]  # for inspect.signature
        return checked

    return make


def _opening(function: Callable[..., Any]) -> Callable[..., Any]:
    """``os.open``, whose audit event names the path but not the folder of ``dir_fd``."""

    def opening(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        dir_fd = kwargs.get("dir_fd")
        flags = args[1] if len(args) > 1 else kwargs.get("flags", 0)
        if dir_fd is not None and isinstance(flags, int) and flags & writeguard.WRITE_FLAGS:
            writeguard.check(args[0] if args else kwargs.get("path"), dir_fd)
        return function(*args, **kwargs)

    opening.__wrapped__ = function  # type: ignore[attr-defined]
    return opening
