"""A note's modules: its fresh ``__main__``, what it leaves in ``sys.modules``."""

from __future__ import annotations

import builtins
import functools
import operator
import os
import re
import sys
import types
from collections.abc import Iterable, Iterator, Set
from typing import Any, TypeVar

from pytest_torchnotes.run.dictversion import VERSION

_S = TypeVar("_S")


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


def names_entries(code: str) -> bool:
    """Whether ``code`` may put entries into ``sys.modules`` by name: it names ``modules``
    and ``sys`` both (``sys.modules``, ``from sys import modules``, ``import sys as s;
    s.modules``). Most notes that say ``modules`` mean a model's (``model.modules()``,
    ``torch.nn.modules``): they are not searched for the names.

    >>> names_entries("from sys import modules"), names_entries("import sys as s\\ns.modules")
    (True, True)
    >>> names_entries("for m in model.modules():\\n    print(m)")
    False
    """
    return "modules" in code and "sys" in code


class ModulesGuard:
    """Put back ``sys.modules`` entries a note replaced or removed, and take out the new
    entries its code put there by name (a stand-in module); new imports stay, as a library
    imported for the first time may put modules of its own there. ``__main__`` is the
    session's to put back: the note runs in a module of its own there.

    Every note is guarded, not only those whose text names ``sys`` and ``modules``:
    ``vars(sys)["mod" + "ules"]["json"] = None`` reached it all the same, and the next
    note's ``import json`` failed. The names and the modules are copied as two lists and
    compared after the note, in C: the names as lists, the modules one by one by identity
    (``operator.is_``; a list's ``==`` let a stand-in whose ``__eq__`` says it equals every
    object pass for the module it replaced): about 35 us a note with torch imported; only
    where an entry changed are they compared name by name. A ``sys.modules`` the note put in
    place of the session's dictionary (a ``dict`` subclass whose ``__eq__`` lies, through
    ``setattr(sys, "mod" + "ules", d)``) is taken off first: the checks read the session's
    dictionary, kept when the guard is made.

    Where a dictionary's version can be read (:mod:`.dictversion`), none of that is read
    for a note that changed nothing in ``sys.modules``: the session's ``__main__`` written
    in and out through the guard (:meth:`enter`, :meth:`leave`), the version then and after
    the note tells that no entry changed, and the lists the guard took are kept for the
    next note's guard and for :class:`ModuleNames`. Four passes over some thousands of
    modules, out of the processor's caches after a note's work, cost about 0.5 ms a note."""

    def __init__(self, code: str = "") -> None:
        #: The session's dictionary: the import system's own, which the note's may hide.
        self.table = sys.modules
        #: Its version now (:mod:`.dictversion`), where it can be read.
        self.version = None if VERSION is None else VERSION(self.table)
        kept = _left
        if kept is not None and kept[0] is self.table and kept[1] == self.version:
            self.names, self.modules = kept[2], kept[3]  # as the note before left them
        else:
            self.names = list(sys.modules)
            self.modules = list(sys.modules.values())
        #: Where ``__main__`` is among them (near the start: the interpreter puts it first).
        self.main = self.names.index("__main__") if "__main__" in sys.modules else None
        self.assigned = assigned_entries(code) if names_entries(code) else set()
        #: The version right after the note's ``__main__`` went in, where nothing else had
        #: changed ``sys.modules`` since the lists were taken (:meth:`enter`).
        self._entered: int | None = None

    def _same_table(self) -> bool:
        return vars(sys).get("modules") is self.table

    def names_now(self) -> ModuleNames:
        """The names of ``sys.modules`` now: the guard's list where nothing changed since."""
        if VERSION is not None and self._same_table() and VERSION(self.table) == self.version:
            return ModuleNames(self.names)
        return ModuleNames()

    def enter(self, main: types.ModuleType) -> None:
        """Put the note's module in as ``__main__``."""
        untouched = (
            VERSION is not None
            and self.main is not None
            and self._same_table()
            and VERSION(self.table) == self.version
        )
        self.table["__main__"] = main
        if untouched and VERSION is not None:
            self._entered = VERSION(self.table)

    def _untouched(self) -> bool:
        """Whether nothing changed ``sys.modules`` since the note's ``__main__`` went in:
        the same dictionary, of the same version. Then every entry is as the guard took it,
        ``__main__`` aside, without reading one."""
        entered = self._entered
        return (
            entered is not None
            and VERSION is not None
            and self._same_table()
            and VERSION(self.table) == entered
        )

    def _unchanged(self) -> bool:
        """Whether every entry is still there, in its place, with its module (``__main__``
        aside): new entries may follow."""
        now = self.table
        count = len(self.names)
        if list(now)[:count] != self.names:
            return False
        modules = list(now.values())
        if self.main is not None:  # the note's module now: the session puts it back
            modules[self.main] = self.modules[self.main]
        # By identity: == asks the stand-in's __eq__, which may say it equals the module.
        return all(map(operator.is_, modules, self.modules))

    def restore(self) -> list[str]:
        changed = []
        if not self._same_table():
            sys.modules = self.table
            changed.append("sys.modules")
        if not (self._untouched() or self._unchanged()):
            for name, module in zip(self.names, self.modules, strict=True):
                if name != "__main__" and sys.modules.get(name) is not module:
                    sys.modules[name] = module
                    changed.append(f"sys.modules[{name!r}]")
        if self.assigned:
            new = sorted(self.assigned.difference(self.names))
            changed.extend(f"sys.modules[{name!r}]" for name in new if sys.modules.pop(name, None))
        return changed

    def leave(self, main: types.ModuleType | None, names: ModuleNames) -> None:
        """Put the session's ``__main__`` back. Where nothing else changed ``sys.modules``
        since :meth:`enter`, it is again what the guard took: its lists are kept for the next
        note's guard, and ``names`` (taken with them) adds nothing."""
        global _left
        untouched = self._untouched() and main is not None
        if main is not None:
            self.table["__main__"] = main
        if not (untouched and self.main is not None and self.modules[self.main] is main):
            _left = None
            return
        version = VERSION(self.table) if VERSION is not None else None
        _left = (self.table, version, self.names, self.modules)
        if names.listed(self.names):
            names.version = version


