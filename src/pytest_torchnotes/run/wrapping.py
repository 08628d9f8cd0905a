"""Functions of modules and classes replaced by wrappers while a note runs, and the originals
put back after it, whatever the note bound to those names in the meantime."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

#: A class that had no attribute of its own by that name (it inherited it).
_INHERITED = object()


class Wrapping:
    """Wrap functions with :meth:`wrap`; :meth:`unwrap` puts every original back, the last
    wrapped first."""

    def __init__(self) -> None:
        self._saved: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, name: str, make: Callable[[Any], Any]) -> Any:
        """Set ``owner.name`` to ``make(original)``; return the original, or ``None`` (and
        wrap nothing) where ``owner`` has no function by that name or takes no other. A
        class's own attribute is saved as it is stored, so that a method of a C extension
        goes back as a method; a static method (its own or inherited) is wrapped as one."""
        original = getattr(owner, name, None)
        if not callable(original):
            return None
        saved = vars(owner).get(name, _INHERITED) if isinstance(owner, type) else original
        wrapper = make(original)
        if isinstance(owner, type) and isinstance(_stored(owner, name), staticmethod):
            wrapper = staticmethod(wrapper)
        try:
            setattr(owner, name, wrapper)
        except (AttributeError, TypeError):  # a read-only attribute of a C object
            return None
        self._saved.append((owner, name, saved))
        return original

    @property
    def saved(self) -> list[tuple[Any, str, Any]]:
        """What is wrapped: owner, name and the original as it was stored, in order."""
        return list(self._saved)

    def unwrap(self) -> None:
        """Put back the originals."""
        for owner, name, saved in reversed(self._saved):
            if saved is _INHERITED:
                with contextlib.suppress(AttributeError):
                    delattr(owner, name)
            else:
                setattr(owner, name, saved)
        self._saved = []


def _stored(cls: type, name: str) -> object:
    """``cls.name`` as the class, or the first of its bases that has it, stores it."""
    return next((vars(base)[name] for base in cls.__mro__ if name in vars(base)), None)
