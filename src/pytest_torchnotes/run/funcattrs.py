"""Attributes a note sets on functions of modules that stay imported after it:
``F.dropout.__defaults__ = (0.0, False, False)`` (every later note's dropout would do
nothing), ``torch.nn.Linear.__init__.__defaults__ = (False, None, None)`` (every later
note's ``Linear`` without a bias), ``json.dumps.__kwdefaults__ = {"indent": 4}``,
``torch.nn.functional.softsign.__code__ = mine.__code__``.

The functions are found as :mod:`.classattrs` finds classes: through the dotted name before
the attribute written (``F.dropout``), read through what the note's imports and assignments
bind its first name to, then through the modules imported when the note starts. A function
of a module the note imports for the first time is not watched: it is not there when the
note starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import FunctionType
from typing import Any

from pytest_torchnotes.run import objattrs

#: What a function's behaviour is made of, besides its ``__dict__``.
STATE = ("__code__", "__defaults__", "__kwdefaults__")


def find_functions(reached: Iterable[tuple[str, Any]]) -> list[FunctionType]:
    """The Python functions among what the owners reached
    (:func:`.classattrs.reached_through`; a method found in a class, a ``staticmethod`` or
    ``classmethod`` among them)."""
    found: dict[int, FunctionType] = {}
    for _, value in reached:
        function = getattr(value, "__func__", value)  # a staticmethod or classmethod
        if isinstance(function, FunctionType):
            found[id(function)] = function
    return list(found.values())


class FunctionGuard:
    """Snapshot the code, defaults and attributes of ``functions``; :meth:`restore` puts
    back what changed."""

    def __init__(self, functions: Iterable[FunctionType]) -> None:
        self.saved = [
            (function, [getattr(function, name) for name in STATE], dict(vars(function)))
            for function in functions
        ]

    def restore(self) -> list[str]:
        changed = []
        for function, state, attributes in self.saved:
            where = f"{function.__module__}.{function.__qualname__}"
            for name, before in zip(STATE, state, strict=True):
                if getattr(function, name) is not before:
                    setattr(function, name, before)
                    changed.append(f"{where}.{name}")
            if objattrs.put_back(vars(function), attributes):
                changed.append(f"{where}.__dict__")
        return sorted(changed)
