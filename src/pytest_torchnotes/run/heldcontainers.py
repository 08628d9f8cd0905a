"""Containers held by modules imported before a note that its code changes in place,
through a name it writes: ``encodings.aliases.aliases["mine"] = "utf_8"`` (every later
note's ``codecs.lookup("mine")`` found the note's alias),
``decimal.DefaultContext.traps[decimal.Inexact] = True`` (every later note's new contexts
trapped it), ``del http.client.responses[404]``, ``os.supports_fd.discard(os.stat)``,
``keyword.kwlist += ["mine"]``. No attribute is set, so the guards of attributes, which
tell a change by identity, saw nothing.

The target of the change (:mod:`.containertargets`: the dotted name before the subscript,
the mutating method or the augmented assignment, or a name written out in ``getattr``) is
read through what the note's imports and assignments bind its
first name to (``from encodings.aliases import aliases as A; A["x"] = 1``, ``d =
http.client.responses; del d[404]``: :func:`.classattrs.bindings`), then from the modules
imported when the note starts. A target that reaches a mutable mapping, sequence or set
has its contents saved, and they are put back after the note. A container reached through
a call or a computed name, and one of a module the note imports for the first time, are
not watched.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, MutableSequence
from collections.abc import MutableSet as AbstractMutableSet
from typing import Any

from pytest_torchnotes.run import classattrs
from pytest_torchnotes.run.containertargets import changed_targets, spelled_out

#: Containers the interpreter keeps its own books in, or other guards put back on rules
#: of their own: new modules and finders stay, and a thread the note left running is
#: still one (its end deletes its entry, and the session names the threads a note left).
OWNED_ELSEWHERE = (
    "sys.modules",
    "sys.path_importer_cache",
    "threading._active",
    "threading._limbo",
    "threading._shutdown_locks",
    "threading._dangling",
)

#: What a container is.
CONTAINERS = (MutableMapping, MutableSequence, AbstractMutableSet)


def find_containers(targets: Iterable[str], code: str) -> list[tuple[str, Any]]:
    """The mutable containers ``targets`` reach in the imported modules, each with the
    dotted name that reaches it there."""
    owned = {id(value) for value in map(_lookup, OWNED_ELSEWHERE) if value is not None}
    return [
        (path, value)
        for path, value in reached(targets, code)
        if isinstance(value, CONTAINERS) and id(value) not in owned
    ]


def reached(targets: Iterable[str], code: str) -> list[tuple[str, Any]]:
    """What ``targets`` reach in the imported modules, itself or through what ``code``
    binds their first names to, each value once with the dotted name that reaches it."""
    targets = list(targets)
    bound = classattrs.bindings(
        code, {t.partition(".")[0] for t in targets if t.partition(".")[0] not in sys.modules}
    )
    found: dict[int, tuple[str, Any]] = {}
    for target in targets:
        for path in _paths(target, bound, classattrs.DEPTH):
            value = _lookup(path)
            if value is not None:
                found.setdefault(id(value), (path, value))
    return list(found.values())


def _paths(target: str, bound: Mapping[str, list[str]], depth: int) -> Iterator[str]:
    """``target``, and what it is when its first name is read through ``bound``."""
    yield target
    first, dot, rest = target.partition(".")
    if depth:
        for value in bound.get(first, ()):
            yield from _paths(value + dot + rest, bound, depth - 1)


def _lookup(path: str) -> Any:
    """What ``path`` reaches from the longest module name it starts with: read from the
    ``__dict__`` of each step, or from an object of a C type that has none through its
    type's own ``__getattribute__`` (``decimal.DefaultContext.traps``), which runs no code
    of a library's."""
    return classattrs.lookup(path, _attribute)


def _attribute(value: Any, name: str) -> Any:
    namespace = getattr(value, "__dict__", None)
    if name == "__dict__":  # an object's own (a module's and a class's are patches.py's)
        return namespace if not isinstance(value, (types.ModuleType, type)) else None
    if isinstance(namespace, Mapping):
        return namespace.get(name)
    if namespace is not None or not isinstance(
        type(value).__getattribute__, types.WrapperDescriptorType
    ):
        return None
    if any("__getattr__" in vars(cls) for cls in type(value).__mro__):
        return None
    try:
        return getattr(value, name, None)
    except Exception:  # a C getter that refuses: nothing to watch
        return None


def guard(code: str) -> ContainerGuard | None:
    """The guard of the containers ``code`` changes in place; ``None`` when it reaches
    none (most notes: one search of their code)."""
    code = spelled_out(code)
    targets = changed_targets(code)
    containers = find_containers(targets, code) if targets else []
    return ContainerGuard(containers) if containers else None


class ContainerGuard:
    """Snapshot the contents of ``containers``; :meth:`restore` puts back what changed."""

    def __init__(self, containers: Iterable[tuple[str, Any]]) -> None:
        read = [(path, value, _read(value)) for path, value in containers]
        self.saved = [(path, value, contents[1]) for path, value, contents in read if contents[0]]
        #: The containers whose contents could not be read, named after the note.
        self.unread = [
            f"{path} (not watched: its contents could not be read: {contents[1]})"
            for path, _, contents in read
            if not contents[0]
        ]

    def restore(self) -> list[str]:
        changed = list(self.unread)
        for path, value, contents in self.saved:
            try:
                if _same(value, contents):
                    continue
                _refill(value, contents)
            except Exception as error:  # a container that refuses a key or an item
                changed.append(f"{path} (could not be restored: {error})")
            else:
                changed.append(path)
        return sorted(changed)


def _read(value: Any) -> tuple[bool, Any]:
    """Whether the contents of ``value`` could be read, and they (or the error)."""
    try:
        return True, _contents(value)
    except Exception as error:  # a library's mapping whose items() fails
        return False, error


def _contents(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return list(value.items())
    return list(value)


def _same(value: Any, contents: list[Any]) -> bool:
    """Whether ``value`` holds ``contents``: a sequence in order, a mapping's keys with
    the same values and a set's members in any order."""
    if len(value) != len(contents):
        return False
    if isinstance(value, Mapping):
        return all(key in value and _equal(value[key], item) for key, item in contents)
    if isinstance(value, AbstractMutableSet):
        return all(item in value for item in contents)
    return all(_equal(a, b) for a, b in zip(value, contents, strict=True))


def _equal(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:
        return False


def _refill(value: Any, contents: list[Any]) -> None:
    """Give ``value`` the ``contents`` it held, changing only what moved: a mapping whose
    keys cannot be deleted (``decimal``'s signal flags) is given its values back."""
    if isinstance(value, MutableMapping):
        saved = dict(contents)
        for key in [key for key in value if key not in saved]:
            del value[key]
        for key, item in contents:
            if key not in value or not _equal(value[key], item):
                value[key] = item
    elif isinstance(value, MutableSequence):
        value.clear()
        value.extend(contents)
    else:
        value.clear()
        for item in contents:
            value.add(item)
