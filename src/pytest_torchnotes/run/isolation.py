"""Keep notes from affecting each other and the repository.

Before a note: seed the random generators, reset torch's print options, give the note a
fresh ``__main__`` module and a scratch working directory. After it: put back every piece of
global state a note can change, and report which ones it changed.
"""

from __future__ import annotations

import builtins
import logging
import os
import random
import re
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_torchnotes.run import workspace

#: A note folder with more entries than this only gets the entries its code names (as does
#: one holding more than :data:`pytest_torchnotes.run.workspace.COPY_ALL_LIMIT` bytes or
#: :data:`~pytest_torchnotes.run.workspace.COPY_ALL_FILES` files).
MIRROR_ALL_LIMIT = 100

#: Code that may change module attributes: attribute assignment, setattr, __dict__ ...
#: Attribute names a note's code visibly sets or deletes: ``torch.zeros = ...``,
#: ``setattr(torch, "zeros", ...)``, ``del torch.Tensor.shout``.
PATCHED_NAME = re.compile(
    r"\w\.[ \t]*(?P<assigned>[A-Za-z_]\w*)[ \t]*(?:[-+*/%@&|^]|//|\*\*|>>|<<)?=(?!=)"
    r"|\b(?:setattr|delattr)\(\s*[^,()]+,\s*(?P<quote>['\"])(?P<named>\w+)(?P=quote)"
    r"|\bdel[ \t]+[\w.]+\.(?P<deleted>\w+)"
)

#: Code that patches attributes whose names cannot be read off the text.
DYNAMIC_PATCH = re.compile(r"__dict__|\bvars\(|\b(?:setattr|delattr)\(\s*[^,()]+,\s*[^'\"\s]")


def patched_names(code: str) -> frozenset[str] | None:
    """Attribute names ``code`` may patch; ``None`` when any name may be patched.

    >>> sorted(patched_names('torch.zeros = f\\nsetattr(np, "pi", 3)\\nx == y.z'))
    ['pi', 'zeros']
    """
    if DYNAMIC_PATCH.search(code):
        return None
    names = set()
    for match in PATCHED_NAME.finditer(code):
        names.add(match.group("assigned") or match.group("named") or match.group("deleted"))
    return frozenset(names)


#: Signals a note may install handlers for.
SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGALRM", "SIGUSR1", "SIGUSR2")
    if hasattr(signal, name)
)


@dataclass(frozen=True)
class Knob:
    """One piece of global state: how to read it and how to put it back."""

    name: str
    get: Callable[[], Any]
    set: Callable[[Any], None]


def _torch_knobs() -> list[Knob]:
    import torch
    import torch._tensor_str

    options = torch._tensor_str.PRINT_OPTS
    knobs = [
        Knob("torch default dtype", torch.get_default_dtype, torch.set_default_dtype),
        Knob("torch grad mode", torch.is_grad_enabled, torch._C._set_grad_enabled),
        Knob(
            "torch print options",
            lambda: dict(vars(options)),
            lambda saved: vars(options).update(saved),
        ),
        Knob(
            "torch deterministic algorithms",
            lambda: (
                torch.are_deterministic_algorithms_enabled(),
                torch.is_deterministic_algorithms_warn_only_enabled(),
            ),
            lambda saved: torch.use_deterministic_algorithms(saved[0], warn_only=saved[1]),
        ),
        Knob("torch threads", torch.get_num_threads, torch.set_num_threads),
        Knob("torch anomaly detection", torch.is_anomaly_enabled, torch.set_anomaly_enabled),
        Knob(
            "torch float32 matmul precision",
            torch.get_float32_matmul_precision,
            torch.set_float32_matmul_precision,
        ),
        Knob("torch CPU random state", torch.get_rng_state, torch.set_rng_state),
    ]
    device_context = getattr(torch, "_GLOBAL_DEVICE_CONTEXT", None)
    if device_context is not None and hasattr(torch, "set_default_device"):
        knobs.append(
            Knob(
                "torch default device",
                lambda: getattr(device_context, "device_context", None),
                lambda saved: _restore_default_device(torch, device_context, saved),
            )
        )
    cudnn = torch.backends.cudnn
    knobs.extend(
        Knob(
            f"torch.backends.cudnn.{flag}",
            lambda flag=flag: getattr(cudnn, flag),  # type: ignore[misc]
            lambda saved, flag=flag: setattr(cudnn, flag, saved),  # type: ignore[misc]
        )
        for flag in ("enabled", "benchmark", "deterministic")
    )
    return knobs


