"""The scratch directory a note runs in: a real copy of what sits beside the note.

A copy, not links: a note writes through Python, through C++ (``torch.save`` with a path) or
through a child process, and any of them would write through a symbolic link or a hard link
into the original. Files are cloned where the filesystem can share their blocks (a reflink:
btrfs, XFS, ...), and otherwise copied inside the kernel.

The copy of a folder is made once and reused by its notes. After each note the copy is
compared with a snapshot of what it held (a ``stat`` of every entry, no reading); what the
note added is removed, and what it changed or removed is copied again, nothing else.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

#: A folder whose entries hold more bytes, or more files, than these is not copied whole: each
#: of its notes gets a copy of the entries its code names (see
#: :func:`pytest_torchnotes.run.folders.beside`).
COPY_ALL_LIMIT = 1 << 30
COPY_ALL_FILES = 10_000

#: ``ioctl(dest, FICLONE, source)``: make ``dest`` share the blocks of ``source`` (Linux).
FICLONE = 0x40049409

#: A relative path inside a scratch directory, as its parts.
Relative = tuple[str, ...]

#: What ``stat`` says of an entry; any write, truncation, replacement, change of mode or
#: time changes it (``st_ctime`` changes even when the note puts ``st_mtime`` back).
Signature = tuple[int, int, int, int, int]


def clone_file(source: str, target: str) -> None:
    """Copy a regular file with its mode and times: a reflink where the filesystem can,
    otherwise an in-kernel copy. ``target`` must not exist."""
    info = os.stat(source)
    source_fd = os.open(source, os.O_RDONLY)
    try:
        target_fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _copy_data(source_fd, target_fd, info.st_size)
        finally:
            os.close(target_fd)
    finally:
        os.close(source_fd)
    os.chmod(target, stat.S_IMODE(info.st_mode))
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))


def _copy_data(source_fd: int, target_fd: int, size: int) -> None:
    if sys.platform == "linux":
        import fcntl

        try:
            fcntl.ioctl(target_fd, FICLONE, source_fd)
            return
        except OSError:
            pass  # not supported here: copy
        try:
            copied = 0
            while copied < size:
                done = os.copy_file_range(source_fd, target_fd, size - copied)
                if done == 0:
                    break
                copied += done
            if copied >= size:
                return
        except OSError:
            pass  # an older kernel or a filesystem that refuses: copy in user space
        os.lseek(source_fd, 0, os.SEEK_SET)
        os.lseek(target_fd, 0, os.SEEK_SET)
        os.ftruncate(target_fd, 0)
    with (
        open(source_fd, "rb", closefd=False) as reader,
        open(target_fd, "wb", closefd=False) as writer,
    ):
        shutil.copyfileobj(reader, writer, 1 << 20)


def copy_entry(source: Path, target: Path, ancestors: frozenset[str] = frozenset()) -> None:
    """Copy a file or a whole folder. Links are followed (the note must not reach their
    targets either), except a link back to a folder being copied, which would never end;
    sockets, pipes and devices are left out, as is what cannot be read."""
    try:
        info = source.stat()
    except OSError:
        return
    if stat.S_ISREG(info.st_mode):
        try:
            clone_file(str(source), str(target))
        except OSError:
            remove(target)
        return
    if not stat.S_ISDIR(info.st_mode):
        return
    real = os.path.realpath(source)
    if real in ancestors:
        return
    try:
        names = sorted(os.listdir(source))
        target.mkdir()
    except OSError:
        return
    for name in names:
        copy_entry(source / name, target / name, ancestors | {real})
    with contextlib.suppress(OSError):  # last: a read-only folder is filled first
        os.chmod(target, stat.S_IMODE(info.st_mode))


def remove(path: Path) -> None:
    """Remove a file or folder the note may have made read-only."""

    def force(function: object, failed: str, error: object) -> None:
        try:
            os.chmod(os.path.dirname(failed), 0o700)
            if os.path.isdir(failed) and not os.path.islink(failed):
                os.chmod(failed, 0o700)
                shutil.rmtree(failed, ignore_errors=True)
            else:
                os.unlink(failed)
        except OSError:
            pass

    if path.is_dir() and not path.is_symlink():
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=force)
        else:
            shutil.rmtree(path, onerror=force)
    else:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            force(None, str(path), None)


def scan(root: Path) -> dict[Relative, Signature]:
    """The signature of every entry under ``root``, by relative path; links not followed."""
    found: dict[Relative, Signature] = {}
    _scan(str(root), (), found)
    return found


def _scan(folder: str, prefix: Relative, found: dict[Relative, Signature]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            info = entry.stat(follow_symlinks=False)
            relative = (*prefix, entry.name)
            if stat.S_ISDIR(info.st_mode):
                found[relative] = (info.st_mode, info.st_ino, 0, 0, 0)
                _scan(entry.path, relative, found)
            else:
                found[relative] = (
                    info.st_mode,
                    info.st_ino,
                    info.st_size,
                    info.st_mtime_ns,
                    info.st_ctime_ns,
                )


def too_big(entries: Iterable[Path], max_bytes: int, max_files: int) -> bool:
    """Whether the files under ``entries`` hold more than ``max_bytes`` or are more than
    ``max_files``; counting stops as soon as either is passed."""
    total = 0
    for count, path in enumerate(_files(entries, frozenset()), 1):
        if count > max_files:
            return True
        try:
            total += path.stat().st_size
        except OSError:
            continue
        if total > max_bytes:
            return True
    return False


def _files(entries: Iterable[Path], ancestors: frozenset[str]) -> Iterator[Path]:
    for entry in entries:
        if entry.is_dir():
            real = os.path.realpath(entry)
            if real not in ancestors:
                try:
                    children = sorted(entry.iterdir())
                except OSError:
                    continue
                yield from _files(children, ancestors | {real})
        else:
            yield entry


def _under(relative: Relative, folders: set[Relative]) -> bool:
    return any(relative[:depth] in folders for depth in range(1, len(relative)))


class Workspace:
    """The scratch working directory of the notes of one folder: a copy of the entries beside
    them (``base``), made once and kept as it was made from one note to the next. Entries only
    some notes need (another note their code names) are copied in for that note alone."""

    def __init__(self, root: Path, folder: Path, base: Iterable[Path]) -> None:
        self.root = root
        self.prefix = re.sub(r"[^\w.-]", "_", folder.name or "notes")[:40] + "-"
        self.base = tuple(base)
        self.sources = {entry.name: entry for entry in self.base}
        self.extra: list[Path] = []
        self.path = self._make()

    def _make(self) -> Path:
        path = Path(tempfile.mkdtemp(prefix=self.prefix, dir=self.root))
        for entry in self.base:
            copy_entry(entry, path / entry.name)
        self.snapshot = scan(path)
        return path

    def enter(self, entries: Iterable[Path]) -> Path:
        """Copy in ``entries`` the workspace does not hold for every note; the path to run in."""
        self.extra = [entry for entry in entries if entry.name not in self.sources]
        for entry in self.extra:
            copy_entry(entry, self.path / entry.name)
        return self.path

    def leave(self) -> None:
        """After a note: take its extra entries away, and undo whatever it changed."""
        for entry in self.extra:
            remove(self.path / entry.name)
        self.extra = []
        try:
            current = scan(self.path)
            if current != self.snapshot:
                self._repair(current)
                self.snapshot = scan(self.path)
        except OSError:  # the note made part of it unreadable: start afresh
            self.remove()
            self.path = self._make()

    def _repair(self, current: dict[Relative, Signature]) -> None:
        """Remove what differs from the snapshot, then copy again what is missing."""
        removed: set[Relative] = set()
        for relative in sorted(current):
            if _under(relative, removed):
                continue
            if self.snapshot.get(relative) != current[relative]:
                remove(self.path.joinpath(*relative))
                removed.add(relative)
        copied: set[Relative] = set()
        for relative in sorted(self.snapshot):
            if relative in current and relative not in removed and not _under(relative, removed):
                continue
            if _under(relative, copied):
                continue
            source = self.sources[relative[0]].joinpath(*relative[1:])
            copy_entry(source, self.path.joinpath(*relative))
            copied.add(relative)

    def remove(self) -> None:
        remove(self.path)
