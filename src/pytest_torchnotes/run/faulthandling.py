""":mod:`faulthandler` as a note leaves it: a note that disables it, or enables it to a file
of its own, would take the crash reports of every later note with it.

faulthandler cannot say which file it writes to, so while a note whose code names it runs,
its ``enable`` and ``disable`` are wrappers that record the call; after the note it is
enabled again to the session's file (pytest's, or the crash watcher's) or disabled, as it
was before.
"""

from __future__ import annotations

import faulthandler
from typing import Any

#: faulthandler's functions as the interpreter has them.
ENABLE = faulthandler.enable
DISABLE = faulthandler.disable

#: The text a note's code has when it may call faulthandler: most notes are not watched.
FAULTHANDLER_WORD = "faulthandler"


class FaulthandlerGuard:
    """Record a note's calls of ``faulthandler.enable`` and ``disable``; :meth:`restore`
    puts faulthandler back as it was, writing to ``file`` (``None``: not known, then a
    note that disabled it leaves it disabled and says so)."""

    def __init__(self, file: int | None) -> None:
        self.file = file
        self.enabled = faulthandler.is_enabled()
        self.calls: list[str] = []
        module: Any = faulthandler
        self._saved = module.enable, module.disable

        def enable(*args: Any, **kwargs: Any) -> None:
            self.calls.append("enable")
            ENABLE(*args, **kwargs)

        def disable() -> None:
            self.calls.append("disable")
            DISABLE()

        enable.__doc__, disable.__doc__ = ENABLE.__doc__, DISABLE.__doc__
        module.enable, module.disable = enable, disable

    def restore(self) -> list[str]:
        module: Any = faulthandler
        module.enable, module.disable = self._saved
        if not self.calls and faulthandler.is_enabled() == self.enabled:
            return []
        if not self.enabled:
            DISABLE()
        elif self.file is None:
            return ["faulthandler (could not be restored: its file is not known)"]
        else:
            ENABLE(file=self.file, all_threads=True)
        return ["faulthandler"]
