"""Changes to a note's folder in the repository that the write guard cannot refuse.

The write guard (:mod:`.writeguard`) refuses what Python code writes into the repository;
a child process (``sh -c 'echo x > /repo/notes/data.txt'``), ``ctypes`` or other C code
given an absolute path writes there unchecked. After each block, the note's folder is
looked at (nothing is read), and a change fails the block, named at its line, so that a
repository that is no longer as it was never passes as verified:

- the folder's own status, one ``stat``: its time changes when an entry is added, removed
  or renamed, and then the names in it say which (listed once per folder while it stays
  as it is, however many notes it holds);
- every entry's size, time, mode and inode, from the moment the note starts a process or
  calls C code through ``ctypes`` (the audit events of :data:`OUTSIDE`, seen before the
  process starts): from then on, after each of the note's blocks, as a process it left
  may write at any time. That look costs a ``stat`` per entry, which is why it waits for
  those events: a folder of a thousand notes would cost a millisecond a block.

Folders below it are not looked into, and a folder of more than :data:`WATCHED` entries is
looked at for its first ones only. A file changed in place by C code without ``ctypes`` (a
compiled extension given an absolute path) or by a process of ``multiprocessing``'s
``spawn`` or ``forkserver`` start methods (they start with no audit event) is seen only
when it adds, removes or renames an entry.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from typing import Any

#: Most entries of a note's folder looked at after each block (in the order of their names).
WATCHED = 200

#: Entries that Python itself writes beside a module the note imports from its folder.
IGNORED = frozenset({"__pycache__"})

#: Most changed names a warning quotes.
NAMED = 5

#: What a block changed: an entry and how (``added``, ``removed``, ``changed``).
Change = tuple[str, str]

Snapshot = dict[str, tuple[int, int, int, int]]

#: The folder's own status: modification time and inode.
State = tuple[int, int]

#: Audit events after which the note may change its folder past the write guard: a process
#: started, C code reached through ``ctypes``.
OUTSIDE = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.posix_spawn",
        "os.spawn",
        "os.exec",
        "os.fork",
        "os.forkpty",
        "ctypes.dlopen",
        "ctypes.dlsym",
        "ctypes.dlsym/handle",
        "ctypes.cdata",
        "ctypes.cdata/buffer",
        "ctypes.call_function",
    }
)

#: The name of a change that no name tells (the folder changed, the names in it did not),
#: and what it says.
REPLACED = ""
REPLACED_HOW = "an entry renamed over another, or one added and removed again"


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


def state(folder: str) -> State | None:
    """The folder's own modification time and inode, or ``None`` when it cannot be read."""
    try:
        status = os.stat(folder)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_ino


#: The names in each folder looked at, while it has the state they were read in.
_listed: dict[str, tuple[State | None, frozenset[str]]] = {}


def names(folder: str, now: State | None) -> frozenset[str]:
    """The names directly in ``folder``, listed again only when its state is not ``now``'s."""
    known = _listed.get(folder)
    if known is not None and known[0] == now and now is not None:
        return known[1]
    try:
        found = frozenset(os.listdir(folder))
    except OSError:
        found = frozenset()
    _listed[folder] = (now, found)
    return found


@dataclass
class FolderWatch:
    """The folder of a running note in the repository, looked at after each block."""

    folder: str
    #: How messages name the folder (as the note's path is shown).
    shown: str
    #: The folder's state at the last look, and the names in it then.
    seen: State | None
    listed: frozenset[str]
    #: Every entry, from the first event of :data:`OUTSIDE` on (then every entry is looked
    #: at after each block).
    full: Snapshot | None = field(default=None)

    @classmethod
    def of(cls, folder: str, shown: str) -> FolderWatch:
        now = state(folder)
        return cls(folder, shown, now, names(folder, now))

    def start(self) -> None:
        """Take the note's events from now on (:func:`_audit`)."""
        global _watching, _hooked
        if not _hooked:
            sys.addaudithook(_audit)
            _hooked = True
        _watching = self

    def stop(self) -> None:
        global _watching
        if _watching is self:
            _watching = None

    def check(self) -> list[Change]:
        """What changed since the last look (the next look starts from what is there now)."""
        now = state(self.folder)
        found: list[Change] = []
        if self.full is not None:
            every = snapshot(self.folder)
            found = changes(self.full, every)
            self.full = every
        if now != self.seen:
            listed = names(self.folder, now)
            if not found and listed != self.listed:
                found = [(name, "removed") for name in self.listed - listed - IGNORED]
                found += [(name, "added") for name in listed - self.listed - IGNORED]
                found.sort()
            elif not found:
                found = [(REPLACED, REPLACED_HOW)]
            self.seen, self.listed = now, listed
        return found


