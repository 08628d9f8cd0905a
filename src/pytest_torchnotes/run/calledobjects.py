"""Objects held by modules imported before a note whose methods its code calls through a
name it writes: ``reprlib.aRepr.__init__()`` (every later note's ``reprlib.repr`` took the
note's limits back to what ``__init__`` sets), ``lib.settings.configure(size=9)``. A
method that rebinds an attribute of the object leaves it to every later note, and no
attribute is named in the note's text for :mod:`.objattrs` to watch.

The owner of each method called (``reprlib.aRepr``) is read as :mod:`.heldcontainers`
reads a target. An object with a ``__dict__`` (not a module, class, function or container)
has its attributes saved; after the note, those it had that a call rebound or deleted are
put back and named. An attribute a call adds stays: objects add attributes as caches
(``torch.ops.aten`` adds each operator it is asked for). An object of a C type without a
``__dict__`` keeps its state where no name reads it (``decimal.DefaultContext.clear_traps()``)
and is not watched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from inspect import isroutine
from types import ModuleType
from typing import Any

from pytest_torchnotes.run import classattrs, containertargets, heldcontainers

#: A method called on a dotted name: ``reprlib.aRepr.__init__(``. The search starts at the
#: dot; the owner is read back from it.
CALLED = re.compile(r"\.(?<=\w\.)\w+[ \t]*\(")


def called_owners(code: str) -> frozenset[str]:
    """The dotted names whose methods ``code`` calls.

    >>> sorted(called_owners("reprlib.aRepr.__init__()\\nx.y.z (1)\\nf().g()\\nh(2)"))
    ['reprlib.aRepr', 'x.y']
    """
    owners = (containertargets.name_before(code, match.start()) for match in CALLED.finditer(code))
    return frozenset(owner for owner in owners if owner and owner[0] not in classattrs.NOT_FIRST)


def find_objects(owners: Iterable[str], code: str) -> list[tuple[str, Any]]:
    """The objects with a ``__dict__`` that ``owners`` reach in the imported modules."""
    return [
        (path, value)
        for path, value in heldcontainers.reached(owners, code)
        if isinstance(getattr(value, "__dict__", None), dict)
        and not isinstance(value, (ModuleType, type, *heldcontainers.CONTAINERS))
        and not isroutine(value)
    ]


def guard(code: str) -> CalledObjectGuard | None:
    """The guard of the objects whose methods ``code`` calls; ``None`` when it reaches
    none."""
    owners = called_owners(code)
    objects = find_objects(owners, code) if owners else []
    return CalledObjectGuard(objects) if objects else None


class CalledObjectGuard:
    """Snapshot the attributes of ``objects``; :meth:`restore` puts back those they had
    that changed."""

    def __init__(self, objects: Iterable[tuple[str, Any]]) -> None:
        self.saved = [(path, value, dict(vars(value))) for path, value in objects]

    def restore(self) -> list[str]:
        changed = []
        for path, value, attributes in self.saved:
            now = vars(value)
            for key, before in attributes.items():
                if now.get(key, _MISSING) is not before:
                    now[key] = before
                    changed.append(f"{path}.{key}")
        return sorted(changed)


#: An attribute an object does not have.
_MISSING = object()
