"""Knobs of ``multiprocessing``: the start method and the interpreter it starts.

``multiprocessing.set_start_method("spawn", force=True)`` would start every later note's
processes the spawn way (a note's functions cannot reach them), and any call that fixes
the default (``mp.Pool()``, ``mp.get_start_method()``) would make a later note's
``set_start_method(...)`` fail with ``context has already been set``, as it would not in a
script. ``multiprocessing.set_executable`` would start them with another program.
"""

from __future__ import annotations

import multiprocessing.context
import multiprocessing.spawn
from typing import Any

from pytest_torchnotes.run.knobs import Knob

#: The context ``multiprocessing``'s functions use (``multiprocessing.get_context()``); its
#: ``_actual_context`` is the one chosen, ``None`` until something asks.
DEFAULT: Any = multiprocessing.context._default_context


def start_method_knobs() -> list[Knob]:
    """The start method (unset until something asks for it) and the executable."""
    return [
        Knob("multiprocessing start method", _actual_context, _set_actual_context),
        Knob(
            "multiprocessing executable",
            multiprocessing.spawn.get_executable,
            multiprocessing.spawn.set_executable,
        ),
    ]


def _actual_context() -> Any:
    return DEFAULT._actual_context


def _set_actual_context(saved: Any) -> None:
    DEFAULT._actual_context = saved
