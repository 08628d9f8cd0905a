"""The reducers a note leaves registered: ``copyreg.pickle(cls, reducer)`` and changes to
``copyreg.dispatch_table`` change how every later note pickles (``torch.save``,
``copy.deepcopy``, multiprocessing), and so does ``ForkingPickler.register(cls, reducer)``
(``multiprocessing.reduction.ForkingPickler._extra_reducers``) for what multiprocessing
sends to other processes.

Reducers a module imported for the first time registers for its own classes stay: that is
importing the module, not changing it, as long as the module stays imported. Every other
change is put back: reducers the note's code registered, replaced or removed for classes
that existed before it (``torch.Tensor``, standard classes, its own ``__main__`` classes),
reducers of the note's own code for any class, and what the modules of the note's folder
registered, which are forgotten after the note (:func:`note_modules.forget_modules`): the
guard is asked after them.
"""

from __future__ import annotations

import copyreg
import sys
from collections.abc import MutableMapping, Set
from typing import Any


class CopyregGuard:
    """Snapshot ``copyreg.dispatch_table`` and multiprocessing's extra reducers;
    :meth:`restore` puts back what the note changed. ``modules`` are the modules imported
    before the note."""

    def __init__(self, modules: Set[str]) -> None:
        self.modules = modules
        self.tables = [(name, table, dict(table)) for name, table in _tables() if table is not None]

    def restore(self) -> list[str]:
        """Put the tables back; call it after the note's folder's modules are forgotten."""
        changes = []
        for name, table, saved in self.tables:
            if table == saved:
                continue
            changed = []
            for key in list(table):
                if key not in saved and not self._imported(key, table[key]):
                    del table[key]
                    changed.append(_name(key))
            for key, reducer in saved.items():
                if table.get(key) is not reducer:
                    table[key] = reducer
                    changed.append(_name(key))
            if changed:
                changes.append(f"{name} ({', '.join(sorted(changed))})")
        return changes

    def _imported(self, key: Any, reducer: Any) -> bool:
        """Whether ``key`` is a class of a module the note imported for the first time, whose
        ``reducer`` a module still imported registered (not the note's code)."""
        module = getattr(key, "__module__", None)
        return module not in self.modules and _stays(module) and _stays(_module_of(reducer))


def _tables() -> list[tuple[str, MutableMapping[Any, Any] | None]]:
    """The tables of reducers, by the name they are reported with."""
    reduction = sys.modules.get("multiprocessing.reduction")
    pickler = getattr(reduction, "ForkingPickler", None)
    extra = getattr(pickler, "_extra_reducers", None)
    return [
        ("copyreg.dispatch_table", copyreg.dispatch_table),
        (
            "multiprocessing.reduction.ForkingPickler._extra_reducers",
            extra if isinstance(extra, dict) else None,
        ),
    ]


def _module_of(reducer: Any) -> str | None:
    module = getattr(reducer, "__module__", None)
    return module if isinstance(module, str) else type(reducer).__module__


def _stays(module: str | None) -> bool:
    """Whether ``module`` is imported and is not the note's ``__main__``."""
    return module is not None and module != "__main__" and module in sys.modules


def _name(key: Any) -> str:
    return f"{getattr(key, '__module__', '?')}.{getattr(key, '__qualname__', key)}"
