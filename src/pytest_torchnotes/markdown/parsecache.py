"""Parsed notes kept between runs: a note whose text is unchanged is not parsed again.

An entry is found by a digest of the note's text and of everything its parse depends on:
the settings it is read with (:class:`~.noteformat.NoteFormat`), the plugin's version and the
size and modification time of each of its modules, Python's version, and the versions of the
libraries the parse calls (PyYAML for front matter, packaging for requirements). An entry
holds the :class:`~.blocks.ParsedNote` pickled without its lines (they are the text's,
split again when it is read), checked as :mod:`~pytest_torchnotes.cacheentries` checks
every entry: one for another text, of another version, cut short or changed on disk is
none, and the note is parsed. Only the classes a parsed note is
made of are unpickled (:class:`_NoteUnpickler`): a file put there by something else
builds nothing else.

The plugin keeps the entries under pytest's cache (``.pytest_cache/d/torchnotes-parse``),
so ``--cache-clear`` empties it and ``-p no:cacheprovider`` or ``--torchnotes-cache=off``
reads every note anew; the entries no recent run used are removed at the end of a session
(:mod:`pytest_torchnotes.cachepruning`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import io
import os
import pickle
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import packaging
import yaml

from pytest_torchnotes import cacheentries
from pytest_torchnotes.markdown.blocks import ParsedNote
from pytest_torchnotes.markdown.lexing.lines import split_lines
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import NoteParser

#: The layout of an entry: bump it when what an entry holds changes shape.
ENTRY_LAYOUT = b"torchnotes-parse-1"
#: The ending of an entry's file name, after its key.
SUFFIX = ".pickle"
_PROTOCOL = 5

#: The modules whose classes a parsed note holds; any other global in an entry refuses it.
_TRUSTED_MODULES = re.compile(r"(?:pytest_torchnotes|packaging)(?:\.\w+)+\Z")
_TRUSTED_BUILTINS = frozenset({"frozenset", "set", "tuple", "list", "dict"})


class _NoteUnpickler(pickle.Unpickler):
    """Unpickles the classes of a parsed note and nothing else: no function, whose call an
    entry made by something else could ask for."""

    def find_class(self, module: str, name: str) -> Any:
        if _TRUSTED_MODULES.match(module) or (module == "builtins" and name in _TRUSTED_BUILTINS):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a parsed note")


def format_key(note_format: NoteFormat) -> str:
    """The settings a note is parsed with, as text that is the same in every process:
    sets sorted, patterns as their source and flags (every field, so a new one counts)."""

    def stable(value: Any) -> Any:
        if isinstance(value, frozenset | set):
            return tuple(sorted(map(repr, value)))
        if isinstance(value, re.Pattern):
            return ("re", value.pattern, value.flags)
        return value

    return repr(
        tuple(
            (field.name, stable(getattr(note_format, field.name)))
            for field in dataclasses.fields(note_format)
        )
    )


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "none"


@functools.cache
def code_fingerprint() -> str:
    """What the parse runs on: the plugin's version and its modules (name, size and
    modification time, so an edited checkout counts), Python's version, PyYAML's and
    packaging's. Once per process (about 8 ms), as the modules it names were imported
    once."""
    package = Path(__file__).resolve().parent.parent
    modules = []
    for folder, _, names in os.walk(package):
        for name in names:
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                modules.append(
                    (
                        os.path.relpath(os.path.join(folder, name), package),
                        stat.st_size,
                        stat.st_mtime_ns,
                    )
                )
    modules.sort()
    return repr(
        (
            _version("pytest-torchnotes"),
            modules,
            sys.version,
            sys.implementation.cache_tag,
            yaml.__version__,
            packaging.__version__,
            _PROTOCOL,
        )
    )


class ParseCache:
    """Parsed notes on disk, in ``folder()`` (asked for when first needed, so that a
    session that parses nothing makes no folder)."""

    def __init__(
        self,
        folder: Callable[[], Path],
        fingerprint: Callable[[], str] = code_fingerprint,
        used: set[bytes] | None = None,
    ) -> None:
        self._folder_of = folder
        #: The keys of the entries this session looked up (:mod:`~pytest_torchnotes.cachepruning`
        #: keeps them, and removes the entries no recent run used).
        self.used: set[bytes] = set() if used is None else used
        self._fingerprint_of = fingerprint
        self._folder: Path | None = None
        self._salts: dict[int, bytes] = {}
        self._formats: list[NoteFormat] = []
        self._last: tuple[str, NoteFormat, bytes] | None = None

    @property
    def folder(self) -> Path:
        if self._folder is None:
            self._folder = self._folder_of()
        return self._folder

    def _salt(self, note_format: NoteFormat) -> bytes:
        """The key's part that is the same for every note of the session: worked out once
        for each settings object (a session reads its notes with one)."""
        salt = self._salts.get(id(note_format))
        if salt is None:
            fingerprint = self._fingerprint_of()
            salt = hashlib.blake2b(
                f"{fingerprint}\n{format_key(note_format)}\n".encode(),
                digest_size=cacheentries.DIGEST_SIZE,
            ).digest()
            self._salts[id(note_format)] = salt
            self._formats.append(note_format)  # its id stays its own while the cache lives
        return salt

    def key(self, text: str, note_format: NoteFormat) -> bytes:
        """The digest that names the entry of ``text`` read with ``note_format`` (kept for
        the text last asked about: a note not found is stored right after)."""
        last = self._last
        if last is not None and last[0] is text and last[1] is note_format:
            return last[2]
        digest = hashlib.blake2b(self._salt(note_format), digest_size=cacheentries.DIGEST_SIZE)
        digest.update(text.encode("utf-8", "surrogatepass"))
        key = digest.digest()
        self._last = (text, note_format, key)
        return key

    def _path(self, key: bytes) -> Path:
        return self.folder / f"{key.hex()}{SUFFIX}"

    def load(self, text: str, note_format: NoteFormat) -> ParsedNote | None:
        """The parsed note of ``text``, or ``None`` when no entry holds it (or the entry
        does not match its digest, or cannot be read)."""
        key = self.key(text, note_format)
        self.used.add(key)  # found, or stored right after
        try:
            path = self._path(key)  # the folder made on first use
        except OSError:
            return None
        payload = cacheentries.read(path, ENTRY_LAYOUT, key)
        if payload is None:
            return None
        try:
            note = _NoteUnpickler(io.BytesIO(payload)).load()
        except Exception:  # a bad entry is no entry: the note is parsed
            return None
        if type(note) is not ParsedNote:
            return None
        note.lines = split_lines(text)
        return note

    def store(self, text: str, note_format: NoteFormat, note: ParsedNote) -> None:
        """Keep ``note``, the parse of ``text``; a folder that cannot be written keeps
        nothing (the next run parses the note again)."""
        key = self.key(text, note_format)
        payload = pickle.dumps(dataclasses.replace(note, lines=[]), protocol=_PROTOCOL)
        try:
            path = self._path(key)  # the folder made on first use
        except OSError:
            return
        cacheentries.write(path, ENTRY_LAYOUT, key, payload)


class CachedNoteParser(NoteParser):
    """A :class:`~.parsers.NoteParser` with the default conventions that takes a note's
    parse from ``cache`` when an entry holds it, and keeps each parse it makes there."""

    def __init__(self, note_format: NoteFormat | None, cache: ParseCache) -> None:
        super().__init__(note_format)
        self.cache = cache

    def parse(self, text: str) -> ParsedNote:
        note = self.cache.load(text, self.format)
        if note is None:
            note = super().parse(text)
            self.cache.store(text, self.format, note)
        return note
