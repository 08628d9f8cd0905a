"""torch's configuration modules (``torch._dynamo.config``, ``torch._inductor.config``, ...):
what a note sets there (``torch._dynamo.config.suppress_errors = True``) is put back after
it, as other global state is."""

from __future__ import annotations

import re
import sys
from typing import Any

#: Code that may set a configuration module: it names one.
CONFIG_USE = re.compile(r"config\b")

_MISSING = object()


def config_modules() -> dict[str, Any]:
    """The configuration modules imported so far, by name."""
    return {
        name: module
        for name, module in list(sys.modules.items())
        if hasattr(type(module), "get_config_copy")
    }


class ConfigGuard:
    """Snapshot the loaded configuration modules; put back what changed after the note.
    A module first imported by the note goes back to its defaults."""

    def __init__(self) -> None:
        self.saved = {name: module.get_config_copy() for name, module in config_modules().items()}

    def restore(self) -> list[str]:
        changed = []
        for name, module in config_modules().items():
            saved = self.saved.get(name)
            for key, value in module.get_config_copy().items():
                before = (
                    saved.get(key, _MISSING) if saved is not None else _set_default(module, key)
                )
                if before is _MISSING or _same(before, value):
                    continue
                try:
                    setattr(module, key, before)
                except Exception:  # a key torch refuses stays as it is
                    continue
                changed.append(f"{name}.{key}")
        return changed


def _set_default(module: Any, key: str) -> Any:
    """The default of ``key`` when the note's code changed it, else ``_MISSING``."""
    entry = getattr(module, "_config", {}).get(key)
    is_default = getattr(module, "_is_default", None)
    if entry is None or is_default is None or is_default(key):
        return _MISSING
    return getattr(entry, "default", _MISSING)


def _same(before: Any, now: Any) -> bool:
    try:
        return before is now or bool(before == now)
    except Exception:  # values that cannot be compared count as changed
        return False
