"""Which files are notes: their names match the note patterns (``torchnotes_patterns``);
and reading one, which only a regular file can be."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path

from pytest_torchnotes import defaults

#: File name patterns of notes where ``torchnotes_patterns`` is not set.
DEFAULT_PATTERNS = defaults.NOTE_PATTERNS


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


#: What a file that is not a regular file is, by its type, for the message that refuses it.
FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


#: How a note is opened: without waiting (a FIFO), and on Windows as bytes (a descriptor
#: opened without ``O_BINARY`` reads CRLF as LF there, and stops at a Ctrl-Z).
READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class UnreadableNote(OSError):
    """A note whose bytes cannot be read; its message says why, and what to do."""


def read_note(path: Path | str) -> bytes:
    """The bytes of the note at ``path`` (a symlink's target), or :class:`UnreadableNote`.

    Only a regular file is read: a FIFO would wait for a writer and a device such as
    ``/dev/zero`` would never end. The file is opened without blocking and its type checked
    on the open file, so a FIFO put in its place after it was collected is refused too.

    >>> try:
    ...     read_note(os.devnull)
    ... except UnreadableNote as error:
    ...     print(str(error).split(": ")[0])
    is a character device, not a regular file
    """
    try:
        descriptor = os.open(path, READ_FLAGS)
    except OSError as error:
        raise UnreadableNote(f"cannot be read: {error.strerror}") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = next((name for test, name in FILE_KINDS if test(mode)), "a special file")
        raise UnreadableNote(
            f"is {kind}, not a regular file: notes are read from regular files "
            "(rename it, or leave it out of torchnotes_patterns)"
        )
    with os.fdopen(descriptor, "rb") as handle:
        try:
            return handle.read()
        except OSError as error:
            raise UnreadableNote(f"cannot be read: {error.strerror}") from None


def not_regular(folder: Path, patterns: Sequence[str] = DEFAULT_PATTERNS) -> list[tuple[Path, str]]:
    """The entries of ``folder`` named as notes that pytest leaves out without a word,
    collecting only regular files and folders, each with what it is: a FIFO, a socket, a
    device, a symbolic link that loops or whose target is missing. None is opened (a FIFO
    would wait for a writer).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "gone.md").symlink_to(folder / "missing.md")
    >>> os.mkfifo(folder / "pipe.md")
    >>> [(path.name, what) for path, what in not_regular(folder)]
    [('gone.md', 'a symbolic link whose target does not exist'), ('pipe.md', 'a FIFO (named pipe)')]
    >>> import shutil; shutil.rmtree(folder)
    """
    found = []
    try:
        with os.scandir(folder) as scan:
            # The type scandir read with the names: no stat for a regular file or a folder.
            odd = [entry for entry in scan if not _file_or_folder(entry)]
    except OSError:
        return []
    for entry in sorted(odd, key=lambda entry: entry.name):
        path = Path(entry.path)
        if not is_note(path, patterns):
            continue
        try:
            mode = os.stat(entry.path).st_mode
        except OSError as error:
            what = (
                "a symbolic link that loops"
                if error.errno == errno.ELOOP
                else "a symbolic link whose target does not exist"
                if entry.is_symlink()
                else f"an entry that cannot be read ({error.strerror})"
            )
            found.append((path, what))
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            found.append(
                (path, next((name for test, name in FILE_KINDS if test(mode)), "a special file"))
            )
    return found


def _file_or_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file() or entry.is_dir()
    except OSError:
        return False
