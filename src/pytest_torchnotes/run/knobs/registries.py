"""Registries of the interpreter and of torch that a note adds to: the garbage collector's
callbacks and debug flags, the import system's finders and path hooks, and the classes
torch's ``weights_only`` loading accepts.

``gc.set_debug(gc.DEBUG_SAVEALL)`` would keep every later note's garbage in ``gc.garbage``
for the rest of the session; a finder put first on ``sys.meta_path`` would answer every
later import; ``torch.serialization.add_safe_globals([C])`` would let a later note load
what it should refuse. The lists are put back as they were; when the path hooks changed,
the finders they made (``sys.path_importer_cache``, a cache) are dropped too.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

from pytest_torchnotes.run.knobs import Knob


def registry_knobs() -> list[Knob]:
    """The registries, where this Python and torch have them."""
    knobs = [
        Knob("gc.callbacks", lambda: list(gc.callbacks), _set_callbacks),
        Knob("gc debug flags", gc.get_debug, gc.set_debug),
        Knob("sys.meta_path", lambda: list(sys.meta_path), _set_meta_path),
        Knob("sys.path_hooks", lambda: list(sys.path_hooks), _set_path_hooks),
    ]
    serialization = sys.modules.get("torch.serialization")
    if serialization is not None and hasattr(serialization, "get_safe_globals"):
        knobs.append(
            Knob(
                "torch safe globals",
                serialization.get_safe_globals,
                lambda saved: _set_safe_globals(serialization, saved),
            )
        )
    return knobs


def _set_callbacks(saved: list[Any]) -> None:
    gc.callbacks[:] = saved


def _set_meta_path(saved: list[Any]) -> None:
    sys.meta_path[:] = saved


def _set_path_hooks(saved: list[Any]) -> None:
    sys.path_hooks[:] = saved
    sys.path_importer_cache.clear()


def _set_safe_globals(serialization: Any, saved: list[Any]) -> None:
    serialization.clear_safe_globals()
    serialization.add_safe_globals(saved)
