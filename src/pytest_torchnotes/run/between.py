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

import sys
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_torchnotes.run.patches import AttributeGuard

_SET = setattr
_DELETE = delattr
_DICT = dict
_LIST = list
_IS = isinstance
_ID = id

#: Attributes the interpreter keeps on modules and classes, not the note's.
_INTERNAL = frozenset({"__dict__", "__weakref__", "__warningregistry__"})

#: What the session sets anew for each block (the capture of its output), not the note's to
#: keep from one block to the next: ``sys.stdout = sys.__stdout__`` in a block does not
#: take the output of the blocks after it from the capture.
_PER_BLOCK = frozenset({"stdout", "stderr", "stdin"})

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


def _unchanged(before: dict[str, Any], current: dict[str, Any]) -> bool:
    """Whether a module's attributes are all as they were, compared at C speed (the same
    object is equal to itself without a call)."""
    try:
        return bool(before == current)
    except Exception:  # a value that cannot be compared (an array): compare one by one
        return False


class BetweenBlocks:
    """The attributes of ``targets`` named ``names`` that they have when the note starts
    (when ``names`` is ``None``, every attribute of the standard library's modules among
    them): :meth:`enter` before a block puts the note's values on, :meth:`leave` after it
    takes them off again. A name a target did not have is not the session's to call, and a
    note that reaches attributes through ``vars()`` or computed names is watched only on the
    standard library: comparing every attribute of torch after each block costs
    milliseconds."""

    def __init__(
        self, pairs: Iterable[tuple[Any, str]], modules: Iterable[ModuleType] = ()
    ) -> None:
        #: The target and name of each attribute watched by name, once each: a target listed
        #: twice would find the block's value already taken off.
        self.pairs = [
            pair
            for pair in {(_ID(pair[0]), pair[1]): pair for pair in pairs}.values()
            if not (pair[0] is sys and pair[1] in _PER_BLOCK)
        ]
        #: Modules whose every attribute is watched.
        self.modules = _LIST(modules)
        #: What the note set, by target and name: put on before each of its blocks.
        self.noted: dict[tuple[int, str], tuple[Any, str, Any]] = {}
        #: What the watched attributes were when the running block started.
        self._before: list[tuple[Any, str, Any]] = []
        self._whole: list[tuple[Any, dict[str, Any]]] = []

    @classmethod
    def watching(cls, targets: Iterable[Any], names: frozenset[str] | None) -> BetweenBlocks:
        """Watch the attributes named ``names`` that ``targets`` have (every attribute of the
        standard library's modules among them when ``names`` is ``None``)."""
        unique = _LIST({_ID(target): target for target in targets}.values())
        if names is None:
            stdlib: frozenset[str] = getattr(sys, "stdlib_module_names", frozenset())
            return cls(
                (),
                [
                    target
                    for target in unique
                    if _IS(target, ModuleType) and target.__name__.partition(".")[0] in stdlib
                ],
            )
        return cls((target, name) for target in unique for name in names & target.__dict__.keys())

    @classmethod
    def of(cls, guard: AttributeGuard) -> BetweenBlocks:
        """Watch what ``guard`` saved at the note's start (the attributes the targets had)."""
        if guard.names is None:
            return cls.watching([target for target, _ in guard.saved], None)
        return cls((target, name) for target, saved in guard.saved for name in saved)

    def enter(self) -> None:
        """A block starts: remember the session's values, put the note's on."""
        self._before = [
            (target, name, target.__dict__.get(name, _MISSING)) for target, name in self.pairs
        ]
        self._whole = [(target, _DICT(target.__dict__)) for target in self.modules]
        for target, key, value in self.noted.values():
            _put(target, key, value)

    def leave(self) -> None:
        """The block is over: keep what it set aside and put back what was there before."""
        for target, key, was in self._before:
            self._take_off(target, key, was, target.__dict__.get(key, _MISSING))
        for target, before in self._whole:
            current = target.__dict__
            if _unchanged(before, current):
                continue
            for key in _DICT.fromkeys(_LIST(before) + _LIST(current)):
                self._take_off(target, key, before.get(key, _MISSING), current.get(key, _MISSING))
        self._before = []
        self._whole = []

    def _take_off(self, target: Any, key: str, was: Any, now: Any) -> None:
        if now is was or key in _INTERNAL or (target is sys and key in _PER_BLOCK):
            self.noted.pop((_ID(target), key), None)  # the block put it back itself
            return
        if was is _MISSING and _IS(now, ModuleType):
            return  # a submodule the block imported: importing, not patching
        self.noted[(_ID(target), key)] = (target, key, now)
        _put(target, key, was)

    def changed(self) -> list[str]:
        """``module.name`` of each attribute the note set and that was taken off after it."""
        return [
            f"{getattr(target, '__name__', target)}.{key}" for target, key, _ in self.noted.values()
        ]