_watching: FolderWatch | None = None
_hooked = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event not in OUTSIDE:
        return
    watch = _watching
    if watch is not None and watch.full is None:
        watch.full = snapshot(watch.folder)


#: CPython runs audit hooks with tracing off unless they ask: let coverage see this one.
_audit.__cantrace__ = True  # type: ignore[attr-defined]


def named_changes(changed: list[Change], folder: str) -> str:
    """The changed entries as a message lists them (the first :data:`NAMED`).

    >>> print(named_changes([("data.txt", "changed"), (REPLACED, REPLACED_HOW)], "notes"))
    notes/data.txt (changed), notes (an entry renamed over another, or one added and removed \
again)
    """
    named = ", ".join(
        f"{os.path.join(folder, name) if name else folder} ({how})" for name, how in changed[:NAMED]
    )
    more = f" and {len(changed) - NAMED} more" if len(changed) > NAMED else ""
    return named + more


def blamed(watch: FolderWatch, worker: str | None) -> bool:
    """Whether the change :meth:`FolderWatch.check` found is the running note's doing.

    In a serial run nothing else runs while the note does (the processes of earlier notes
    were ended with them): it is. Under pytest-xdist (``worker``: this worker's id) the
    notes of one folder may run on several workers at once, and each sees what the others
    change: the change is the note's only when it reached outside Python (a process, C
    code through ``ctypes``: :data:`OUTSIDE`), the only way it could have got past the
    write guard."""
    return worker is None or watch.full is not None


def seen_by(worker: str | None) -> str:
    """Which process saw a change, under pytest-xdist (empty in a serial run).

    >>> seen_by("gw1")
    ' (seen by pytest-xdist worker gw1, which ran this note)'
    """
    return f" (seen by pytest-xdist worker {worker}, which ran this note)" if worker else ""


def failure(changed: list[Change], folder: str, worker: str | None) -> str:
    """Why a block that changed its note's folder in the repository failed, and what to do.

    >>> print(failure([("data.txt", "changed")], "notes", None))
    wrote into the repository: notes/data.txt (changed). A note must never change the \
repository: only Python's writes there are refused, a child process, ctypes or other C \
code given an absolute path writes there unchecked. Write to a relative path (the scratch \
copy) instead, and put back what the block changed
    """
    return (
        f"wrote into the repository{seen_by(worker)}: {named_changes(changed, folder)}. "
        "A note must never change the repository: only Python's writes there are refused, "
        "a child process, ctypes or other C code given an absolute path writes there "
        "unchecked. Write to a relative path (the scratch copy) instead, and put back what "
        "the block changed"
    )


def not_blamed(changed: list[Change], folder: str, worker: str) -> str:
    """The warning of a change seen under pytest-xdist while a note that could not have
    made it ran (see :func:`blamed`).

    >>> print(not_blamed([("x.pt", "added")], "notes", "gw0"))
    the note's folder in the repository changed while the block ran: notes/x.pt (added), \
seen by pytest-xdist worker gw0; this note started no process and called no C code through \
ctypes, so a note of another worker sharing the folder wrote there: its own worker fails it \
when it sees the change, and a run without -n names it
    """
    return (
        "the note's folder in the repository changed while the block ran: "
        f"{named_changes(changed, folder)}, seen by pytest-xdist worker {worker}; this note "
        "started no process and called no C code through ctypes, so a note of another "
        "worker sharing the folder wrote there: its own worker fails it when it sees the "
        "change, and a run without -n names it"
    )


def describe(changed: list[Change], folder: str) -> str:
    """The warning of a block that changed its note's folder in the repository.

    >>> print(describe([("data.txt", "changed"), ("x.pt", "added")], "/repo/notes"))
    the note's folder in the repository changed while the block ran: /repo/notes/data.txt \
(changed), /repo/notes/x.pt (added). Only Python's writes there are refused; a child \
process, ctypes or other C code given an absolute path writes there unchecked: write to a \
relative path (the scratch copy) instead
    """
    return (
        "the note's folder in the repository changed while the block ran: "
        f"{named_changes(changed, folder)}. "
        "Only Python's writes there are refused; a child "
        "process, ctypes or other C code given an absolute path writes there unchecked: "
        "write to a relative path (the scratch copy) instead"
    )
