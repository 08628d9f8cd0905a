"""Changes to a note's folder in the repository that the write guard cannot refuse.

The write guard (:mod:`.writeguard`) refuses what Python code writes into the repository;
a child process (``sh -c 'echo x > /repo/notes/data.txt'``), ``ctypes`` or other C code
given an absolute path writes there unchecked. What sits directly in the note's folder is
looked at after each block (names, sizes, times, modes; nothing is read), and a change is
named at the block's line, so that a repository that is no longer as it was is never passed
over in silence. Folders below it are not looked into, and a folder of more than
:data:`WATCHED` entries is looked at for its first ones only: the look costs a ``stat`` per
entry after every block.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

#: Most entries of a note's folder looked at after each block (in the order of their names).
WATCHED = 200

#: Entries that Python itself writes beside a module the note imports from its folder.
IGNORED = frozenset({"__pycache__"})

#: Most changed names a warning quotes.
NAMED = 5

#: What a block changed: an entry and how (``added``, ``removed``, ``changed``).
Change = tuple[str, str]

Snapshot = dict[str, tuple[int, int, int, int]]


def snapshot(folder: str) -> Snapshot:
    """What sits directly in ``folder``: each entry's size, modification time, mode and
    inode (a file replaced by another has a new one), without reading anything; of a
    folder, its mode and inode (a scratch directory made inside it changes its time)."""
    seen: Snapshot = {}
    try:
        with os.scandir(folder) as scan:
            entries = [entry for entry in scan if entry.name not in IGNORED]
    except OSError:
        return seen
    if len(entries) > WATCHED:
        entries = sorted(entries, key=lambda entry: entry.name)[:WATCHED]
    for entry in entries:
        try:
            status = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(status.st_mode):  # what changes inside it is not looked at
            seen[entry.name] = (0, 0, status.st_mode, status.st_ino)
        else:
            seen[entry.name] = (
                status.st_size,
                status.st_mtime_ns,
                status.st_mode,
                status.st_ino,
            )
    return seen


def changes(before: Snapshot, after: Snapshot) -> list[Change]:
    """What differs between two snapshots of one folder, by name.

    >>> changes({"a": (1, 1, 1, 1), "b": (1, 1, 1, 1)}, {"a": (2, 1, 1, 1), "c": (1, 1, 1, 1)})
    [('a', 'changed'), ('b', 'removed'), ('c', 'added')]
    """
    found: list[Change] = []
    for name in sorted(before.keys() | after.keys()):
        if name not in after:
            found.append((name, "removed"))
        elif name not in before:
            found.append((name, "added"))
        elif before[name] != after[name]:
            found.append((name, "changed"))
    return found


@dataclass
class FolderWatch:
    """The folder of a running note in the repository, looked at after each block."""

    folder: str
    #: How messages name the folder (as the note's path is shown).
    shown: str
    seen: Snapshot

    @classmethod
    def of(cls, folder: str, shown: str) -> FolderWatch:
        return cls(folder, shown, snapshot(folder))

    def check(self) -> list[Change]:
        """What changed since the last look (the next look starts from what is there now)."""
        now = snapshot(self.folder)
        found = changes(self.seen, now)
        self.seen = now
        return found


def describe(changed: list[Change], folder: str) -> str:
    """The warning of a block that changed its note's folder in the repository.

    >>> print(describe([("data.txt", "changed"), ("x.pt", "added")], "/repo/notes"))
    the note's folder in the repository changed while the block ran: /repo/notes/data.txt \
(changed), /repo/notes/x.pt (added). Only Python's writes there are refused; a child \
process, ctypes or other C code given an absolute path writes there unchecked: write to a \
relative path (the scratch copy) instead
    """
    named = ", ".join(f"{os.path.join(folder, name)} ({how})" for name, how in changed[:NAMED])
    more = f" and {len(changed) - NAMED} more" if len(changed) > NAMED else ""
    return (
        f"the note's folder in the repository changed while the block ran: {named}{more}. "
        "Only Python's writes there are refused; a child "
        "process, ctypes or other C code given an absolute path writes there unchecked: "
        "write to a relative path (the scratch copy) instead"
    )
