"""Monkeypatches a note may leave behind: the attribute names its code may patch, and the
modules and classes whose attributes are put back after it."""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterable
from typing import Any

#: An attribute a note's code visibly sets or changes in place: ``torch.zeros = ...``,
#: ``np.pi += 1``. The search starts at the dot and looks back for the name before it:
#: starting at every letter of the code costs several times as much.
ASSIGNED_NAME = re.compile(
    r"\.(?<=\w\.)[ \t]*(?P<assigned>[A-Za-z_]\w*)[ \t]*(?:[-+*/%@&|^]|//|\*\*|>>|<<)?=(?!=)"
)

#: An attribute set or deleted by a name written out: ``setattr(np, "pi", 3)``.
NAMED = re.compile(
    r"attr\((?<=\bsetattr\(|\bdelattr\()\s*[^,()]+,\s*(?P<quote>['\"])(?P<named>\w+)(?P=quote)"
)

#: An attribute deleted: ``del torch.Tensor.shout``.
DELETED = re.compile(r"del(?<=\bdel)[ \t]+[\w.]+\.(?P<deleted>\w+)")

#: Code that patches attributes whose names cannot be read off the text.
DYNAMIC_PATCH = re.compile(r"__dict__|\bvars\(|\b(?:setattr|delattr)\(\s*[^,()]+,\s*[^'\"\s]")

#: Text that :data:`DYNAMIC_PATCH` cannot match without: most notes have none of it, and
#: are not searched with it (every search of the patterns above starts at a fixed text).
DYNAMIC_WORDS = ("__dict__", "vars(", "setattr(", "delattr(")


def patched_names(code: str) -> frozenset[str] | None:
    """Attribute names ``code`` may patch; ``None`` when any name may be patched.

    >>> sorted(patched_names('torch.zeros = f\\nsetattr(np, "pi", 3)\\nx == y.z'))
    ['pi', 'zeros']
    """
    if any(word in code for word in DYNAMIC_WORDS) and DYNAMIC_PATCH.search(code):
        return None
    names = {match.group("assigned") for match in ASSIGNED_NAME.finditer(code)}
    names.update(match.group("named") for match in NAMED.finditer(code))
    names.update(match.group("deleted") for match in DELETED.finditer(code))
    return frozenset(names)


_MISSING = object()


#: Attributes that Python itself sets or caches on modules and classes: not patches.
#: ``__slotnames__`` is cached on a class by ``copyreg`` the first time one of its
#: instances is pickled (``torch.save`` of a tensor).
NOT_PATCHES = frozenset({"__dict__", "__weakref__", "__warningregistry__", "__slotnames__"})


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
                if now is before or key in NOT_PATCHES:
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


#: The packages that run, compare and report a note, whose modules and classes are targets
#: too: ``Example.evaluate = lambda self: None`` (Sybil's) would leave every later block
#: of the note unrun, and a replaced ``Comparator.compare`` would pass them whatever they
#: print. Taken off between the note's blocks, they do not reach the session's own work.
SESSION_PACKAGES = ("pytest_torchnotes", "sybil", "_pytest", "pluggy")


def patch_targets(session: bool = True) -> list[Any]:
    """Modules and classes restored after a note that may monkeypatch; with ``session``,
    those of :data:`SESSION_PACKAGES` too (for a note whose patched names are known: the
    session changes attributes of its own modules while a note runs, which a comparison
    of every attribute would take for the note's)."""
    names = (
        "builtins",
        "math",
        "random",
        "os",
        "os.path",
        "time",
        # What the session itself calls between blocks and notes, and what those modules
        # call in turn: a note that replaces one of them (threading.current_thread = ...)
        # must not break its later blocks or every later note (run/between.py).
        "sys",
        "io",
        "re",
        "gc",
        "signal",
        "threading",
        "tempfile",
        "traceback",
        "linecache",
        "warnings",
        "shutil",
        "subprocess",
        "atexit",
        "codecs",
        "contextlib",
        "ctypes",
        "errno",
        "fcntl",
        "functools",
        "importlib",
        "importlib.util",
        "itertools",
        "locale",
        "logging",
        "mmap",
        "operator",
        "pathlib",
        "select",
        "socket",
        "stat",
        "tokenize",
        "types",
        "weakref",
        "_thread",
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
    if session:
        targets.extend(session_targets())
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


def session_targets() -> list[Any]:
    """The loaded modules of :data:`SESSION_PACKAGES` and the classes they define."""
    targets: list[Any] = []
    for name, module in list(sys.modules.items()):
        if module is None or name.partition(".")[0] not in SESSION_PACKAGES:
            continue
        targets.append(module)
        targets.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type) and value.__module__ == name
        )
    return targets
