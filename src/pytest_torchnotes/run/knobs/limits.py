"""The process's resource limits and scheduling priority, which a note may change for the
whole process: ``resource.setrlimit(resource.RLIMIT_NOFILE, (64, ...))`` would leave every
later note 64 file descriptors, a CPU time limit would end the session with ``SIGXCPU``,
``os.nice(5)`` would slow every later note.

A limit a note lowered is raised back where the process may (a soft limit up to its hard
limit; a hard limit only with privilege), and niceness lowered back only where the process
may (``CAP_SYS_NICE`` or ``RLIMIT_NICE``): what cannot be put back is named in the run report
as ``could not be restored``.
"""

from __future__ import annotations

import os
from typing import Any

from pytest_torchnotes.run.knobs import Knob

try:
    import resource
except ImportError:  # pragma: no cover - not on POSIX
    resource = None  # type: ignore[assignment]

#: The limits a note's code may set, by name, where this platform has them.
LIMIT_NAMES = (
    "RLIMIT_AS",
    "RLIMIT_CORE",
    "RLIMIT_CPU",
    "RLIMIT_DATA",
    "RLIMIT_FSIZE",
    "RLIMIT_MEMLOCK",
    "RLIMIT_NOFILE",
    "RLIMIT_NPROC",
    "RLIMIT_RSS",
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
