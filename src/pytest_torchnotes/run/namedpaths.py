"""The files that an audit event names without a plain path argument: the database that
``sqlite3.connect`` opens (a path, or a ``file:`` URI) and the file that binding a unix
socket makes. :mod:`.writeguard` checks them like any other path."""

from __future__ import annotations

import os
import socket
from urllib.parse import parse_qs, unquote, urlsplit

#: Names of SQLite databases that live in memory, or in a temporary file of SQLite's own.
NO_FILE = ("", ":memory:")

#: ``file:`` URI parameters that keep SQLite from writing the file: ``mode=ro``,
#: ``mode=memory``, ``immutable=1``.
READ_ONLY = {"mode": ("ro", "memory"), "immutable": ("1",)}


def database_paths(database: object) -> tuple[object, ...]:
    """The files ``sqlite3.connect(database)`` may write. A name that starts with ``file:``
    is read both as a path (what it is unless ``uri=True``, which the audit event does not
    say) and as the URI it is with ``uri=True``, unless its parameters make it read-only.

    >>> database_paths("file:/repo/x.db?mode=rwc")
    ('file:/repo/x.db?mode=rwc', '/repo/x.db')
    >>> database_paths("file:///repo/x%20y.db?mode=ro"), database_paths(":memory:")
    (('file:///repo/x%20y.db?mode=ro',), ())
    """
    if not isinstance(database, (str, bytes, os.PathLike)):
        return ()
    try:
        name = os.fsdecode(os.fspath(database))
    except (TypeError, ValueError):
        return ()
    if name in NO_FILE:
        return ()
    if not name.startswith("file:"):
        return (name,)
    uri = urlsplit(name)
    query = parse_qs(uri.query)
    path = unquote(uri.path)
    if (
        uri.netloc not in ("", "localhost")
        or path in NO_FILE
        or any(value in READ_ONLY.get(key, ()) for key, values in query.items() for value in values)
    ):
        return (name,)
    return (name, path)


def socket_paths(sock: object, address: object) -> tuple[object, ...]:
    """The file that binding ``sock`` to ``address`` makes: a unix socket's path (none in
    the abstract namespace, whose names start with a NUL byte).

    >>> unix = socket.socket(socket.AF_UNIX)
    >>> socket_paths(unix, "run/x.sock"), socket_paths(unix, b"\\0name")
    (('run/x.sock',), ())
    >>> unix.close()
    """
    family = getattr(socket, "AF_UNIX", None)
    if family is None or getattr(sock, "family", None) != family:
        return ()
    if not isinstance(address, (str, bytes, os.PathLike)):
        return ()
    if isinstance(address, (str, bytes)) and address[:1] in ("\0", b"\0"):
        return ()
    return (address,)
