"""Caches of torch that hold its functions by identity, filled on first use.

A note that replaced one of torch's functions while such a cache was first filled leaves
its stand-in in the cache after the function itself is put back: with ``torch.zeros``
patched when the default device's mode first ran (``torch.utils._device``), every later
note's ``torch.zeros`` stayed on the CPU whatever default device it set. After a note
whose changes to torch were put back, these caches are emptied; torch fills them again,
from the functions put back, when next asked.
"""

from __future__ import annotations

import sys

#: ``(module, function)`` of each cache of torch's own functions.
FUNCTION_CACHES = (
    ("torch.utils._device", "_device_constructors"),
    ("torch.overrides", "get_ignored_functions"),
    ("torch.overrides", "get_default_nowrap_functions"),
    ("torch.overrides", "get_testing_overrides"),
    ("torch.overrides", "_get_overridable_functions"),
    ("torch.overrides", "_get_tensor_methods"),
)


def changed_torch(restored: list[str]) -> bool:
    """Whether ``restored`` (what was put back after a note) names an attribute of torch."""
    return any(name == "torch" or name.startswith("torch.") for name in restored)


def clear_function_caches() -> list[str]:
    """Empty the caches of :data:`FUNCTION_CACHES` that this torch has and has imported;
    returns the names of those emptied."""
    cleared = []
    for module_name, name in FUNCTION_CACHES:
        module = sys.modules.get(module_name)
        clear = getattr(getattr(module, name, None), "cache_clear", None)
        if clear is not None:
            clear()
            cleared.append(f"{module_name}.{name}")
    return cleared
