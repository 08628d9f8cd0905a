"""A note's monkeypatches taken off while the session works between its blocks.

The session itself calls functions of the standard library (and of torch) between a note's
blocks and when it closes the note: ``time.perf_counter`` to time a block, ``os.dup2`` to
give file descriptor 1 back, ``signal.signal`` for the time limit, ``threading`` to find the
threads a block left, and the standard library calls its own module attributes in turn
(``os.path.exists`` calls ``os.stat``). A note that replaces one of them
(``time.perf_counter = None``) must fail only where its own code breaks, not in the
session's code after it. So right after each block the attributes its code may patch
(:func:`pytest_torchnotes.run.patches.patched_names`) are put back as they were before the
block, and what the note had set is put on again right before its next block.

Nothing here calls a function looked up on a module or in ``builtins`` before the
session's values are back: the few it needs are bound when this module is imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Any

_SET = setattr
_DELETE = delattr
_DICT = dict
_LIST = list
_IS = isinstance
_ID = id

#: Attributes the interpreter keeps on modules and classes, not the note's.
_INTERNAL = frozenset({"__dict__", "__weakref__", "__warningregistry__"})

#: An attribute a target does not have.
_MISSING: Any = object()


def _put(target: Any, key: str, value: Any) -> None:
    try:
        if value is _MISSING:
            _DELETE(target, key)
        else:
            _SET(target, key, value)
    except (AttributeError, TypeError):  # a read-only attribute: the note could not set it
        pass


class BetweenBlocks:
    """The attributes of ``targets`` named ``names`` (every attribute when ``names`` is
    ``None``): :meth:`enter` before a block puts the note's values on, :meth:`leave` after
    it takes them off again."""

    def __init__(self, targets: Iterable[Any], names: frozenset[str] | None) -> None:
        # Once each: a target listed twice would find the block's value already taken off.
        self.targets = _LIST({_ID(target): target for target in targets}.values())
        self.names = names
        #: What the note set, by target and name: put on before each of its blocks.
        self.noted: dict[tuple[int, str], tuple[Any, str, Any]] = {}
        #: What each watched attribute was when the running block started.
        self._before: list[tuple[Any, dict[str, Any]]] = []

    def enter(self) -> None:
        """A block starts: remember the session's values, put the note's on."""
        names = self.names
        if names is None:
            self._before = [(target, _DICT(target.__dict__)) for target in self.targets]
        else:
            self._before = [
                (target, {name: target.__dict__.get(name, _MISSING) for name in names})
                for target in self.targets
            ]
        for target, key, value in self.noted.values():
            _put(target, key, value)

    def leave(self) -> None:
        """The block is over: keep what it set aside and put back what was there before."""
        noted = self.noted
        whole = self.names is None
        for target, before in self._before:
            current = target.__dict__
            keys = _DICT.fromkeys(_LIST(before) + _LIST(current)) if whole else before
            for key in keys:
                was = before.get(key, _MISSING)
                now = current.get(key, _MISSING)
                if now is was or key in _INTERNAL:
                    noted.pop((_ID(target), key), None)  # the block put it back itself
                    continue
                if was is _MISSING and _IS(now, ModuleType):
                    continue  # a submodule the block imported: importing, not patching
                noted[(_ID(target), key)] = (target, key, now)
                _put(target, key, was)
        self._before = []

    def changed(self) -> list[str]:
        """``module.name`` of each attribute the note set and that was taken off after it."""
        return [
            f"{getattr(target, '__name__', target)}.{key}" for target, key, _ in self.noted.values()
        ]
