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
import shutil
import signal
import sys
import tempfile
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Files beside a note up to this size are copied into its scratch directory, so that a
#: note that writes to them cannot change the originals; larger ones are linked.
COPY_LIMIT = 1 << 20

#: A note folder with more entries than this only gets the entries its code names.
MIRROR_ALL_LIMIT = 100

#: Code that may change module attributes: attribute assignment, setattr, __dict__ ...
MAY_PATCH = re.compile(
    r"\w\.\w+[ \t]*(?:[-+*/%@&|^]|//|\*\*)?=(?!=)|\bsetattr\(|\bdelattr\(|__dict__|\bvars\(|"
    r"sys\.modules|\bdel[ \t]+\w+\."
)

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


def _restore_environment(saved: dict[str, str]) -> None:
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


def _logging_state() -> tuple[int, list[logging.Handler]]:
    root = logging.getLogger()
    return root.level, list(root.handlers)


def _restore_logging(saved: tuple[int, list[logging.Handler]]) -> None:
    root = logging.getLogger()
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]


def _python_knobs() -> list[Knob]:
    import warnings

    knobs = [
        Knob("working directory", os.getcwd, os.chdir),
        Knob("sys.path", lambda: list(sys.path), _restore_list(sys.path)),
        Knob("environment variables", lambda: dict(os.environ), _restore_environment),
        Knob("builtins", lambda: dict(vars(builtins)), _restore_mapping(vars(builtins))),
        _attribute_knob("sys.displayhook", sys, "displayhook"),
        _attribute_knob("sys.excepthook", sys, "excepthook"),
        _attribute_knob("sys.stdin", sys, "stdin"),
        Knob("recursion limit", sys.getrecursionlimit, sys.setrecursionlimit),
        Knob("trace function", sys.gettrace, sys.settrace),
        Knob("profile function", sys.getprofile, sys.setprofile),
        Knob("warning filters", lambda: list(warnings.filters), _restore_filters),
        Knob("logging root logger", _logging_state, _restore_logging),
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
    """Snapshot the attributes of modules and classes a note might monkeypatch."""

    def __init__(self, targets: Iterable[Any]) -> None:
        self.saved = [(target, dict(vars(target))) for target in targets]

    def restore(self) -> list[str]:
        changed = []
        for target, saved in self.saved:
            current = vars(target)
            for key in set(current) | set(saved):
                before = saved.get(key, _MISSING)
                if current.get(key, _MISSING) is before:
                    continue
                if key in ("__dict__", "__weakref__", "__warningregistry__"):
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


def _refuse_exit(status: int) -> None:
    from pytest_torchnotes.execute import ProcessExit

    raise ProcessExit(status)


def display(value: object) -> None:
    """``sys.displayhook`` for ``>>>`` examples: show the repr, leave ``builtins._`` alone."""
    if value is not None:
        sys.stdout.write(repr(value) + "\n")


class Workspace:
    """A scratch working directory for one note, holding what sits beside the note."""

    def __init__(self, root: Path, note: Path, code: str, skip: Callable[[Path], bool]) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=_safe_prefix(note.stem), dir=root))
        entries = [
            entry
            for entry in _listing(note.parent)
            if entry.name != note.name
            and not entry.name.startswith(".")
            and entry.name != "__pycache__"
        ]
        named = [entry for entry in entries if entry.name in code]
        if len(entries) > MIRROR_ALL_LIMIT:
            entries = named
        else:
            entries = [entry for entry in entries if not skip(entry) or entry in named]
        for entry in entries:
            self._mirror(entry)

    def _mirror(self, entry: Path) -> None:
        target = self.path / entry.name
        try:
            if entry.is_file() and entry.stat().st_size <= COPY_LIMIT:
                shutil.copyfile(entry, target)
            else:
                target.symlink_to(entry, target_is_directory=entry.is_dir())
        except OSError:
            pass  # unreadable entries stay out; the note sees them missing

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _safe_prefix(stem: str) -> str:
    return re.sub(r"[^\w.-]", "_", stem)[:40] + "-"


_LISTINGS: dict[Path, list[Path]] = {}


def _listing(folder: Path) -> list[Path]:
    """Entries of a note folder, listed once per session."""
    if folder not in _LISTINGS:
        try:
            _LISTINGS[folder] = sorted(folder.iterdir())
        except OSError:
            _LISTINGS[folder] = []
    return _LISTINGS[folder]


def new_main_module(name: str = "__main__") -> types.ModuleType:
    """A fresh module whose ``__dict__`` is the note's namespace."""
    module = types.ModuleType(name)
    module.__dict__["__builtins__"] = builtins
    return module