def _restore_default_device(torch: Any, device_context: Any, saved: Any) -> None:
    current = getattr(device_context, "device_context", None)
    if current is saved:
        return
    torch.set_default_device(None if saved is None else saved.device)


def _environment() -> dict[Any, Any]:
    """The environment as ``os.environ`` keeps it (encoded): copying it costs a fraction of
    decoding every variable."""
    data = getattr(os.environ, "_data", None)
    return dict(data) if isinstance(data, dict) else dict(os.environ)


def _restore_environment(saved: dict[Any, Any]) -> None:
    data = getattr(os.environ, "_data", None)
    if isinstance(data, dict):
        decode = os.environ.decodekey
        decode_value = os.environ.decodevalue
        saved = {decode(key): decode_value(value) for key, value in saved.items()}
    for key in set(os.environ) - set(saved):
        del os.environ[key]
    for key, value in saved.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


def _restore_list(target: list[Any]) -> Callable[[list[Any]], None]:
    def restore(saved: list[Any]) -> None:
        target[:] = saved

    return restore


def _restore_mapping(target: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def restore(saved: dict[str, Any]) -> None:
        for key in set(target) - set(saved):
            del target[key]
        for key, value in saved.items():
            if target.get(key, _MISSING) is not value:
                target[key] = value

    return restore


_MISSING = object()


def _logging_state() -> tuple[int, list[logging.Handler], int]:
    root = logging.getLogger()
    return root.level, list(root.handlers), root.manager.disable


def _restore_logging(saved: tuple[int, list[logging.Handler], int]) -> None:
    root = logging.getLogger()
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    logging.disable(saved[2])


def detach_root_handlers() -> list[logging.Handler]:
    """Take the root logger's handlers (pytest's log capture) away while a note runs, and
    return them: a note starts as a script or a notebook does, with a bare root logger, so
    that ``logging.basicConfig`` configures logging (it does nothing where handlers are)."""
    root = logging.getLogger()
    detached = list(root.handlers)
    for handler in detached:
        root.removeHandler(handler)
    return detached


def reattach_root_handlers(detached: list[logging.Handler]) -> None:
    """Give back what :func:`detach_root_handlers` took, before the note's own handlers,
    so that only what the note added counts as its change."""
    root = logging.getLogger()
    root.handlers[:] = [*detached, *(h for h in root.handlers if h not in detached)]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _set_umask(mask: int) -> None:
    os.umask(mask)


def _python_knobs() -> list[Knob]:
    import warnings

    knobs = [
        Knob("working directory", os.getcwd, os.chdir),
        Knob("sys.path", lambda: list(sys.path), _restore_list(sys.path)),
        Knob("sys.argv", lambda: list(sys.argv), _restore_list(sys.argv)),
        Knob("environment variables", _environment, _restore_environment),
        Knob("builtins", lambda: dict(vars(builtins)), _restore_mapping(vars(builtins))),
        _attribute_knob("sys.displayhook", sys, "displayhook"),
        _attribute_knob("sys.excepthook", sys, "excepthook"),
        _attribute_knob("sys.stdin", sys, "stdin"),
        Knob("recursion limit", sys.getrecursionlimit, sys.setrecursionlimit),
        Knob(
            "sys.tracebacklimit",
            lambda: getattr(sys, "tracebacklimit", None),
            _restore_tracebacklimit,
        ),
        Knob("trace function", sys.gettrace, sys.settrace),
        Knob("profile function", sys.getprofile, sys.setprofile),
        Knob("warning filters", lambda: list(warnings.filters), _restore_filters),
        Knob("logging root logger", _logging_state, _restore_logging),
        Knob("umask", _umask, _set_umask),
        Knob("random state", random.getstate, random.setstate),
        _attribute_knob("os._exit", os, "_exit"),
    ]
    knobs.extend(
        Knob(
            f"signal handler {signal.Signals(signum).name}",
            lambda signum=signum: signal.getsignal(signum),  # type: ignore[misc]
            lambda saved, signum=signum: _set_signal(signum, saved),  # type: ignore[misc]
        )
        for signum in SIGNALS
    )
    return knobs


def _attribute_knob(name: str, owner: object, attribute: str) -> Knob:
    return Knob(
        name,
        lambda: getattr(owner, attribute),
        lambda saved: setattr(owner, attribute, saved),
    )


def _set_signal(signum: int, handler: Any) -> None:
    signal.signal(signum, handler)


def _restore_tracebacklimit(saved: int | None) -> None:
    if saved is None:
        if hasattr(sys, "tracebacklimit"):
            del sys.tracebacklimit
    else:
        sys.tracebacklimit = saved


def _restore_filters(saved: list[Any]) -> None:
    import warnings

    warnings.filters[:] = saved  # type: ignore[index]
    warnings._filters_mutated()  # type: ignore[attr-defined]


def _numpy_knobs() -> list[Knob]:
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return []
    return [
        Knob(
            "numpy print options",
            numpy.get_printoptions,
            lambda saved: numpy.set_printoptions(**saved),
        ),
        Knob("numpy error handling", numpy.geterr, lambda saved: numpy.seterr(**saved)),
    ]


class StateGuard:
    """Snapshot global state; put back and name whatever changed."""

    def __init__(self, knobs: Iterable[Knob]) -> None:
        self.knobs = list(knobs)
        self.saved: list[Any] = []

    def snapshot(self) -> None:
        self.saved = [knob.get() for knob in self.knobs]

    def restore(self) -> list[str]:
        changed = []
        for knob, saved in zip(self.knobs, self.saved, strict=True):
            try:
                current = knob.get()
                if _same(current, saved):
                    continue
                knob.set(saved)
            except Exception as error:
                changed.append(f"{knob.name} (could not be restored: {error})")
                continue
            changed.append(knob.name)
        return changed


def _same(current: Any, saved: Any) -> bool:
    if current is saved:
        return True
    if type(current).__module__.startswith("torch") and hasattr(current, "equal"):
        return bool(current.equal(saved))  # random state tensors
    try:
        return bool(current == saved)
    except Exception:
        return False


class AttributeGuard:
    """Snapshot attributes of modules and classes a note might monkeypatch, and put back
    what the note changed.

    Only the attributes the note's code names are watched (all of them when its code patches
    through ``__dict__`` or computed names), and a submodule that appears on its package
    because the note imported it stays: that is importing, not patching.
    """

    def __init__(self, targets: Iterable[Any], names: frozenset[str] | None) -> None:
        self.names = names
        if names is None:
            self.saved = [(target, dict(vars(target))) for target in targets]
        else:
            self.saved = [
                (target, {name: vars(target)[name] for name in names if name in vars(target)})
                for target in targets
            ]

    def restore(self) -> list[str]:
        changed = []
        for target, saved in self.saved:
            current = vars(target)
            keys = set(current) | set(saved) if self.names is None else self.names
            for key in keys:
                before = saved.get(key, _MISSING)
                now = current.get(key, _MISSING)
                if now is before or key in ("__dict__", "__weakref__", "__warningregistry__"):
                    continue
                if before is _MISSING and isinstance(now, types.ModuleType):
                    continue
                try:
                    if before is _MISSING:
                        delattr(target, key)
                    else:
                        setattr(target, key, before)
                except (AttributeError, TypeError):
                    continue
                changed.append(f"{getattr(target, '__name__', target)}.{key}")
        return changed


def patch_targets() -> list[Any]:
    """Modules and classes restored after a note that may monkeypatch."""
    names = (
        "builtins",
        "math",
        "random",
        "os",
        "os.path",
        "time",
        "numpy",
        "numpy.random",
        "torch",
        "torch.nn",
        "torch.nn.functional",
        "torch.nn.init",
        "torch.autograd",
        "torch.linalg",
        "torch.fft",
        "torch.optim",
        "torch.utils.data",
        "torch.random",
    )
    targets: list[Any] = [sys.modules[name] for name in names if name in sys.modules]
    torch = sys.modules.get("torch")
    if torch is not None:
        targets.append(torch.Tensor)
        for module in (torch, torch.nn, getattr(torch, "optim", None)):
            if module is None:
                continue
            targets.extend(
                value
                for value in vars(module).values()
                if isinstance(value, type) and value.__module__.startswith("torch")
            )
    return targets


class ModulesGuard:
    """Put back ``sys.modules`` entries a note replaced or removed; new imports stay."""

    def __init__(self) -> None:
        self.saved = dict(sys.modules)

    def restore(self) -> list[str]:
        changed = []
        for name, module in self.saved.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
                changed.append(f"sys.modules[{name!r}]")
        return changed


def threads_left(before: set[threading.Thread], grace: float = 0.05) -> list[str]:
    """The names of threads started since ``before`` that still run and would keep the
    process from exiting (daemon threads do not), after ``grace`` seconds to finish."""
    left = [
        thread
        for thread in threading.enumerate()
        if thread not in before and not thread.daemon and thread.is_alive()
    ]
    for thread in left:
        thread.join(grace)
    left = [thread for thread in left if thread.is_alive()]
    for thread in left:
        _let_exit_without(thread)
    return [thread.name for thread in left]


#: CPython up to 3.12 waits at exit for the lock of every non-daemon thread in the private
#: ``threading._shutdown_locks``; where that is missing, a thread cannot be let go.
CAN_DETACH_THREADS = hasattr(threading, "_shutdown_locks") and hasattr(
    threading, "_shutdown_locks_lock"
)


def _let_exit_without(thread: threading.Thread) -> None:
    """Let the interpreter exit without waiting for ``thread``, as for a daemon thread."""
    lock = getattr(thread, "_tstate_lock", None)
    if not CAN_DETACH_THREADS or lock is None:
        return
    with threading._shutdown_locks_lock:  # type: ignore[attr-defined]
        threading._shutdown_locks.discard(lock)  # type: ignore[attr-defined]
    thread._daemonic = True  # type: ignore[attr-defined]


def seed_everything(seed: int) -> None:
    """Seed torch (CPU, and CUDA when it is in use), ``random`` and numpy's global generator."""
    import torch

    torch.random.default_generator.manual_seed(seed)  # type: ignore[attr-defined]
    if torch.cuda.is_initialized():  # type: ignore[no-untyped-call]
        torch.cuda.manual_seed_all(seed)
    random.seed(seed)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(seed % 2**32)


def reset_print_options() -> None:
    import torch

    torch.set_printoptions(profile="default", sci_mode=None)  # type: ignore[no-untyped-call]


def refusing_exit(session_pid: int) -> Callable[[int], None]:
    """An ``os._exit`` that, in the session's process, fails the block instead of ending the
    session; in a process the block forked (multiprocessing, a DataLoader worker) it ends
    that process, as it must."""

    from pytest_torchnotes.run.execute import REAL_EXIT, ProcessExit

    def _exit(status: int) -> None:
        if os.getpid() != session_pid:
            REAL_EXIT(status)
        raise ProcessExit(status)

    return _exit


def display(value: object) -> None:
    """``sys.displayhook`` for ``>>>`` examples: show the repr, leave ``builtins._`` alone."""
    if value is not None:
        sys.stdout.write(repr(value) + "\n")


#: Words of a note's code that may name a file beside it: ``data.csv``, ``images``.
FILE_WORD = re.compile(r"[\w.\-]+")


@dataclass(frozen=True)
class Folder:
    """What sits in a note folder, listed once per session."""

    #: Entries by name, hidden ones and ``__pycache__`` left out.
    entries: dict[str, Path]
    #: The entries that are not notes.
    others: tuple[Path, ...]
    #: Too many entries, or too many bytes, to copy for every note.
    crowded: bool = False

    @classmethod
    def read(cls, folder: Path, is_note: Callable[[Path], bool]) -> Folder:
        entries = {
            entry.name: entry
            for entry in listing(folder)
            if not entry.name.startswith(".") and entry.name != "__pycache__"
        }
        others = tuple(entry for entry in entries.values() if not is_note(entry))
        crowded = len(entries) > MIRROR_ALL_LIMIT or workspace.too_big(
            others, workspace.COPY_ALL_LIMIT, workspace.COPY_ALL_FILES
        )
        return cls(entries, others, crowded)


def base_entries(folder: Folder) -> tuple[Path, ...]:
    """What every note of a folder may read: the entries that are not notes (none in a
    crowded folder, where each note gets only what its code names)."""
    return () if folder.crowded else folder.others


def beside(note: Path, folder: Folder, code: str) -> list[Path]:
    """What a note may read from its folder: :func:`base_entries`, and the entries its code
    names (another note, say)."""
    named = [
        folder.entries[name]
        for name in sorted(set(FILE_WORD.findall(code)) & folder.entries.keys())
        if name != note.name
    ]
    base = [entry for entry in base_entries(folder) if entry.name != note.name]
    return base + [entry for entry in named if entry not in base]


def listing(folder: Path) -> list[Path]:
    """Entries of a folder; an unreadable folder has none."""
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def release(module: types.ModuleType) -> None:
    """Drop what a note's code defined, so its tensors are freed even if something keeps
    the namespace alive. Dunder names stay: libraries install their own there (torch.compile
    does) and remove them later."""
    namespace = module.__dict__
    for name in [name for name in namespace if not name.startswith("__")]:
        del namespace[name]


def new_main_module(name: str = "__main__") -> types.ModuleType:
    """A fresh module whose ``__dict__`` is the note's namespace."""
    module = types.ModuleType(name)
    module.__dict__["__builtins__"] = builtins
    return module
