"""Whether a dictionary changed, told by its version in one read.

CPython 3.10 to 3.13 give every dictionary a version (``ma_version_tag``, PEP 509): a
number from a counter of the whole interpreter, set anew at every change of that
dictionary (an entry added, removed, or bound to another object) and never given to two
dictionaries. The same version read twice means that nothing changed the dictionary in
between. Checking ``sys.modules`` entry by entry after a note reads every one of its few
thousand modules, out of the processor's caches after the note's own work: about 0.2 ms a
pass, and a note made four of them.

The version is not part of Python's API: it is read from the dictionary's memory, where
CPython keeps it after the object's header and the count of entries. Whether that holds is
checked once, on a dictionary changed every way that matters (:func:`_reads_true`); where
it does not (another Python, a debug build, CPython 3.14, which no longer keeps the
number), :data:`VERSION` is ``None`` and the callers compare entries, as before.
"""

from __future__ import annotations

import ctypes
import sys
import sysconfig
from collections.abc import Callable
from typing import Any

#: Where the version is: after the reference count and the type (the object's header) and
#: the number of entries.
_USED = 2 * ctypes.sizeof(ctypes.c_ssize_t)
_TAG = _USED + ctypes.sizeof(ctypes.c_ssize_t)

#: The view of the version of each dictionary read lately, with the dictionary (so that its
#: address is no other object's while it is kept), by its ``id``.
_VIEWS: dict[int, tuple[dict[Any, Any], Any]] = {}

#: Views kept at most: the session reads a handful of dictionaries, a note may replace one.
KEPT = 16


def _view(address: int, kind: Any) -> Any:
    """The memory at ``address`` as a ``kind``. Through ``ctypes.cast``, not ``from_address``:
    that raises the audit event ``ctypes.cdata``, which the session's hooks take for the
    note reaching memory through ``ctypes`` (:mod:`.repowatch` then looks at every entry of
    the note's folder, half a millisecond in the notes of a large folder)."""
    return ctypes.cast(address, ctypes.POINTER(kind)).contents


def _tag(table: dict[Any, Any]) -> int:
    kept = _VIEWS.get(id(table))
    if kept is None or kept[0] is not table:
        if len(_VIEWS) >= KEPT:
            del _VIEWS[next(iter(_VIEWS))]
        kept = _VIEWS[id(table)] = (table, _view(id(table) + _TAG, ctypes.c_uint64))
    return int(kept[1].value)


def _used(table: dict[Any, Any]) -> int:
    return int(_view(id(table) + _USED, ctypes.c_ssize_t).value)


def _reads_true() -> bool:
    """Whether the layout read here is the interpreter's: the entries counted where
    expected, and a new version after each kind of change, none after a read."""
    if sys.implementation.name != "cpython" or not (3, 10) <= sys.version_info < (3, 14):
        return False
    if sysconfig.get_config_var("Py_GIL_DISABLED") or hasattr(sys, "gettotalrefcount"):
        return False  # another object header
    probe: dict[Any, Any] = {}
    kept = object()
    changes: list[Callable[[], object]] = [
        lambda: probe.__setitem__("a", kept),
        lambda: probe.__setitem__("a", object()),
        lambda: probe.update(b=kept, c=kept),
        lambda: probe.__delitem__("a"),
        lambda: probe.pop("b"),
        lambda: probe.setdefault("d", kept),
        probe.popitem,
        probe.clear,
    ]
    seen = {_tag(probe)}
    for change in changes:
        change()
        version = _tag(probe)
        if version in seen or _used(probe) != len(probe):
            return False
        seen.add(version)
    probe["e"] = kept
    version = _tag(probe)
    _ = probe.get("e"), "e" in probe, list(probe)
    return _tag(probe) == version and _used(probe) == 1


#: The version of a dictionary; ``None`` where it cannot be read (see the module).
VERSION: Callable[[dict[Any, Any]], int] | None = _tag if _reads_true() else None
