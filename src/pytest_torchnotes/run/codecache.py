"""The compiled code of a note's blocks kept between runs, as Python keeps a module's.

A block compiled once is compiled again at every run; its code objects are the same each
time for the same source, file name and first line, the same choice of displaying its last
expression, the same Python and the same plugin. They are kept in marshal's form (the form
of ``.pyc`` files), one file a note, under the session's cache folder, named by a digest of
the note's file name (the code objects hold it), Python's bytecode version and optimization
level and the plugin's code (:func:`~pytest_torchnotes.markdown.parsecache.code_fingerprint`),
and checked as every entry of the plugin's caches is (:mod:`~pytest_torchnotes.cacheentries`).

Compiling may also warn (``"is" with a literal``, an invalid escape), and a block reports
those warnings as its own; a kept block gives none. So a block is kept only when its compile
issued no warning at all, which is known when none was shown and every warning of a kind the
compiler gives would have been: each filter that could match a ``SyntaxWarning`` or a
``DeprecationWarning`` shows it (``default``, ``always``, ``module``), and the warnings shown
reach the note's recorder (:func:`every_warning_shown`). Such a block warns under no filter,
so its kept code serves every later run, whatever its filters.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_torchnotes import cacheentries
from pytest_torchnotes.run.compiling import CompiledCode

ENTRY_LAYOUT = b"torchnotes-code-1"
#: The ending of an entry's file name, after its key.
SUFFIX = ".marshal"

#: The warnings Python's compiler gives (invalid escapes were a DeprecationWarning up to 3.11).
COMPILER_WARNINGS = (SyntaxWarning, DeprecationWarning)
#: Filter actions that show every warning they match, each time, to ``showwarning``: the
#: compiler gives its warnings with no registry, so ``default`` and ``module`` repeat too.
SHOWN = frozenset({"default", "always", "module"})

#: What a block's code is found by, in a note's entry: its code, first line, and display.
BlockKey = tuple[str, int, bool]


def every_warning_shown(recorder: Callable[..., Any]) -> bool:
    """Whether each warning the compiler could give now would reach ``recorder`` (as
    ``warnings.showwarning``): no filter that could match it ignores it, raises it or shows
    it once, and ``showwarning`` is ``recorder``, reached the usual way."""
    if warnings.showwarning != recorder or not _usual_showwarnmsg():  # a bound method
        return False
    for category in COMPILER_WARNINGS:
        for action, message, filtered, module, line in warnings.filters:
            if not issubclass(category, filtered):
                continue
            if action not in SHOWN:
                return False
            if message is None and module is None and not line:
                break  # it matches every such warning, and shows it
        else:
            if getattr(warnings, "defaultaction", "default") not in SHOWN:
                return False
    return True


_SHOWWARNMSG = getattr(warnings, "_showwarnmsg", None)


def _usual_showwarnmsg() -> bool:
    return getattr(warnings, "_showwarnmsg", None) is _SHOWWARNMSG


class NoteCode:
    """The kept code of one note's blocks: what its entry held, and what this run added."""

    def __init__(self, path: Path | None, key: bytes, blocks: dict[BlockKey, bytes]) -> None:
        self.path = path
        self.key = key
        self.blocks = blocks
        #: The blocks this run compiled or took: an entry written keeps only them.
        self.used: dict[BlockKey, bytes] = {}
        self.added = False

    def get(self, block: BlockKey) -> CompiledCode | None:
        data = self.blocks.get(block)
        if data is None:
            return None
        try:
            body, display, interactive = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return None
        self.used[block] = data
        return CompiledCode(body, display, interactive)

    def add(self, block: BlockKey, compiled: CompiledCode) -> None:
        data = marshal.dumps((compiled.body, compiled.display, compiled.interactive))
        self.blocks[block] = self.used[block] = data
        self.added = True

    def save(self) -> None:
        """Write the entry when a block was compiled anew, with the blocks this run used
        (those of an older text of the note go); a folder that cannot be written keeps
        nothing."""
        if not self.added or self.path is None:
            return
        self.added = False
        cacheentries.write(self.path, ENTRY_LAYOUT, self.key, marshal.dumps(self.used))


class CodeCache:
    """Kept code on disk, in ``folder()`` (asked for when first needed)."""

    def __init__(
        self,
        folder: Callable[[], Path],
        fingerprint: Callable[[], str],
        used: set[bytes] | None = None,
    ) -> None:
        self._folder_of = folder
        #: The keys of the notes this session looked up (:mod:`~pytest_torchnotes.cachepruning`
        #: keeps them, and removes the entries no recent run used).
        self.used: set[bytes] = set() if used is None else used
        self._fingerprint_of = fingerprint
        self._folder: Path | None = None
        self._salt: bytes | None = None

    def note(self, filename: str) -> NoteCode:
        """The kept code of the note whose blocks are compiled as ``filename`` (empty when
        no entry holds it, or the entry does not match its digest)."""
        if self._salt is None:
            salt = repr((self._fingerprint_of(), importlib.util.MAGIC_NUMBER, sys.flags.optimize))
            self._salt = hashlib.blake2b(
                salt.encode(), digest_size=cacheentries.DIGEST_SIZE
            ).digest()
        digest = hashlib.blake2b(self._salt, digest_size=cacheentries.DIGEST_SIZE)
        digest.update(filename.encode("utf-8", "surrogatepass"))
        key = digest.digest()
        self.used.add(key)  # read, or written when the note's blocks are compiled
        try:
            if self._folder is None:
                self._folder = self._folder_of()  # made once, on first use
        except OSError:
            return NoteCode(None, key, {})  # nothing to read, nowhere to write
        path = self._folder / f"{key.hex()}{SUFFIX}"
        return NoteCode(path, key, _read(path, key))


def _read(path: Path, key: bytes) -> dict[BlockKey, bytes]:
    payload = cacheentries.read(path, ENTRY_LAYOUT, key)
    if payload is None:
        return {}
    try:
        blocks = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    return blocks if isinstance(blocks, dict) else {}
