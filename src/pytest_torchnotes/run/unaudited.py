"""Writers that raise no audit event, which :mod:`.writeguard`'s hook cannot see: ``os.mkfifo``
and ``os.mknod``, ``os.open`` given a folder's descriptor (``dir_fd``; its audit event
names the path alone), and torch's writers that open their file in C++ (``torch.save``,
``torch.jit.save``, ``ScriptModule.save``, ``torch.export.save``, ``torch.package``, the
profiler's ``export_chrome_trace`` and ``ExecutionTraceObserver``, ``torch._lazy``'s IR
dump) or map it into memory shared (``torch.from_file``, ``UntypedStorage.from_file``).

While a note runs in a scratch copy, each is wrapped where Python calls into C (the
narrowest entry point every caller passes through, looked up by name: a torch that lacks
one is left as it is) and checks its path with :func:`.writeguard.check` before the C call.
The wrappers are put on before anything a note may patch is saved and taken off after it is
put back: they are not the note's.
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

    def start(self) -> None:
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
        return []


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
