"""A block that sends ``SIGINT`` to the session's own process.

The session's ``SIGINT`` handler tells the Ctrl-C of the person running the session (which
ends the session) from a block raising ``KeyboardInterrupt`` (which fails the block). A block
that sends the signal itself (``os.kill(os.getpid(), signal.SIGINT)``, ``signal.raise_signal``,
``os.killpg``, ``signal.pthread_kill``, ``_thread.interrupt_main``) is the block's own
interrupt: while a note runs those
functions are wrapped to say so before the signal is sent, and the handler then raises a plain
``KeyboardInterrupt`` in the block. In a process the block forked they only send it.

A signal whose action would end or stop the session's process (``SIGTERM``, ``SIGUSR1`` or
``SIGHUP`` with no handler, ``SIGKILL``, ``SIGSTOP``) is not sent when a block sends it to
that process (or to its process group): the block fails with :class:`SignalledItself` at its
line, as ``os._exit`` does, and the later notes still run. A script would have ended there.
A thread that an earlier note left running is refused both: its signal would be blamed on
the block that runs now, or stop the session as a Ctrl-C. Under pytest-xdist, a signal to
the controller (the worker's parent, ``os.kill(os.getppid(), signal.SIGTERM)``) would end
every worker's notes with no report, and in a serial run one to the process that started
pytest (a shell, a CI runner) would end what waits for the report: both are refused the
same way.
"""

from __future__ import annotations

import _thread
import os
import signal
import threading
from collections.abc import Callable, Container
from typing import Any

#: The functions as the interpreter has them, bound at import.
KILL = os.kill
KILLPG = getattr(os, "killpg", None)
RAISE_SIGNAL = signal.raise_signal
PTHREAD_KILL = getattr(signal, "pthread_kill", None)
INTERRUPT_MAIN = _thread.interrupt_main
GETPID = os.getpid
GETPGRP = getattr(os, "getpgrp", None)

#: Signals whose default action leaves the process running.
HARMLESS = frozenset(
    getattr(signal, name)
    for name in ("SIGCHLD", "SIGCONT", "SIGURG", "SIGWINCH")
    if hasattr(signal, name)
)

#: Signals no handler can catch.
UNCATCHABLE = frozenset(
    getattr(signal, name) for name in ("SIGKILL", "SIGSTOP") if hasattr(signal, name)
)

#: Signals whose default action stops the process rather than ends it.
STOPPING = frozenset({"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU"})

#: What a block that signals its own process to end or stop fails with.
ENDS_SESSION = (
    "the block sent {name} to the session's own process{group}, which would {action} it: the "
    "signal was not sent and the session goes on (a script would have ended here; send it to "
    "a child process, or set a handler first with signal.signal({name_arg}, handler))"
)


#: What a thread an earlier note left running fails with when it signals the session.
EARLIER_THREAD = (
    "thread {thread!r}, which an earlier note left running, sent {name} to the session's "
    "process: the signal was not sent (the block running now is not the thread's)"
)


#: What a block fails with when it signals the pytest-xdist controller, its parent.
CONTROLLER = (
    "the block sent {name} to the pytest-xdist controller (pid {pid}, the parent of this "
    "worker), which runs the whole session: the signal was not sent and the session goes on"
)
#: What a block fails with when it signals the process that started pytest.
PARENT = (
    "the block sent {name} to the process that started pytest (pid {pid}, a shell or a CI "
    "runner), which waits for the session's report: the signal was not sent and the session "
    "goes on"
)

#: What a block fails with when it signals every process it may (``os.kill(-1, ...)``).
EVERY_PROCESS = (
    "the block sent {name} to every process it may signal (pid -1): run as root, that is "
    "every process of the machine; the signal was not sent (signal the processes the block "
    "started, by their pid)"
)

#: The environment variable pytest-xdist sets in its workers.
XDIST_WORKER = "PYTEST_XDIST_WORKER"


def xdist_controller() -> int | None:
    """The pid of the pytest-xdist controller when this process is one of its workers (it
    starts them itself, so it is their parent)."""
    return os.getppid() if os.environ.get(XDIST_WORKER) else None


class SignalledItself(BaseException):
    """Raised instead of sending a signal that would end or stop the session's process."""


