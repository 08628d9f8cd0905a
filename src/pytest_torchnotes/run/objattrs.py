"""Attributes a note sets on objects that modules imported before it hold, by a name it
writes: ``reprlib.aRepr.maxstring = 5`` (every later note's ``reprlib.repr`` would cut its
strings), ``logging.lastResort.level = logging.CRITICAL``,
``constraints.positive.lower_bound = -1.0`` (every later note's distributions would take a
negative scale).

The objects are found as :mod:`.classattrs` finds classes, through the dotted name before
the attribute written; classes, functions (:mod:`.funcattrs`) and modules (whose
attributes are put back on their own) are left out. An object's attributes are read from
its ``__dict__``: one that keeps them in ``__slots__`` is not watched, nor one that the
note reaches through a call (``logging.getLogger("x").y = 1``).
"""

from __future__ import annotations

from collections.abc import Iterable
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
        if isinstance(getattr(value, "__dict__", None), dict):
            found.setdefault(id(value), (owner, value))
    return list(found.values())


class ObjectGuard:
    """Snapshot the attributes of ``objects``; :meth:`restore` puts back what changed."""

    def __init__(self, objects: Iterable[tuple[str, Any]]) -> None:
        self.saved = [(owner, value, dict(vars(value))) for owner, value in objects]

    def restore(self) -> list[str]:
        changed: list[str] = []
        for owner, value, attributes in self.saved:
            changed.extend(f"{owner}.{key}" for key in put_back(vars(value), attributes))
        return changed


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
