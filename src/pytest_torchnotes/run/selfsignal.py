"""A block that sends ``SIGINT`` to the session's own process.

The session's ``SIGINT`` handler tells the Ctrl-C of the person running the session (which
ends the session) from a block raising ``KeyboardInterrupt`` (which fails the block). A block
that sends the signal itself (``os.kill(os.getpid(), signal.SIGINT)``, ``signal.raise_signal``,
``os.killpg``, ``signal.pthread_kill``) is the block's own interrupt: while a note runs those
functions are wrapped to say so before the signal is sent, and the handler then raises a plain
``KeyboardInterrupt`` in the block. In a process the block forked they only send it.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import Any

#: The functions as the interpreter has them, bound at import.
KILL = os.kill
KILLPG = getattr(os, "killpg", None)
RAISE_SIGNAL = signal.raise_signal
PTHREAD_KILL = getattr(signal, "pthread_kill", None)
GETPID = os.getpid
GETPGRP = getattr(os, "getpgrp", None)


class SelfSent:
    """Whether the ``SIGINT`` being handled was sent by a block of the session's process."""

    def __init__(self, session_pid: int) -> None:
        self.session_pid = session_pid
        self._sent = threading.Event()

    def take(self) -> bool:
        """Whether a block sent the signal being handled (asked once per signal)."""
        sent = self._sent.is_set()
        self._sent.clear()
        return sent

    def _mark(self, signum: int, reaches_session: bool) -> None:
        if signum == signal.SIGINT and reaches_session and GETPID() == self.session_pid:
            self._sent.set()

    def _group(self) -> int | None:
        return GETPGRP() if GETPGRP is not None else None

    def kill(self, pid: int, signum: int) -> None:
        # 0: the process group; -1: every process it may signal; -N: the group N.
        group = self._group()
        self._mark(
            signum, pid in (self.session_pid, 0, -1) or (group is not None and pid == -group)
        )
        KILL(pid, signum)

    def killpg(self, pgid: int, signum: int) -> None:
        assert KILLPG is not None
        self._mark(signum, pgid in (0, self._group()))
        KILLPG(pgid, signum)

    def raise_signal(self, signum: int) -> None:
        self._mark(signum, True)
        RAISE_SIGNAL(signum)

    def pthread_kill(self, thread_id: int, signum: int) -> None:
        assert PTHREAD_KILL is not None
        self._mark(signum, True)  # every thread id names a thread of this process
        PTHREAD_KILL(thread_id, signum)


#: The functions a block sends a signal with: module, attribute, what wraps it.
WRAPPED: tuple[tuple[Any, str, Callable[[SelfSent], Callable[..., None]]], ...] = (
    (os, "kill", lambda sent: sent.kill),
    *(((os, "killpg", lambda sent: sent.killpg),) if KILLPG is not None else ()),
    (signal, "raise_signal", lambda sent: sent.raise_signal),
    *(((signal, "pthread_kill", lambda sent: sent.pthread_kill),) if PTHREAD_KILL else ()),
)


def watch(sent: SelfSent) -> Callable[[], None]:
    """While a note runs, its ways of sending a signal say when it sends ``SIGINT`` to
    itself; the function returned puts them back. One the note replaced by then is left to
    the guard of what the note patched, which puts back what was there before it ran."""
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in WRAPPED]
    wrappers = [wrap(sent) for _, _, wrap in WRAPPED]
    for (owner, name, _), wrapper in zip(WRAPPED, wrappers, strict=True):
        setattr(owner, name, wrapper)

    def unwatch() -> None:
        for (owner, name, before), wrapper in zip(saved, wrappers, strict=True):
            if getattr(owner, name) is wrapper:
                setattr(owner, name, before)

    return unwatch
