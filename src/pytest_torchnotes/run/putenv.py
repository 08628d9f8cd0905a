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

from pytest_torchnotes.run.wrapping import Wrapping

#: Text of the note's code without which it calls neither function.
WORDS = ("putenv", "unsetenv")


class PutenvGuard:
    """Record the names given to ``os.putenv``/``os.unsetenv`` between :meth:`start` and
    :meth:`restore`, which puts them back as ``os.environ`` has them."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self._wrapping = Wrapping()

    def start(self) -> None:
        for name in WORDS:
            self._wrapping.wrap(os, name, self._recording)

    def restore(self) -> list[str]:
        """Put the original functions back, then the recorded variables as ``os.environ``
        has them; name them."""
        self._wrapping.unwrap()
        unsetenv = getattr(os, "unsetenv", None)
        changed = []
        for key in sorted(self.names):
            try:
                if key in os.environ:
                    os.putenv(key, os.environ[key])
                elif unsetenv is not None:
                    unsetenv(key)
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
