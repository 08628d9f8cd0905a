"""Each note collected once a session, under the first name it is found under.

pytest follows links to folders: a link that points to a folder it is in
(``notes/loop -> ..``) makes it walk the same notes again under longer and longer names, 40
levels deep (until the system refuses a longer chain of links), and two such links make that
2 ** 40 walks. A folder that is a link back to one of the folders it is in is not entered.
A file with several names (a link to it, another hard link of it: the same device and inode)
is collected under each, so that ``-k`` and ``--deselect`` select it by any of them, and runs
once: under the first of its names left selected, the others deselected (the plugin asks
:meth:`NoteNames.seen` of each selected item, in order). What was left out is said in one
line.

A link to a folder of notes (or to a note) named on the command line holds notes as what
it points to does (:func:`linked_roots`): pytest walks it under the link's name.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pytest_torchnotes.words import plural

#: How many names the line about them shows; it counts the others.
SHOWN = 3


@dataclass
class NoteNames:
    """The notes and folders of a session's collection, and the names left out."""

    #: The first name of each file collected, by its device and inode.
    first: dict[tuple[int, int], Path] = field(default_factory=dict)
    #: Names of files already collected under another name: (name, first name).
    again: list[tuple[Path, Path]] = field(default_factory=list)
    #: Folders that are links back to a folder they are in: (name, its target).
    loops: list[tuple[Path, str]] = field(default_factory=list)

    def seen(self, path: Path) -> bool:
        """Whether the file at ``path`` runs under another name already; the first time, it
        is kept as the file's name."""
        try:
            info = path.stat()
        except OSError:
            return False  # collected, and its run says why it cannot be read
        first = self.first.setdefault((info.st_dev, info.st_ino), path)
        if first == path:
            return False
        self.again.append((path, first))
        return True

    def loops_back(self, path: Path) -> bool:
        """Whether the folder ``path`` is a link to a folder it is in (or to itself): then
        it is not entered."""
        if not path.is_symlink():
            return False
        try:
            target = path.resolve(strict=True)
            above = path.parent.resolve(strict=True)
        except (OSError, RuntimeError):  # a loop of links with no end: nothing to enter
            self.loops.append((path, os.readlink(path)))
            return True
        if target == above or target in above.parents:
            self.loops.append((path, os.readlink(path)))
            return True
        return False

    def line(self, start: Path) -> str | None:
        """The one line on what was left out (names relative to ``start``), or ``None``."""
        if not self.again and not self.loops:
            return None
        parts = []
        if self.loops:
            count = len(self.loops)
            shown = ", ".join(
                f"{_relative(name, start)} -> {to}" for name, to in self.loops[:SHOWN]
            )
            parts.append(
                f"{plural(count, 'link')} to a folder above {'it' if count == 1 else 'them'} "
                f"not followed ({shown}{_more(count)})"
            )
        if self.again:
            count = len(self.again)
            shown = ", ".join(
                f"{_relative(name, start)} = {_relative(first, start)}"
                for name, first in self.again[:SHOWN]
            )
            parts.append(
                f"{plural(count, 'other name')} of a note collected left out "
                f"({shown}{_more(count)})"
            )
        return "torchnotes: each note is collected once: " + "; ".join(parts)


def linked_roots(arguments: Sequence[str], start: Path, roots: Sequence[Path]) -> tuple[Path, ...]:
    """The ``arguments`` given to pytest (relative to ``start``) that are, through a link,
    one of the folders of notes ``roots`` (resolved) or in one, by the names pytest walks
    them under; those already in a root by their own name are not.

    >>> import tempfile
    >>> top = Path(tempfile.mkdtemp()).resolve()
    >>> (top / "notes").mkdir()
    >>> (top / "linked").symlink_to("notes")
    >>> [path.name for path in linked_roots(["linked", "notes", "x.py::t"], top, [top / "notes"])]
    ['linked']
    >>> import shutil; shutil.rmtree(top)
    """
    found = []
    for argument in arguments:
        path = Path(os.path.abspath(start / argument.partition("::")[0]))
        if any(path == root or root in path.parents for root in roots):
            continue
        real = Path(os.path.realpath(path))
        if any(real == root or root in real.parents for root in roots):
            found.append(path)
    return tuple(found)


def _more(count: int) -> str:
    return f" and {count - SHOWN} more" if count > SHOWN else ""


def _relative(path: Path, start: Path) -> str:
    try:
        return os.path.relpath(path, start)
    except ValueError:  # another drive
        return str(path)