#: ``sys.modules``, its version and its names and modules as the last note left them, where
#: it left them as its guard took them (:meth:`ModulesGuard.leave`).
_left: tuple[dict[str, Any], int | None, list[str], list[Any]] | None = None


class ModuleNames(Set[str]):
    """The names in ``sys.modules`` when it is made: a copy of their list, in the order of
    ``sys.modules``, and a set of them only when asked whether one is in it.

    With a few thousand modules imported (torch), a set of the names and the difference of
    two sets cost about ten times as much as the list and :meth:`added`, which compares the
    names of now with those of then in order and, when ``sys.modules`` only grew, takes the
    new names from the end (a dictionary keeps the order in which its keys came)."""

    def __init__(self, names: list[str] | None = None) -> None:
        self._names = list(sys.modules) if names is None else names
        self._set: frozenset[str] | None = None
        #: A version of ``sys.modules`` (:mod:`.dictversion`) whose names these are all.
        self.version: int | None = None

    def listed(self, names: list[str]) -> bool:
        """Whether these are the very list ``names``."""
        return self._names is names

    def _names_set(self) -> frozenset[str]:
        if self._set is None:
            self._set = frozenset(self._names)
        return self._set

    def __contains__(self, name: object) -> bool:
        return name in self._names_set()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    @classmethod
    def _from_iterable(cls, names: Iterable[_S]) -> Set[_S]:
        """What ``&``, ``|`` and ``-`` make: a plain set."""
        return frozenset(names)

    def added(self) -> list[str]:
        """The names in ``sys.modules`` now that were not in it then.

        >>> names = ModuleNames()
        >>> sys.modules["a_module_of_a_note"] = types.ModuleType("a_module_of_a_note")
        >>> names.added()
        ['a_module_of_a_note']
        >>> del sys.modules["a_module_of_a_note"]
        """
        version = self.version
        if VERSION is not None and version is not None and VERSION(sys.modules) == version:
            return []  # the same dictionary of the same version: nothing came
        now = list(sys.modules)
        count = len(self._names)
        if now[:count] == self._names:  # nothing removed, nothing moved: only added at the end
            return now[count:]
        before = self._names_set()  # a module removed, or removed and imported again
        return [name for name in now if name not in before]


def forget_modules(before: ModuleNames, folder: str) -> list[str]:
    """Take out of ``sys.modules`` the modules imported since ``before`` from ``folder`` (a
    note's own folder or its scratch copy), so that a later note importing a module of the same
    name from its own folder gets its own; return their names."""
    roots = _roots(folder)
    forgotten = []
    for name in before.added():
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
