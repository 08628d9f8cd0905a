"""The files of the plugin's caches in pytest's cache folder: a note's parse
(:mod:`.markdown.parsecache`) and its blocks' compiled code (:mod:`.run.codecache`).

An entry is the name of its layout, a digest of its key and its content together, then the
content: an entry for another key, of another layout, cut short or changed on disk does not
match its digest and is no entry. It is written whole beside its place and moved in, so a
reader (another pytest-xdist worker) finds the old entry or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

#: The size of the digests that name entries and check them.
DIGEST_SIZE = 32


def _check(key: bytes, payload: bytes | memoryview) -> bytes:
    check = hashlib.blake2b(key, digest_size=DIGEST_SIZE)
    check.update(payload)
    return check.digest()


def read(path: Path, layout: bytes, key: bytes) -> memoryview | None:
    """The content of the entry at ``path``, or ``None`` where there is none, it cannot be
    read, or it is not an entry of ``layout`` for ``key``."""
    try:
        with open(path, "rb") as entry:
            data = entry.read()
    except OSError:
        return None
    head = len(layout) + DIGEST_SIZE
    if len(data) <= head or not data.startswith(layout):
        return None
    payload = memoryview(data)[head:]
    if _check(key, payload) != data[len(layout) : head]:
        return None
    return payload


def write(path: Path, layout: bytes, key: bytes, payload: bytes) -> None:
    """Keep ``payload`` as the entry of ``layout`` for ``key`` at ``path``; a folder that
    cannot be written keeps nothing (the next run does the work again)."""
    write_whole(path, layout + _check(key, payload) + payload)


def write_whole(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` whole: written beside it and moved in, so that a reader finds
    the old file or the new one; a folder that cannot be written keeps the old one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        try:
            with open(temporary, "wb") as entry:
                entry.write(data)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError:
        return
