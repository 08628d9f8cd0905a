"""The process's resource limits, scheduling priority and process group, which a note may
change for the whole process: ``resource.setrlimit(resource.RLIMIT_NOFILE, (64, ...))``
would leave every later note 64 file descriptors, a CPU time limit would end the session
with ``SIGXCPU``, ``os.nice(5)`` would slow every later note, and ``os.setpgrp()`` would take
the session out of the terminal's foreground group (Ctrl-C would no longer reach it).

A limit a note lowered is raised back where the process may (a soft limit up to its hard
limit; a hard limit only with privilege), and niceness lowered back only where the process
may (``CAP_SYS_NICE`` or ``RLIMIT_NICE``). The process group is put back; a session of its
own (``os.setsid()``) cannot be left. What cannot be put back is named in the run report as
``could not be restored``.
"""

from __future__ import annotations

import os
from typing import Any

from pytest_torchnotes.run.knobs import Knob

try:
    import resource
except ImportError:  # pragma: no cover - not on POSIX
    resource = None  # type: ignore[assignment]

#: The limits that would break later notes, by name, where this platform has them: file
#: descriptors, memory, CPU time (``SIGXCPU``), file size (``SIGXFSZ``), processes, stack.
LIMIT_NAMES = (
    "RLIMIT_NOFILE",
    "RLIMIT_AS",
    "RLIMIT_DATA",
    "RLIMIT_CPU",
    "RLIMIT_FSIZE",
    "RLIMIT_NPROC",
    "RLIMIT_STACK",
)


def limit_knobs() -> list[Knob]:
    """The resource limits and the niceness of the process, where the platform has them."""
    knobs = []
    if resource is not None:
        limits = tuple(
            (name, getattr(resource, name)) for name in LIMIT_NAMES if hasattr(resource, name)
        )
        knobs.append(
            Knob("resource limits", lambda: _limits(limits), lambda saved: _set_limits(saved))
        )
    if hasattr(os, "getpriority"):
        knobs.append(Knob("niceness", _niceness, _set_niceness))
    if hasattr(os, "getpgrp") and hasattr(os, "getsid"):
        knobs.append(Knob("process group", _group, _set_group))
    return knobs


def _limits(limits: tuple[tuple[str, int], ...]) -> dict[str, tuple[int, int, int]]:
    return {name: (number, *resource.getrlimit(number)) for name, number in limits}


def _set_limits(saved: dict[str, tuple[int, int, int]]) -> None:
    """Put back each limit that changed; raise naming those that could not be."""
    failed = []
    for name, (number, soft, hard) in saved.items():
        if resource.getrlimit(number) == (soft, hard):
            continue
        try:
            resource.setrlimit(number, (soft, hard))
        except (OSError, ValueError) as error:
            failed.append(f"{name}: {error}")
    if failed:
        raise OSError("; ".join(failed))


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


def _set_niceness(saved: Any) -> None:
    os.setpriority(os.PRIO_PROCESS, 0, saved)


def _group() -> tuple[int, int]:
    return os.getsid(0), os.getpgrp()


def _set_group(saved: tuple[int, int]) -> None:
    session, group = saved
    if os.getsid(0) != session:
        raise OSError("the note started a session of its own (os.setsid), which cannot be left")
    os.setpgid(0, group)
