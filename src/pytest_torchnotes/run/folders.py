"""What a note may read from its folder, listed once per session; the scratch copy itself is
made by :mod:`pytest_torchnotes.run.workspace`."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pytest_torchnotes.run import workspace

#: A note folder with more entries than this only gets the entries its code names (as does
#: one holding more than :data:`pytest_torchnotes.run.workspace.COPY_ALL_LIMIT` bytes or
#: :data:`~pytest_torchnotes.run.workspace.COPY_ALL_FILES` files).
MIRROR_ALL_LIMIT = 100


#: Words of a note's code that may name a file beside it: ``data.csv``, ``images``.
FILE_WORD = re.compile(r"[\w.\-]+")


@dataclass(frozen=True)
class Folder:
    """What sits in a note folder, listed once per session."""

    #: Entries by name, hidden ones and ``__pycache__`` left out.
    entries: dict[str, Path]
    #: The entries that are not notes.
    others: tuple[Path, ...]
    #: Too many entries, or too many bytes, to copy for every note.
    crowded: bool = False

    @classmethod
    def read(cls, folder: Path, is_note: Callable[[Path], bool]) -> Folder:
        entries = {
            entry.name: entry
            for entry in listing(folder)
            if not entry.name.startswith(".") and entry.name != "__pycache__"
        }
        others = tuple(entry for entry in entries.values() if not is_note(entry))
        crowded = len(entries) > MIRROR_ALL_LIMIT or workspace.too_big(
            others, workspace.COPY_ALL_LIMIT, workspace.COPY_ALL_FILES
        )
        return cls(entries, others, crowded)

    @functools.cached_property
    def marks(self) -> frozenset[str] | None:
        """What the name of each entry holds: its suffix (``.md``, ``.csv``), or the whole
        name when it has none (``images``). Code that holds none of them names no entry, and
        :func:`beside` reads no word of it. ``None`` when they are too many to look for."""
        marks = {Path(name).suffix or name for name in self.entries}
        return frozenset(marks) if len(marks) <= MARKS_LIMIT else None


#: Most marks of entries (:attr:`Folder.marks`) looked for in a note's code before its words
#: are read.
MARKS_LIMIT = 16


def base_entries(folder: Folder) -> tuple[Path, ...]:
    """What every note of a folder may read: the entries that are not notes (none in a
    crowded folder, where each note gets only what its code names)."""
    return () if folder.crowded else folder.others


def beside(note: Path, folder: Folder, code: str) -> list[Path]:
    """What a note may read from its folder: :func:`base_entries`, and the entries its code
    names (another note, say, or the note itself)."""
    marks = folder.marks
    if marks is not None and not any(mark in code for mark in marks):
        named = []  # a few substring searches instead of every word of the code
    else:
        named = [
            folder.entries[name]
            for name in sorted(set(FILE_WORD.findall(code)) & folder.entries.keys())
        ]
    base = [entry for entry in base_entries(folder) if entry.name != note.name]
    return base + [entry for entry in named if entry not in base]


def listing(folder: Path) -> list[Path]:
    """Entries of a folder; an unreadable folder has none."""
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []
