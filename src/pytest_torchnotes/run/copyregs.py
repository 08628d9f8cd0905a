""":mod:`copyreg` as a note leaves it: ``copyreg.pickle(cls, reducer)`` and changes to
``copyreg.dispatch_table`` change how every later note pickles (``torch.save``,
``copy.deepcopy``, multiprocessing).

Reducers registered for classes of a module the note imported for the first time stay:
that is importing the module, not changing it (the module stays imported). Every other
change is put back: reducers the note's code registered, replaced or removed for classes
that existed before it (``torch.Tensor``, standard classes, its own ``__main__`` classes).
"""

from __future__ import annotations

import copyreg
from collections.abc import Set
from typing import Any


class CopyregGuard:
    """Snapshot ``copyreg.dispatch_table``; :meth:`restore` puts back what the note changed.
    ``modules`` are the modules imported before the note."""

    def __init__(self, modules: Set[str]) -> None:
        self.modules = modules
        self.saved = dict(copyreg.dispatch_table)

    def restore(self) -> list[str]:
        table = copyreg.dispatch_table
        if table == self.saved:
            return []
        changed = []
        for key in list(table):
            if key not in self.saved and not self._imported(key):
                del table[key]
                changed.append(_name(key))
        for key, reducer in self.saved.items():
            if table.get(key) is not reducer:
                table[key] = reducer
                changed.append(_name(key))
        return [f"copyreg.dispatch_table ({', '.join(sorted(changed))})"] if changed else []

    def _imported(self, key: Any) -> bool:
        """Whether ``key`` is a class of a module the note imported for the first time."""
        module = getattr(key, "__module__", None)
        return module not in self.modules and module != "__main__"


def _name(key: Any) -> str:
    return f"{getattr(key, '__module__', '?')}.{getattr(key, '__qualname__', key)}"
