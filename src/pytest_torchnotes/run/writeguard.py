"""Refuse, while a note runs, Python-level writes that would reach the repository.

Notes run in a scratch copy of their folder (:mod:`pytest_torchnotes.run.workspace`), so a
relative path never reaches the repository. An absolute path, or ``../``, would: an audit
hook (:func:`sys.addaudithook`) refuses opening for writing, removing, renaming, linking,
truncating, making folders and changing modes or times of anything under the protected
folders, and opening a SQLite database or binding a unix socket there
(:mod:`.namedpaths`); a path relative to a folder's descriptor (``dir_fd``), and a file's
descriptor (``os.chmod(fd)``), are read through ``/proc/self/fd``. An audit hook cannot be
removed: outside a note it returns at its first line. Writers that raise no audit event
(``os.mkfifo``, torch's C++ writers) are wrapped while a note runs and ask :func:`check`
(:mod:`.unaudited`); other C or C++ code, and child processes, given an absolute path are
not stopped.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_torchnotes.run import devices
from pytest_torchnotes.run.namedpaths import database_paths, socket_paths

#: Audit events that change the filesystem, and which of their arguments are paths.
CHANGES: dict[str, tuple[int, ...]] = {
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.rename": (0, 1),
    "os.link": (0, 1),  # a hard link to a file of the repository writes into it
    "os.symlink": (1,),
    "os.truncate": (0,),
    "os.mkdir": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.utime": (0,),
    "os.setxattr": (0,),
    "os.removexattr": (0,),
    "shutil.rmtree": (0,),
}

#: Audit events that give the descriptor of the folder a path is relative to (``dir_fd``):
#: the path's position, and the descriptor's (``-1`` there, or past the end: none).
AT_FOLDER: dict[str, dict[int, int]] = {
    "os.remove": {0: 1},
    "os.rmdir": {0: 1},
    "os.rename": {0: 2, 1: 3},
    "os.link": {1: 3},
    "os.symlink": {1: 2},
    "os.mkdir": {0: 2},
    "os.chmod": {0: 2},
    "os.chown": {0: 3},
    "os.utime": {0: 3},
    "shutil.rmtree": {0: 1},
}

#: Audit events whose arguments name a file to be made or written in another way than a
#: path argument: what each names.
NAMING: dict[str, Callable[[tuple[Any, ...]], tuple[object, ...]]] = {
    "sqlite3.connect": lambda args: database_paths(args[0]),
    "socket.bind": lambda args: socket_paths(args[0], args[1]),
}

#: ``os.open`` flags that open for writing.
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC

REFUSED = (
    "refused: notes run in a scratch copy of their folder and may not change the repository"
    " (a relative path writes into the scratch copy; --torchnotes-isolate-cwd=false runs"
    " notes in their own folder)"
)


@dataclass(frozen=True)
class Rule:
    """Folders a note may not change, and folders it may. An allowed folder lets through
    what lies in it except in a protected folder deeper than it: a temporary folder that is
    the project's root (``TMPDIR`` set to it) takes temporary files, while the notes'
    folders inside it stay protected."""

    protected: tuple[str, ...]
    allowed: tuple[str, ...]

    def refuses(self, path: str) -> bool:
        return any(
            _inside(path, (protected,))
            and not any(
                _inside(path, (allowed,)) and _inside(allowed, (protected,))
                for allowed in self.allowed
            )
            for protected in self.protected
        )


def _inside(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == folder or path.startswith(folder + os.sep) for folder in folders)


_rule: Rule | None = None
_installed = False


#: The audit events :func:`_audit` looks at: a note raises some two hundred others (attribute
#: reads of frames, ``exec``, ``compile``, ``import``), each passed over with this one test.
WATCHED = frozenset({"open", *CHANGES, *NAMING})


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event not in WATCHED:
        return
    rule = _rule
    if rule is None:
        return
    if event == "open":
        mode, flags = args[1], args[2]
        writes = isinstance(mode, str) and any(letter in mode for letter in "wax+")
        if not writes and not (isinstance(flags, int) and flags & WRITE_FLAGS):
            return
        paths: Iterable[tuple[object, object]] = ((args[0], None),)
    else:
        found = CHANGES.get(event)
        if found is not None:
            folders = AT_FOLDER.get(event, {})
            paths = ((_named(args[at]), _argument(args, folders.get(at))) for at in found)
        else:
            naming = NAMING.get(event)
            if naming is None:
                return
            paths = ((named, None) for named in naming(args))
    for named, dir_fd in paths:
        refused = devices.refusal(event, named, dir_fd)
        if refused is not None:
            __tracebackhide__ = True
            raise refused
        path = resolve(named, dir_fd)
        if path is None or not rule.refuses(path):
            continue
        if event == "open" and os.path.isdir(path):
            # Opening a folder for writing fails, or (O_TMPFILE, as tempfile.TemporaryFile
            # does) makes a file with no name in it: nothing appears in the folder.
            continue
        __tracebackhide__ = True  # the block's traceback ends at its own line
        raise PermissionError(13, REFUSED, path)


#: CPython runs audit hooks with tracing off unless they ask: let coverage see this one.
_audit.__cantrace__ = True  # type: ignore[attr-defined]


def _named(path: object) -> object:
    """A path, or the path of the file a descriptor refers to (``os.chmod(fd)``: a note may
    open a file of the repository to read it, then change its mode); ``None`` where it
    cannot be read, or is no file (a pipe)."""
    if not isinstance(path, int) or isinstance(path, bool):
        return path
    try:
        link = os.readlink(f"{FD_LINKS}/{path}")
    except (OSError, ValueError):
        return None
    return link if os.path.isabs(link) else None


def _argument(args: tuple[Any, ...], position: int | None) -> object:
    return args[position] if position is not None and position < len(args) else None


def check(path: object, dir_fd: object = None) -> None:
    """Refuse ``path`` (relative to the folder of ``dir_fd``, if given) as the audit hook
    would a write to it, while :func:`refusing` is in force: for writers that raise no
    audit event. Anything but a path passes."""
    __tracebackhide__ = True
    rule = _rule
    if rule is None:
        return
    resolved = resolve(path, dir_fd)
    if resolved is not None and rule.refuses(resolved):
        raise PermissionError(13, REFUSED, resolved)


#: Where Linux shows the file each descriptor of the process refers to; elsewhere a path
#: relative to a folder's descriptor is not checked.
FD_LINKS = "/proc/self/fd"


def resolve(path: object, dir_fd: object = None) -> str | None:
    """The real absolute path a path argument names, relative to the working directory or
    to the folder of ``dir_fd`` (a descriptor, ``-1`` or ``None`` for none); ``None`` for
    a file descriptor, or a folder's descriptor whose path cannot be read."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        return None
    try:
        text = os.fsdecode(os.fspath(path))
        if isinstance(dir_fd, int) and dir_fd >= 0 and not os.path.isabs(text):
            folder = os.readlink(f"{FD_LINKS}/{dir_fd}")
        else:
            folder = os.getcwd()
        return os.path.realpath(os.path.join(folder, text))
    except (OSError, ValueError):
        return None


