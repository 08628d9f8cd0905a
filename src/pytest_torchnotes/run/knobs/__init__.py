"""Global state a note can change and leave behind, as knobs: each knob is read before a note
and put back after it, and the knobs a note changed are named.

The knobs are grouped by what they belong to: :mod:`.python_state` (the interpreter and the
process), :mod:`.async_state` (asyncio and asynchronous code), :mod:`.torch_state` (torch's
settings, hooks, modes and flags) and :mod:`.numpy_state`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Container, Iterable
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
    settings that depend on it (the time zone after the environment).

    The knobs are made once and made again when one of the objects they read and write in
    place is another object than when they were made (:func:`held`): a knob made around
    another such object lists it there. Making them costs more than reading them all.
    """
    global _made
    objects = held()
    if (
        _made is not None
        and len(_made[0]) == len(objects)
        and all(old is new for old, new in zip(_made[0], objects, strict=True))
    ):
        return _made[1]
    from pytest_torchnotes.run.knobs import (
        async_state,
        limits,
        numpy_state,
        process_settings,
        python_state,
        registries,
        setters,
        signals,
        start_method,
        torch_flags,
        torch_state,
    )

    knobs = [
        *python_state.interpreter_knobs(),
        *async_state.async_knobs(),
        *torch_state.settings_knobs(),
        *numpy_state.numpy_knobs(),
        *torch_state.hook_knobs(),
        *torch_flags.flag_knobs(),
        *python_state.process_knobs(),
        *start_method.start_method_knobs(),
        *process_settings.process_setting_knobs(),
        *limits.limit_knobs(),
        *signals.signal_knobs(),
        *registries.registry_knobs(),
        *setters.setter_knobs(),
    ]
    _made = (objects, knobs)
    return knobs


#: The objects the knobs were last made around (:func:`held`), and those knobs.
_made: tuple[tuple[object, ...], list[Knob]] | None = None


def held() -> tuple[object, ...]:
    """The objects the knobs read and write in place (``sys.path``, torch's print options,
    its module hook registries) and the modules they are made of: a note that binds another
    object to one of these names gets knobs made around the new one."""
    torch = sys.modules.get("torch")
    objects: list[object] = [sys.path, sys.argv, torch, sys.modules.get("numpy")]
    if torch is not None:
        from pytest_torchnotes.run.knobs.torch_state import MODULE_HOOKS

        tensor_str = sys.modules.get("torch._tensor_str")
        module = sys.modules.get("torch.nn.modules.module")
        backends = getattr(torch, "backends", None)
        objects += [
            getattr(tensor_str, "PRINT_OPTS", None),
            getattr(torch, "_GLOBAL_DEVICE_CONTEXT", None),
            backends,
            *(getattr(backends, name, None) for name in ("cudnn", "mkldnn", "opt_einsum")),
            module,
            *(vars(module).get(name) for name in MODULE_HOOKS if module is not None),
        ]
    return tuple(objects)


class StateGuard:
    """Snapshot global state; put back and name whatever changed."""

    def __init__(self, knobs: Iterable[Knob]) -> None:
        self.knobs = list(knobs)
        self.saved: list[Any] = []

    def snapshot(self) -> None:
        self.saved = [knob.get() for knob in self.knobs]

    def restore(self, always: Container[str] = ()) -> list[str]:
        """Put back and name what changed; the knobs named in ``always`` (what the runner
        itself changes for every note) are put back without being read and compared."""
        changed = []
        for knob, saved in zip(self.knobs, self.saved, strict=True):
            try:
                if knob.name not in always:
                    try:
                        current = knob.get()
                    except Exception:  # unreadable (a working directory the note removed)
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
