"""Writing an updated note to disk: its bytes, mode, owner and links kept.

The file is written only when it is still the file the edits were computed from; the new
text goes through a temporary file in the same folder, or in place where a rename would lose
a hard link or the file's owner.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from pytest_torchnotes.notefiles import UnreadableNote, read_note
from pytest_torchnotes.update.apply import apply
from pytest_torchnotes.update.rewrite import Edit, RewriteError, digest

#: How much of the note's name the temporary file's name holds: all of a name near the
#: longest a file system takes (255 bytes) made one too long to create (48 characters are
#: at most 192 bytes).
TEMPORARY_NAME = 48

#: What ``posix_fallocate`` fails with on a file system that cannot reserve room: the
#: write goes on without the reservation.
UNSUPPORTED = {errno.EINVAL, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}

#: Why a note is not written when it is not the file its edits were computed from, and what
#: to do: its new text (someone's edit, another note's block) is kept.
CHANGED_ON_DISK = (
    "changed on disk since it was collected (its new text is kept): run again to write it"
)

#: Why a read-only note is not written, and what to do.
READ_ONLY = "read-only: make it writable (chmod u+w) and run again"


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, keeping the file's mode, owner and
    group; the target of a symlink is written, so the link stays a link.

    A file with several hard links, or whose owner or group the temporary file cannot be
    given (someone else's file that the group may write), is written in place instead: a
    rename would leave the other links on the old text, or hand the file to whoever ran
    the update. So is a file in a folder where no temporary file can be made. The new text
    is complete in memory first, so the file is truncated and written in one go.
    """
    target = Path(os.path.realpath(path))
    info = target.stat()
    if not stat.S_ISREG(info.st_mode):  # a device or a FIFO (/dev/null) is never replaced
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    if info.st_nlink > 1:
        _write_in_place(target, data)
        return
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before os.replace
            dir=target.parent,
            prefix=f".{target.name[:TEMPORARY_NAME]}.",
            suffix=".tmp",
            delete=False,
        )
    except PermissionError:  # a folder that takes no new file; the note itself may be written
        _write_in_place(target, data)
        return
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not _same_owner(handle.name, info):
            Path(handle.name).unlink()
            _write_in_place(target, data)
            return
        os.chmod(handle.name, stat.S_IMODE(info.st_mode))
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _same_owner(name: str, info: os.stat_result) -> bool:
    """Give the file ``name`` the owner and group of ``info``; whether that was possible."""
    made = os.stat(name)
    if (made.st_uid, made.st_gid) == (info.st_uid, info.st_gid):
        return True
    try:
        os.chown(name, info.st_uid, info.st_gid)
    except OSError:
        return False
    return True


def _write_in_place(target: Path, data: bytes) -> None:
    """Overwrite ``target`` with ``data``. Where the file grows, the room for the new bytes
    is reserved first, past its end: a full disk then fails the write before a byte of the
    note is overwritten, not halfway through it."""
    with open(target, "r+b") as handle:
        size = os.fstat(handle.fileno()).st_size
        if len(data) > size and hasattr(os, "posix_fallocate"):
            try:
                os.posix_fallocate(handle.fileno(), size, len(data) - size)
            except OSError as error:
                if error.errno not in UNSUPPORTED:
                    raise
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def update_file(
    path: Path, edits: Sequence[Edit], check: Callable[[str, str], str | None] | None = None
) -> str | None:
    """Apply the edits of one note and write it; return why it was not written, if it was
    not. A file that changed since it was read, or that cannot be written, is left alone, and
    so is one whose new text ``check`` (given the text before and after) finds a reason in."""
    from pytest_torchnotes.markdown.document import NoteReadError, decode_note

    try:
        data = read_note(path)
    except UnreadableNote as error:
        return str(error)
    read = digest(data)  # once: a note of 10,000 edits is not hashed 10,000 times
    if any(edit.digest != read for edit in edits):
        return CHANGED_ON_DISK
    target = Path(os.path.realpath(path))
    writable_bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    if not target.stat().st_mode & writable_bits or not os.access(target, os.W_OK):
        return READ_ONLY  # the mode bits count even for a superuser, who could write anyway
    try:
        raw = decode_note(data)
        text = apply(raw.original, edits)
        new = (b"\xef\xbb\xbf" if raw.bom else b"") + text.encode("utf-8")
        # read as a note is read: its line endings made one
        reason = check(raw.text, decode_note(new).text) if check is not None else None
        if reason is not None:
            return reason
        write_atomically(path, new)
    except (NoteReadError, RewriteError) as error:
        return str(error)
    except OSError as error:
        return f"cannot be written: {error.strerror}"
    return None
