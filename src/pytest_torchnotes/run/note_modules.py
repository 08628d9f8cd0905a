"""A note's modules: its fresh ``__main__``, what it leaves in ``sys.modules``."""

from __future__ import annotations

import builtins
import functools
import os
import re
import sys
import types


def new_main_module(name: str = "__main__") -> types.ModuleType:
    """A fresh module whose ``__dict__`` is the note's namespace."""
    module = types.ModuleType(name)
    module.__dict__["__builtins__"] = builtins
    return module


def release(module: types.ModuleType) -> None:
    """Drop what a note's code defined, so its tensors are freed even if something keeps
    the namespace alive. Dunder names stay: libraries install their own there (torch.compile
    does) and remove them later."""
    namespace = module.__dict__
    for name in [name for name in namespace if not name.startswith("__")]:
        del namespace[name]


#: An entry a note's code puts into ``sys.modules`` by name: ``sys.modules["fake"] = ...``
#: or ``sys.modules.setdefault("fake", ...)``; group 2 or 4 is the name (a read is not).
ASSIGNED_ENTRY = re.compile(
    r"""sys\.modules(?:\[\s*(['"])([\w.]+)\1\s*\]\s*=(?!=)|\.setdefault\(\s*(['"])([\w.]+)\3)"""
)


def assigned_entries(code: str) -> set[str]:
    """The ``sys.modules`` names that ``code`` writes by a literal name.

    >>> sorted(assigned_entries("sys.modules['fake'] = m\\nsys.modules.setdefault(\\"a.b\\", m)"))
    ['a.b', 'fake']
    >>> assigned_entries("print(sys.modules['json'])\\nsys.modules['os'] == m")
    set()
    """
    return {match.group(2) or match.group(4) for match in ASSIGNED_ENTRY.finditer(code)}


class ModulesGuard:
    """Put back ``sys.modules`` entries a note replaced or removed, and take out the new
    entries its code put there by name (a stand-in module); new imports stay, as a library
    imported for the first time may put modules of its own there."""

    def __init__(self, code: str = "") -> None:
        self.saved = dict(sys.modules)
        self.assigned = assigned_entries(code)

    def restore(self) -> list[str]:
        changed = []
        for name, module in self.saved.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
                changed.append(f"sys.modules[{name!r}]")
        new = sorted(self.assigned - self.saved.keys())
        changed.extend(f"sys.modules[{name!r}]" for name in new if sys.modules.pop(name, None))
        return changed


def forget_modules(before: set[str], folder: str) -> list[str]:
    """Take out of ``sys.modules`` the modules imported since ``before`` from ``folder`` (a
    note's own folder or its scratch copy), so that a later note importing a module of the same
    name from its own folder gets its own; return their names."""
    roots = _roots(folder)
    forgotten = []
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        locations = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or ())]
        if any(isinstance(place, str) and place.startswith(roots) for place in locations):
            del sys.modules[name]
            forgotten.append(name)
    sys.path_importer_cache.pop(folder, None)
    return sorted(forgotten)


@functools.lru_cache(maxsize=64)
def _roots(folder: str) -> tuple[str, ...]:
    """Where the modules of ``folder`` are: its path as given and resolved, made once for each
    folder of notes (resolving it asks the file system about each of its parents)."""
    return tuple({os.path.join(folder, ""), os.path.join(os.path.realpath(folder), "")})
