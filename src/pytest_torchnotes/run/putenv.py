"""Environment variables a note sets or removes below ``os.environ``: ``os.putenv`` and
``os.unsetenv`` change the process's environment, which child processes inherit, without
``os.environ`` (which the environment knob of ``run/knobs`` puts back) knowing. Every later
note's ``subprocess.run`` would see them.

While a note whose code names them runs, the names it gives them are recorded; after the
note, each such variable is made what ``os.environ`` says again (set to its value there, or
removed).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

#: Text of the note's code without which it calls neither function.
WORDS = ("putenv", "unsetenv")


class PutenvGuard:
    """Record the names given to ``os.putenv``/``os.unsetenv`` between :meth:`start` and
    :meth:`restore`, which puts them back as ``os.environ`` has them."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self._saved: list[tuple[str, Callable[..., Any]]] = []

    def start(self) -> None:
        for name in WORDS:
            function = getattr(os, name, None)
            if callable(function):
                self._saved.append((name, function))
                setattr(os, name, self._recording(function))

    def restore(self) -> list[str]:
        """Put the original functions back, then the recorded variables as ``os.environ``
        has them; name them."""
        functions = dict(self._saved)
        for name, function in self._saved:
            setattr(os, name, function)
        self._saved = []
        changed = []
        for key in sorted(self.names):
            try:
                if key in os.environ:
                    functions.get("putenv", os.putenv)(key, os.environ[key])
                elif "unsetenv" in functions:
                    functions["unsetenv"](key)
            except (OSError, ValueError):
                continue
            changed.append(f"environment variable {key} (os.putenv)")
        self.names = set()
        return changed

    def _recording(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def recording(key: Any, *args: Any) -> Any:
            self.names.add(os.fsdecode(key))
            return function(key, *args)

        return recording