def rule_for(protected: Iterable[str | Path], allowed: Iterable[str | Path]) -> Rule:
    """Protect ``protected`` except what lies in ``allowed`` (see :class:`Rule`). A
    protected folder that holds the home folder (a rootdir of ``~`` or ``/``) is left out:
    caches and downloads go there."""
    return _rule_for(
        tuple(os.fspath(path) for path in protected),
        tuple(os.fspath(path) for path in allowed),
        _home(),
    )


def _home() -> str:
    """The home folder, as :meth:`Path.home` finds it, without the ``Path`` (it is asked
    for every note)."""
    home = os.path.expanduser("~")
    return home if not home.startswith("~") else os.fspath(Path.home())  # Path.home raises


@functools.lru_cache(maxsize=64)
def _rule_for(protected: tuple[str, ...], allowed: tuple[str, ...], home_folder: str) -> Rule:
    """:func:`rule_for`, made once for each folder of notes: resolving the folders is
    most of what a note's isolation costs the file system."""
    home = os.path.realpath(home_folder)
    folders = tuple(
        folder
        for folder in dict.fromkeys(os.path.realpath(path) for path in protected)
        if not _inside(home, (folder,))
    )
    exempt = tuple(dict.fromkeys(os.path.realpath(path) for path in allowed))
    return Rule(folders, exempt)


@contextmanager
def refusing(rule: Rule) -> Iterator[None]:
    """Refuse changes under ``rule`` while the ``with`` block runs."""
    global _rule, _installed
    if not _installed:
        sys.addaudithook(_audit)
        _installed = True
    saved, _rule = _rule, rule
    try:
        yield
    finally:
        _rule = saved
