"""Whether the network can be reached, asked within a bounded time.

``socket.create_connection(address, timeout=3)`` bounds the connection, not the lookup of
the host's name before it: ``getaddrinfo`` waits as long as the resolver is configured to
(several servers, several attempts, a resolver that never answers), and a note marked
``requires network`` waited with it, under no limit but its block's. The name is looked up
in a thread of its own, waited for until the probe's time is up, and the connection gets
what is left of it. A lookup that is still stuck is left to its thread: a thread of
:mod:`_thread`, which ``threading.enumerate()`` does not list, so no note is blamed for it.
"""

from __future__ import annotations

import _thread
import socket
import time
from collections.abc import Callable
from typing import Any

#: Bound at import: a note may replace them (``socket.getaddrinfo = ...``).
GETADDRINFO: Callable[..., list[Any]] = socket.getaddrinfo
SOCKET = socket.socket
MONOTONIC = time.monotonic


def unreachable(host: str, port: int, timeout: float) -> str | None:
    """Why ``host:port`` cannot be reached within ``timeout`` seconds, lookup included, or
    ``None`` when a connection was made.

    >>> unreachable("localhost", 9, 0.0)
    'its name was not looked up within 0 s'
    """
    deadline = MONOTONIC() + timeout
    answer: list[Any] = []
    done = _thread.allocate_lock()
    done.acquire()

    def look_up() -> None:
        try:
            answer.append(GETADDRINFO(host, port, 0, socket.SOCK_STREAM))
        except OSError as error:
            answer.append(error)
        finally:
            done.release()

    if timeout > 0:
        _thread.start_new_thread(look_up, ())
    if timeout <= 0 or not done.acquire(timeout=timeout):
        return f"its name was not looked up within {timeout:g} s"
    found = answer[0]
    if isinstance(found, OSError):
        return str(found.strerror or found)
    error: OSError | None = None
    for family, kind, protocol, _, address in found:
        remaining = deadline - MONOTONIC()
        if remaining <= 0:
            return f"no connection within {timeout:g} s"
        try:
            with SOCKET(family, kind, protocol) as connection:
                connection.settimeout(remaining)
                connection.connect(address)
                return None
        except OSError as failed:
            error = failed
    return str(getattr(error, "strerror", None) or error or "no address")
