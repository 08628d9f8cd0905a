"""Class attributes a note sets on classes of the standard library, torch and numpy:
``json.JSONEncoder.item_separator = ";"``, ``logging.Formatter.default_time_format = ...``,
``pprint.PrettyPrinter._dispatch[f] = g``. Every later note would format, parse and log
with them.

A class is watched only when the note's code changes an attribute of a class it names
(the name it is written with, which starts with a capital letter, as classes' names do):
most notes name none and cost one search of their code. The class is found by that name in
the modules imported when the note starts; its attributes are saved, containers among them
(``_dispatch``, a dict) by their contents, and put back after the note. A class the note
reaches under another name (``from json import JSONEncoder as E``) is not watched.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any

#: An attribute of a class named in the code that is set, changed or changed in place:
#: ``json.JSONEncoder.item_separator = ";"``, ``PrettyPrinter._dispatch[f] = g``,
#: ``Formatter.converter += 1``, ``PrettyPrinter._dispatch.update(...)``. The search starts
#: at a capital letter and looks back for the start of its name.
CHANGED = re.compile(
    r"(?P<owner>[A-Z](?<=\b[A-Z])\w*)\.\w+[ \t]*(?:\[[^\]\n]*\][ \t]*)?"
    r"(?:(?:[-+*/%@&|^]|//|\*\*|>>|<<)?=(?!=)"
    r"|\.(?:update|pop|popitem|setdefault|clear|append|extend|insert|remove)\()"
)

#: A class attribute set or deleted through ``setattr``/``delattr``: ``setattr(Formatter,
#: "converter", f)``.
NAMED = re.compile(r"attr\((?<=\bsetattr\(|\bdelattr\()\s*(?:\w+\.)*(?P<owner>[A-Z]\w*)\s*,")

#: A class attribute deleted: ``del argparse.ArgumentParser.prog``.
DELETED = re.compile(r"del(?<=\bdel)[ \t]+(?:\w+\.)*(?P<owner>[A-Z]\w*)\.\w")

#: Text of private attributes: a class's containers changed in place are private ones
#: (``PrettyPrinter._dispatch``).
PRIVATE = "._"

#: Top-level packages besides the standard library whose classes are watched.
PACKAGES = frozenset({"torch", "numpy"})

_CONTAINERS = (dict, list, set)


def changed_classes(code: str, assigns: bool) -> frozenset[str]:
    """Names of classes whose attributes ``code`` may change. ``assigns`` says whether the
    code sets any attribute at all (:func:`pytest_torchnotes.run.patches.patched_names`):
    unless it does, or names a private attribute, the code is not searched.

    >>> sorted(changed_classes('json.JSONEncoder.item_separator = ";"\\nx.y = 1\\n'
    ...                        'pprint.PrettyPrinter._dispatch[f] = g', True))
    ['JSONEncoder', 'PrettyPrinter']
    """
    if not assigns and PRIVATE not in code:
        return frozenset()
    names: set[str] = set()
    for pattern in (CHANGED, NAMED, DELETED):
        names.update(match.group("owner") for match in pattern.finditer(code))
    return frozenset(names)


def find_classes(names: Iterable[str]) -> list[type]:
    """The classes called ``names`` in the imported modules of the standard library, torch
    and numpy."""
    found: dict[int, type] = {}
    wanted = list(names)
    if not wanted:
        return []
    for namespace in _namespaces():
        for name in wanted:
            value = namespace.get(name)
            if isinstance(value, type):
                found[id(value)] = value
    return list(found.values())


#: The namespaces :func:`find_classes` searches, and how many modules were imported when
#: they were listed: most notes import nothing new.
_listed: tuple[int, list[dict[str, Any]]] = (0, [])


def _namespaces() -> list[dict[str, Any]]:
    global _listed
    count, namespaces = _listed
    if count == len(sys.modules):
        return namespaces
    watched = getattr(sys, "stdlib_module_names", frozenset()) | PACKAGES
    namespaces = []
    for name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if name.partition(".")[0] in watched and isinstance(namespace, dict):
            namespaces.append(namespace)
    _listed = (len(sys.modules), namespaces)
    return namespaces


_MISSING = object()


class ClassGuard:
    """Snapshot the attributes of ``classes``; :meth:`restore` puts back what changed."""

    def __init__(self, classes: Iterable[type]) -> None:
        self.saved = [
            (cls, dict(vars(cls)), {key: _copy(value) for key, value in vars(cls).items()})
            for cls in classes
        ]

    def restore(self) -> list[str]:
        changed = []
        for cls, attributes, contents in self.saved:
            current = vars(cls)
            for key in set(current) | set(attributes):
                if key in ("__dict__", "__weakref__"):
                    continue
                before = attributes.get(key, _MISSING)
                now = current.get(key, _MISSING)
                try:
                    if now is not before:
                        if before is _MISSING:
                            delattr(cls, key)
                        else:
                            setattr(cls, key, before)
                    elif not _same_contents(now, contents.get(key)):
                        _refill(now, contents[key])
                    else:
                        continue
                except (AttributeError, TypeError):
                    continue
                changed.append(f"{cls.__module__}.{cls.__qualname__}.{key}")
        return sorted(changed)


def _copy(value: Any) -> Any:
    return type(value)(value) if type(value) in _CONTAINERS else None


def _same_contents(value: Any, saved: Any) -> bool:
    if saved is None or type(value) not in _CONTAINERS:
        return True
    try:
        return bool(value == saved) and len(value) == len(saved)
    except Exception:
        return False


def _refill(value: Any, saved: Any) -> None:
    value.clear()
    if isinstance(value, list):
        value.extend(saved)
    else:
        value.update(saved)
