"""Modules whose attributes a note's code writes by name, put back after it.

``json._keep = big_tensor`` or ``collections.cache = {}`` set an attribute of a module that
stays imported: without this, the next note saw it (and the tensor stayed in memory for
the rest of the session). The modules that :func:`.patches.patch_targets` always watches
are those the session itself calls; the others are watched when the note's text writes to
them (``json.x = 1``, ``import json as j; j.x = 1``, ``setattr(json, "x", 1)``), as the
classes of :mod:`.classattrs` are.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable, Mapping
from typing import Any

from pytest_torchnotes.run import classattrs


def written_modules(owners: Iterable[str], code: str, watched: Iterable[Any]) -> list[Any]:
    """The imported modules that ``owners`` (:func:`.classattrs.changed_owners`) reach,
    read through what ``code`` binds, except ``__main__`` and those in ``watched``."""
    owners = list(owners)
    skip = {id(target) for target in watched}
    main = sys.modules.get("__main__")
    found: dict[int, Any] = {}
    bound: Mapping[str, list[str]] | None = None
    for owner in owners:
        if bound is None and owner.partition(".")[0] not in sys.modules:
            bound = classattrs.bindings(code, {owner.partition(".")[0] for owner in owners})
        for value in classattrs.reached(owner, bound or {}):
            if isinstance(value, types.ModuleType) and value is not main and id(value) not in skip:
                found[id(value)] = value
    return list(found.values())
