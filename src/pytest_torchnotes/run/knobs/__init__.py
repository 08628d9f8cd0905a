"""Global state a note can change and leave behind, as knobs: each knob is read before a note
and put back after it, and the knobs a note changed are named.

The knobs are grouped by what they belong to: :mod:`.python_state` (the interpreter and the
process), :mod:`.async_state` (asyncio and asynchronous code), :mod:`.torch_state` (torch's
settings, hooks, modes and flags) and :mod:`.numpy_state`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Knob:
    """One piece of global state: how to read it and how to put it back."""

    name: str
    get: Callable[[], Any]
    set: Callable[[Any], None]


def attribute_knob(name: str, owner: object, attribute: str) -> Knob:
    return Knob(
        name,
        lambda: getattr(owner, attribute),
        lambda saved: setattr(owner, attribute, saved),
    )


def every_knob() -> list[Knob]:
    """Every knob, in the order they are put back: the interpreter's state before the process
    settings that depend on it (the time zone after the environment)."""
    from pytest_torchnotes.run.knobs import async_state, numpy_state, python_state, torch_state

    return [
        *python_state.interpreter_knobs(),
        *async_state.async_knobs(),
        *torch_state.settings_knobs(),
        *numpy_state.numpy_knobs(),
        *torch_state.hook_knobs(),
        *python_state.process_knobs(),
    ]


class StateGuard:
    """Snapshot global state; put back and name whatever changed."""

    def __init__(self, knobs: Iterable[Knob]) -> None:
        self.knobs = list(knobs)
        self.saved: list[Any] = []

    def snapshot(self) -> None:
        self.saved = [knob.get() for knob in self.knobs]

    def restore(self) -> list[str]:
        changed = []
        for knob, saved in zip(self.knobs, self.saved, strict=True):
            try:
                try:
                    current = knob.get()
                except Exception:  # unreadable (a working directory the note removed): set it
                    current = _UNREADABLE
                if current is not _UNREADABLE and _same(current, saved):
                    continue
                knob.set(saved)
            except Exception as error:
                changed.append(f"{knob.name} (could not be restored: {error})")
                continue
            changed.append(knob.name)
        return changed


#: A knob whose state cannot be read after the note.
_UNREADABLE = object()


def _same(current: Any, saved: Any) -> bool:
    if current is saved:
        return True
    if type(current).__module__.startswith("torch") and hasattr(current, "equal"):
        return bool(current.equal(saved))  # random state tensors
    try:
        return bool(current == saved)
    except Exception:
        return False
