"""Resource limits a block sets for the session's whole process, kept to what the session
can live with while the note runs.

The limits are put back after the note (:mod:`.knobs.limits`), but two kinds of change
cannot wait for that: a lowered hard limit cannot be raised again without privilege, so
every later note would run under it; and a limit on open files below what the session
already holds (``resource.setrlimit(resource.RLIMIT_NOFILE, (10, 10))``) leaves it unable
to capture, report or even finish: pytest died at its end with ``Too many open files`` and
no report. A file size limit (``RLIMIT_FSIZE``) would end the process with ``SIGXFSZ`` the
first time the session writes past it (its capture of the block's output, its terminal).

So while a note whose code (or the setup code) names ``setrlimit`` or ``prlimit`` runs,
in the session's process: a hard limit given below the current one is kept at the
current one (the soft limit given applies, which is what the block's own code meets); a
soft limit on open files that leaves the session fewer than a few free descriptor
numbers below it is refused with ``ValueError`` at the block's line; and ``SIGXFSZ`` is
ignored, so that a write past a file size limit fails with ``OSError`` (``File too
large``) where it is made instead of ending the session. The limits the note sets hold
while its blocks' code runs; between its blocks the session works under those it had
before.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run.sessionfds import open_fds
from pytest_torchnotes.run.wrapping import Wrapping

try:
    import resource

    HAVE_RESOURCE = True
    #: Bound at import: the limits between blocks are the session's to set.
    _SETRLIMIT = resource.setrlimit
except ImportError:  # pragma: no cover - not on POSIX
    HAVE_RESOURCE = False

#: Bound at import: a note may replace it.
_GETPID = os.getpid

#: Text without which the note's code sets no limit.
WORDS = ("setrlimit", "prlimit")

#: Bytes held while a block runs under the limits and let go when its code ends (a data
#: limit counts them: the block can take that much less); the interpreter's arenas for
#: small objects are 1 MiB (256 KiB before Python 3.10).
RESERVE = 4 * 2**20

#: The limits on memory a block that runs out of it is told about.
MEMORY_LIMITS = ("RLIMIT_DATA", "RLIMIT_AS")

#: Those limits, as numbers (the resources this system has).
_MEMORY_RESOURCES = frozenset(
    getattr(resource, name) for name in MEMORY_LIMITS if HAVE_RESOURCE and hasattr(resource, name)
)

#: What a block that ran out of memory under such a limit is told.
OUT_OF_MEMORY = (
    "the block ran out of memory under the limit set for the note ({limit}, by"
    " resource.setrlimit in its code or its setup): raise that limit, or take less memory"
    " in the block"
)

#: Free descriptor numbers below a limit on open files that the session needs to capture
#: and report a block (a duplicate of fd 1, a file of ``/proc``, a pipe).
HEADROOM = 8

#: What a refused limit on open files says.
TOO_FEW_FILES = (
    "refused: RLIMIT_NOFILE {soft} would leave the session no file descriptor to capture and "
    "report this block (it holds {held}); a limit of at least {least} still shows what "
    "running out of descriptors does"
)


def names_one(code: str) -> bool:
    """Whether ``code`` may set a resource limit."""
    return any(word in code for word in WORDS)


class LimitGuard:
    """Between :meth:`start` and :meth:`restore`, keep what ``resource.setrlimit`` and
    ``resource.prlimit`` (on this process) set in process ``pid`` to what the session can
    live with, and ignore ``SIGXFSZ``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._wrapping = Wrapping()
        self._xfsz: Any = None
        #: The limits the note's blocks set, by resource, and each one's limits before.
        self.noted: dict[int, Any] = {}
        self.before: dict[int, tuple[int, int]] = {}

    def enter(self) -> None:
        """A block starts: put on the limits the note's earlier blocks set."""
        for which, limits in self.noted.items():
            with contextlib.suppress(OSError, ValueError):
                _SETRLIMIT(which, limits)

    def leave(self, only: frozenset[int] | None = None) -> None:
        """The block is over: the session works under the limits it had, not the note's (a
        file size limit would refuse its writes to the terminal); ``only`` those of the
        resources named there."""
        for which, limits in self.before.items():
            if only is not None and which not in only:
                continue
            current = resource.getrlimit(which)
            if current != limits:
                self.noted[which] = current
                with contextlib.suppress(OSError, ValueError):
                    _SETRLIMIT(which, limits)

    def start(self) -> None:
        if not HAVE_RESOURCE:  # pragma: no cover - not on POSIX
            return
        self._wrapping.wrap(resource, "setrlimit", self._setting)
        self._wrapping.wrap(resource, "prlimit", self._prlimit)
        if hasattr(signal, "SIGXFSZ"):
            self._xfsz = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    def restore(self) -> list[str]:
        """Put the functions and the handler back; name the limits the note set (the
        session's were put back after its last block)."""
        self._wrapping.unwrap()
        if self._xfsz is not None:
            signal.signal(signal.SIGXFSZ, self._xfsz)
            self._xfsz = None
        changed = ["resource limits"] if self.noted else []
        self.noted, self.before = {}, {}
        return changed

    def limits(self, which: int, limits: Any) -> Any:
        """``limits`` as the session's process may take them for ``which``."""
        __tracebackhide__ = True
        if _GETPID() != self.pid:
            return limits
        try:
            soft, hard = limits
            _, current_hard = resource.getrlimit(which)
        except (TypeError, ValueError, OSError):
            return limits  # let the call say what is wrong with them
        if _below(hard, current_hard):
            hard = current_hard
        if which == resource.RLIMIT_NOFILE and _below(soft, current_hard + 1):
            held = open_fds()
            # A new descriptor takes the lowest free number, which must be below the limit.
            free = soft - sum(1 for fd in held if fd < soft)
            if free < HEADROOM:
                least = (
                    sorted(set(range(max(held, default=0) + HEADROOM + 1)) - held)[HEADROOM - 1] + 1
                )
                raise ValueError(TOO_FEW_FILES.format(soft=soft, held=len(held), least=least))
        return soft, hard

    def leave_memory(self) -> None:
        """The block's code is over: the session works under the limits on memory it had
        (the others, a limit on open files among them, are put back once the block's
        exhaustion of descriptors is checked)."""
        self.leave(_MEMORY_RESOURCES)

    def memory_limit(self) -> str | None:
        """The limits on memory the note's blocks set and run under (a data or address
        space limit), as a failure names them; ``None`` when they set none."""
        named = []
        for name in MEMORY_LIMITS:
            which = getattr(resource, name, None)
            soft = (
                self.noted.get(which, (resource.RLIM_INFINITY,))[0] if which is not None else None
            )
            if soft is not None and soft != resource.RLIM_INFINITY:
                named.append(f"resource.{name} {soft / 2**20:.0f} MiB")
        return ", ".join(named) or None

    def _remember(self, which: int) -> None:
        if _GETPID() == self.pid and which not in self.before:
            with contextlib.suppress(OSError, ValueError):
                self.before[which] = resource.getrlimit(which)

    def _setting(self, setrlimit: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(setrlimit)
        def setting(which: int, limits: Any) -> None:
            __tracebackhide__ = True
            limits = self.limits(which, limits)
            self._remember(which)
            return setrlimit(which, limits)

        return setting

    def _prlimit(self, prlimit: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(prlimit)
        def setting(pid: int, which: int, *limits: Any) -> Any:
            __tracebackhide__ = True
            if limits and pid in (0, self.pid):
                wanted = self.limits(which, limits[0])
                self._remember(which)
                return prlimit(pid, which, wanted)
            return prlimit(pid, which, *limits)

        return setting


def _below(limit: Any, other: int) -> bool:
    """Whether ``limit`` is a finite number below ``other`` (which may be infinite)."""
    if not isinstance(limit, int) or limit == resource.RLIM_INFINITY:
        return False
    return other == resource.RLIM_INFINITY or limit < other