def _ends_process(signum: int) -> bool:
    """Whether ``signum``, delivered now, would end or stop this process."""
    if signum == 0 or signum in HARMLESS or signum == signal.SIGINT:
        return False
    if signum in UNCATCHABLE:
        return True
    try:
        return signal.getsignal(signum) == signal.SIG_DFL
    except ValueError:  # not a signal number: let the call say so
        return False


class SelfSent:
    """Whether the ``SIGINT`` being handled was sent by a block of the session's process."""

    def __init__(self, session_pid: int, earlier: Container[threading.Thread] = ()) -> None:
        self.session_pid = session_pid
        #: The controller whose worker this process is, under pytest-xdist, and the
        #: process that started this one.
        self.controller = xdist_controller()
        self.parent = os.getppid()
        #: The threads that ran before the note: one of an earlier note's that signals the
        #: session is refused, as its interrupt is not the running block's.
        self.earlier = earlier
        self._sent = threading.Event()

    def take(self) -> bool:
        """Whether a block sent the signal being handled (asked once per signal)."""
        sent = self._sent.is_set()
        self._sent.clear()
        return sent

    def _mark(self, signum: int, reaches_session: bool, group: bool = False) -> None:
        __tracebackhide__ = True
        if not reaches_session or GETPID() != self.session_pid:
            return
        current = threading.current_thread()
        if (
            current in self.earlier
            and current is not threading.main_thread()
            and (signum == signal.SIGINT or _ends_process(signum))
        ):
            raise SignalledItself(EARLIER_THREAD.format(thread=current.name, name=_name(signum)))
        if signum == signal.SIGINT:
            self._sent.set()
        elif _ends_process(signum):
            name = _name(signum)
            raise SignalledItself(
                ENDS_SESSION.format(
                    name=name,
                    group=" group" if group else "",
                    action="stop" if name in STOPPING else "end",
                    name_arg=f"signal.{name}" if name.startswith("SIG") else name,
                )
            )

    def _group(self) -> int | None:
        return GETPGRP() if GETPGRP is not None else None

    def kill(self, pid: int, signum: int) -> None:
        __tracebackhide__ = True
        # 0: the process group; -1: every process it may signal; -N: the group N.
        group = self._group()
        in_group = pid in (0, -1) or (group is not None and pid == -group)
        if pid == -1 and signum != 0 and signum not in HARMLESS:
            raise SignalledItself(EVERY_PROCESS.format(name=_name(signum)))
        self._mark(signum, pid == self.session_pid or in_group, in_group)
        if (
            pid == self.parent
            and signum != 0
            and signum not in HARMLESS
            and GETPID() == self.session_pid
        ):
            refused = CONTROLLER if pid == self.controller else PARENT
            raise SignalledItself(refused.format(name=_name(signum), pid=pid))
        KILL(pid, signum)

    def killpg(self, pgid: int, signum: int) -> None:
        __tracebackhide__ = True
        assert KILLPG is not None
        self._mark(signum, pgid in (0, self._group()), True)
        KILLPG(pgid, signum)

    def raise_signal(self, signum: int) -> None:
        __tracebackhide__ = True
        self._mark(signum, True)
        RAISE_SIGNAL(signum)

    def pthread_kill(self, thread_id: int, signum: int) -> None:
        __tracebackhide__ = True
        assert PTHREAD_KILL is not None
        self._mark(signum, True)  # every thread id names a thread of this process
        PTHREAD_KILL(thread_id, signum)

    def interrupt_main(self, signum: int = signal.SIGINT) -> None:
        __tracebackhide__ = True
        self._mark(signum, True)
        INTERRUPT_MAIN(signum)  # type: ignore[arg-type]


#: The functions a block sends a signal with: module, attribute, what wraps it.
WRAPPED: tuple[tuple[Any, str, Callable[[SelfSent], Callable[..., None]]], ...] = (
    (os, "kill", lambda sent: sent.kill),
    *(((os, "killpg", lambda sent: sent.killpg),) if KILLPG is not None else ()),
    (signal, "raise_signal", lambda sent: sent.raise_signal),
    *(((signal, "pthread_kill", lambda sent: sent.pthread_kill),) if PTHREAD_KILL else ()),
    (_thread, "interrupt_main", lambda sent: sent.interrupt_main),
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


def _name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
