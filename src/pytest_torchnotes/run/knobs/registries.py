"""Registries of the interpreter and of torch that a note adds to: the garbage collector's
callbacks and debug flags, the import system's finders and path hooks, the error handlers
of :mod:`codecs`, and the classes torch's ``weights_only`` loading accepts.

``codecs.register_error("strict", lambda error: ("?", error.end))`` would make every later
``bytes.decode`` of the process read bad bytes as ``?``, the session's own reading of notes
among them: a Latin-1 note that ``--torchnotes-update`` then wrote back lost its accented
letters.

``gc.set_debug(gc.DEBUG_SAVEALL)`` would keep every later note's garbage in ``gc.garbage``
for the rest of the session (what a note puts in that list itself is let go after it); a
finder put first on ``sys.meta_path`` would answer every later import;
``torch.serialization.add_safe_globals([C])`` would let a later note load what it should
refuse. The lists are put back as they were; when the path hooks changed,
the finders they made (``sys.path_importer_cache``, a cache) are dropped too.

The finders of that cache are put back too when the note replaced one with ``None`` (no
finder) or another kind of finder: ``sys.path_importer_cache[folder] = None`` makes every
module of that folder unimportable, the session's own modules among them.
"""

from __future__ import annotations

import codecs
import gc
import operator
import os
import sys
from typing import Any

from pytest_torchnotes.run.dictversion import VERSION
from pytest_torchnotes.run.knobs import Knob


def registry_knobs() -> list[Knob]:
    """The registries, where this Python and torch have them."""
    knobs = [
        Knob("gc.callbacks", lambda: list(gc.callbacks), _set_callbacks),
        Knob("gc debug flags", gc.get_debug, gc.set_debug),
        Knob("gc.garbage", lambda: len(gc.garbage), _set_garbage),
        Knob("sys.meta_path", lambda: list(sys.meta_path), _set_meta_path),
        Knob("sys.path_hooks", lambda: list(sys.path_hooks), _set_path_hooks),
        Knob("sys.path_importer_cache", _FinderCache.read, _set_finder_cache),
        Knob("codecs error handlers", _error_handlers, _set_error_handlers),
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


#: The error handlers Python names itself, which every ``encode`` and ``decode`` of the
#: process looks up by these names (a note's own new names are harmless).
ERROR_HANDLERS = (
    "strict",
    "ignore",
    "replace",
    "xmlcharrefreplace",
    "backslashreplace",
    "namereplace",
    "surrogateescape",
    "surrogatepass",
)


def _error_handlers() -> tuple[Any, ...]:
    return tuple(codecs.lookup_error(name) for name in ERROR_HANDLERS)


def _set_error_handlers(saved: tuple[Any, ...]) -> None:
    for name, handler, now in zip(ERROR_HANDLERS, saved, _error_handlers(), strict=True):
        if handler is not now:
            codecs.register_error(name, handler)


def _set_callbacks(saved: list[Any]) -> None:
    gc.callbacks[:] = saved


def _set_garbage(saved: int) -> None:
    """What a note put in ``gc.garbage`` (``gc.garbage.append(tensor)``, or the collector
    under its ``DEBUG_SAVEALL``) is let go: kept there, it held its memory for the rest of
    the session. The list is read by its length: what it held before the note stays."""
    del gc.garbage[saved:]


def _set_meta_path(saved: list[Any]) -> None:
    sys.meta_path[:] = saved


def _set_path_hooks(saved: list[Any]) -> None:
    sys.path_hooks[:] = saved
    sys.path_importer_cache.clear()


class _FinderCache:
    """What ``sys.path_importer_cache`` held when read; equal to an earlier read (``now ==
    before``) unless the finder of one of its paths is now of another class (``None``
    among them), or a folder first looked in has ``None`` (which Python keeps only for a
    path that is no folder): a finder dropped and made again (a new ``FileFinder`` for the
    path) and the finders of paths first imported from are no change.

    Where a dictionary's version can be read (:mod:`.dictversion`), a read of the cache at
    the version of the read before is that read, not a copy compared entry by entry: the
    same dictionary at the same version holds the same entries (about 65 us a note in a run,
    with a few hundred paths)."""

    __hash__ = None  # type: ignore[assignment]

    #: The last read, which the next read at the same version of the same cache is.
    last: _FinderCache | None = None

    def __init__(
        self, entries: dict[str, Any], table: object = None, version: int | None = None
    ) -> None:
        self.entries = entries
        #: The cache read, and its version then (``None``: not known).
        self.table = table
        self.version = version

    @classmethod
    def read(cls) -> _FinderCache:
        cache = sys.path_importer_cache
        if VERSION is None:
            return cls(dict(cache))
        version = VERSION(cache)
        last = cls.last
        if last is not None and last.table is cache and last.version == version:
            return last
        cls.last = read = cls(dict(cache), cache, version)
        return read

    def __eq__(self, before: object) -> bool:
        if not isinstance(before, _FinderCache):
            return NotImplemented
        same_table = self.table is before.table
        if same_table and self.version is not None and self.version == before.version:
            return True  # the same dictionary at the same version: the same entries
        now, then = self.entries, before.entries
        # The same paths in the same order, each with the very finder it had: equal, as
        # after most notes, without looking at each path (a fifth of the time).
        if list(now) == list(then) and all(map(operator.is_, now.values(), then.values())):
            return True
        return self.same_finders(before)

    def same_finders(self, before: _FinderCache) -> bool:
        """:meth:`__eq__`, path by path."""
        return not any(
            type(finder) is not type(before.entries[path])
            if path in before.entries
            else finder is None and isinstance(path, str) and os.path.isdir(path)
            for path, finder in self.entries.items()
        )


def _set_finder_cache(saved: _FinderCache) -> None:
    """The finders as they were; those of paths first imported from since are made again
    when next needed."""
    sys.path_importer_cache.clear()
    sys.path_importer_cache.update(saved.entries)


def _set_safe_globals(serialization: Any, saved: list[Any]) -> None:
    serialization.clear_safe_globals()
    serialization.add_safe_globals(saved)
