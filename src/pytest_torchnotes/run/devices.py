"""Device files a block may write to but not remove, replace, rename or change the mode of.

``/dev/null`` is one file for the whole machine. Run as root, a note's ``os.replace(tmp,
"/dev/null")`` (an atomic write given ``/dev/null`` as its target), ``os.remove`` or
``os.chmod(..., 0o600)`` of it would break every other program that writes there, long
after the session. Writing into a device (``open("/dev/null", "w")``) is what it is for and
goes through; the calls that change the device file itself are refused at the block's line
by the write guard's audit hook, whatever folder the device is in.
"""

from __future__ import annotations

import os
import stat

#: Audit events that would remove, replace or rename a device file, and those that would
#: change its mode or owner through a link to it too.
REPLACING = frozenset({"os.remove", "os.rename", "os.link", "os.symlink", "shutil.rmtree"})
CHANGING = frozenset({"os.chmod", "os.chown"})
EVENTS = REPLACING | CHANGING

REFUSED = (
    "refused: a device file is shared by every program of the machine; a block may write "
    "to it, not remove, replace, rename or change it"
)

#: Where Linux shows the file each descriptor of the process refers to.
FD_LINKS = "/proc/self/fd"


def refusal(event: str, path: object, dir_fd: object = None) -> PermissionError | None:
    """The error that refuses ``event`` on ``path``, when it names a device file."""
    if event not in EVENTS or not isinstance(path, (str, bytes, os.PathLike)):
        return None
    text = os.fsdecode(os.fspath(path))
    if not names_device(event, text, dir_fd):
        return None
    return PermissionError(1, REFUSED, text)


def names_device(event: str, path: object, dir_fd: object = None) -> bool:
    """Whether ``path`` (relative to the folder of ``dir_fd``, if given) is a character or
    block device, as ``event`` would reach it: the link itself for a removal or rename, what
    it points to for a change of mode or owner."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        return False
    try:
        text = os.fsdecode(os.fspath(path))
        if isinstance(dir_fd, int) and dir_fd >= 0 and not os.path.isabs(text):
            text = os.path.join(os.readlink(f"{FD_LINKS}/{dir_fd}"), text)
        mode = os.stat(text).st_mode if event in CHANGING else os.lstat(text).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
