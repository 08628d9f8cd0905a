"""Attributes a note sets on objects that modules imported before it hold, by a name it
writes: ``reprlib.aRepr.maxstring = 5`` (every later note's ``reprlib.repr`` would cut its
strings), ``logging.lastResort.level = logging.CRITICAL``,
``constraints.positive.lower_bound = -1.0`` (every later note's distributions would take a
negative scale).

The objects are found as :mod:`.classattrs` finds classes, through the dotted name before
the attribute written; classes, functions (:mod:`.funcattrs`) and modules (whose
attributes are put back on their own) are left out. An object's attributes are read from
its ``__dict__``, and those it keeps elsewhere from its ``__slots__`` or, for an object of
a C type with neither (``decimal.DefaultContext.rounding = decimal.ROUND_DOWN``: every
later note's new contexts round down), from the data attributes ``dir`` lists: values and
the contents of dictionaries (``DefaultContext.traps[decimal.Inexact] = True``). An object
the note reaches through a call (``logging.getLogger("x").y = 1``) is not watched.
"""

from __future__ import annotations

from collections.abc import Iterable
from inspect import isroutine
from types import FunctionType, ModuleType
from typing import Any


def find_objects(reached: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The objects among what the owners reached (:func:`.classattrs.reached_through`)
    that are neither classes, functions nor modules and have a ``__dict__``, each with the
    owner that names it."""
    found: dict[int, tuple[str, Any]] = {}
    for owner, value in reached:
        if isinstance(value, (type, FunctionType, ModuleType, staticmethod, classmethod)):
            continue
        if isinstance(getattr(value, "__dict__", None), dict) or _kept_elsewhere(value):
            found.setdefault(id(value), (owner, value))
    return list(found.values())


class ObjectGuard:
    """Snapshot the attributes of ``objects``; :meth:`restore` puts back what changed."""

    def __init__(self, objects: Iterable[tuple[str, Any]]) -> None:
        self.saved = [
            (owner, value, _own_dict(value), _read_kept(value)) for owner, value in objects
        ]

    def restore(self) -> list[str]:
        changed: list[str] = []
        for owner, value, attributes, kept in self.saved:
            if attributes is not None:
                changed.extend(f"{owner}.{key}" for key in put_back(vars(value), attributes))
            changed.extend(f"{owner}.{key}" for key in _put_back_kept(value, kept))
        return changed


def _own_dict(value: Any) -> dict[str, Any] | None:
    attributes = getattr(value, "__dict__", None)
    return dict(attributes) if isinstance(attributes, dict) else None


def _kept_elsewhere(value: Any) -> list[str]:
    """The names of the attributes ``value`` keeps outside a ``__dict__``: its classes'
    ``__slots__``, or for an object of a C type without a ``__dict__``, the data
    attributes ``dir`` lists (not methods, not dunders)."""
    names: list[str] = []
    for cls in type(value).__mro__:
        slots = vars(cls).get("__slots__", ())
        names.extend([slots] if isinstance(slots, str) else slots)
    names = [name for name in names if name not in ("__dict__", "__weakref__")]
    if names or hasattr(value, "__dict__") or type(value).__module__ == "builtins":
        return names
    return [
        name
        for name in dir(value)
        if not name.startswith("__") and not isroutine(getattr(value, name, None))
    ]


def _read_kept(value: Any) -> list[tuple[str, Any, Any]]:
    """Each attribute :func:`_kept_elsewhere` names, with a copy of a dictionary's
    contents (``None`` for another value)."""
    kept = []
    for name in _kept_elsewhere(value):
        try:
            now = getattr(value, name)
        except Exception:  # not set, or a property that fails: nothing to put back
            now = _MISSING
        kept.append((name, now, _contents(now)))
    return kept


def _contents(value: Any) -> dict[Any, Any] | None:
    try:
        return dict(value.items()) if hasattr(value, "items") else None
    except Exception:
        return None


def _put_back_kept(value: Any, kept: list[tuple[str, Any, Any]]) -> list[str]:
    """Give ``value`` the attributes ``kept`` read; the names of those that changed."""
    moved = []
    for name, before, contents in kept:
        now: Any = getattr(value, name, _MISSING)
        try:
            if not _same(now, before):
                if before is _MISSING:
                    delattr(value, name)
                else:
                    setattr(value, name, before)
            elif contents is not None and _contents(now) != contents:
                now.update(contents)
            else:
                continue
        except (AttributeError, TypeError, ValueError):
            continue  # read only, or refused: nothing the note could have set either
        moved.append(name)
    return sorted(moved)


def _same(now: Any, before: Any) -> bool:
    if now is before:
        return True
    try:
        return bool(now == before)
    except Exception:
        return False


def put_back(now: dict[str, Any], saved: dict[str, Any]) -> list[str]:
    """Make the attributes ``now`` what ``saved`` holds again when any of them moved (told
    by identity); the keys that moved, sorted."""
    keys = now.keys() | saved.keys()
    moved = sorted(key for key in keys if now.get(key, _MISSING) is not saved.get(key, _MISSING))
    if moved:
        now.clear()
        now.update(saved)
    return moved


#: An attribute an object did not have.
_MISSING = object()
