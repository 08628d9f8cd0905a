"""Which files are notes: their names match the note patterns (``torchnotes_patterns``)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path

#: File name patterns of notes where ``torchnotes_patterns`` is not set.
DEFAULT_PATTERNS = ("*.md", "*.markdown")


def is_note(path: Path, patterns: Sequence[str] = DEFAULT_PATTERNS) -> bool:
    """Whether the name of ``path`` matches one of ``patterns``.

    >>> is_note(Path("notes/x.md")), is_note(Path("x.txt")), is_note(Path("x.txt"), ["*.txt"])
    (True, False, True)
    """
    return any(fnmatch(path.name, pattern) for pattern in patterns)


def note_files(paths: Iterable[str], patterns: Sequence[str] = DEFAULT_PATTERNS) -> Iterator[Path]:
    """The notes named by ``paths``: files as given, folders searched (hidden folders left
    out, as pytest leaves them out) for files whose names match ``patterns``."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for root, folders, files in os.walk(path):
                folders[:] = sorted(folder for folder in folders if not folder.startswith("."))
                for file in sorted(files):
                    if is_note(Path(file), patterns):
                        yield Path(root) / file
        else:
            yield path
