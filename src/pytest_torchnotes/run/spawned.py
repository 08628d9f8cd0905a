"""Why a block that started processes the ``spawn`` way timed out.

A process started with the ``spawn`` (or ``forkserver``) start method is a fresh
interpreter: it finds the functions and classes it is sent by importing their module. A
function defined in a note lives in the note's namespace, which is no importable module, so
the child cannot find it (``Can't get attribute 'square' on <module '__main__'>``): it dies,
a pool starts another one, and the block waits until its time limit. ``multiprocessing``
Pools, ``torch.multiprocessing`` and a ``DataLoader`` with workers all do this under spawn.
``run/spawnpickling.py`` makes the block fail at once where ``multiprocessing`` pickles the
note's functions and classes for such a child; this hint is for what reaches it otherwise.

When a block runs past its time limit, :func:`spawned_since` is asked, at that moment
(before the block's ``with Pool(...)`` ends its workers), which processes below the session
started since the block began and run ``multiprocessing``'s spawn or forkserver program;
:func:`hint` says what they mean. Found through ``/proc`` (Linux); elsewhere nothing is
found and no hint is given.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from pytest_torchnotes.run.processes import PROC, descendants, supported

#: The program ``multiprocessing`` gives ``python -c`` to start a child the spawn way
#: (``from multiprocessing.spawn import spawn_main; spawn_main(...)``) or to start the
#: forkserver (whose children are forked from it and keep its command line).
SPAWN_PROGRAM = re.compile(
    r"from multiprocessing\.(?P<method>spawn|forkserver) import (?:spawn_main|main)\b"
)

#: Clock ticks per second of ``/proc/PID/stat``'s start time.
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

#: What a block told of its spawned processes is told.
HINT = (
    "the block started processes with the {method} start method (pid {pids}): a function "
    "defined in a note cannot be found by them (the note is not an importable module); "
    "define it in a module beside the note and import it, or use the fork start method"
)


@dataclass(frozen=True)
class SpawnedProcess:
    pid: int
    #: ``spawn`` or ``forkserver``.
    method: str


def start_method(argv: Sequence[str]) -> str | None:
    """The start method of a process whose command line is ``argv``, when it is a child that
    ``multiprocessing`` started the spawn or forkserver way; else ``None``.

    >>> start_method(["python", "-B", "-c", "from multiprocessing.spawn import spawn_main; "
    ...               "spawn_main(pipe_handle=7)", "--multiprocessing-fork"])
    'spawn'
    >>> start_method(["python", "-c", "print('from multiprocessing.spawn import spawn_main')"])
    """
    for index, word in enumerate(argv[1:-1], start=1):
        if word == "-c":
            match = SPAWN_PROGRAM.match(argv[index + 1])
            return match.group("method") if match else None
    return None


def boot_clock() -> float:
    """Seconds since boot, the clock of a process's start time in ``/proc``."""
    return time.clock_gettime(time.CLOCK_BOOTTIME) if supported() else 0.0


def spawned_since(started: float) -> list[SpawnedProcess]:
    """Processes below the session, started at ``started`` (:func:`boot_clock`) or later,
    that run ``multiprocessing``'s spawn or forkserver program."""
    found = []
    for pid in sorted(descendants()):
        argv = _command_line(pid)
        method = start_method(argv) if argv else None
        begun = _start_time(pid)
        # The start time counts whole ticks: one tick of slack on the block's side.
        if method is not None and begun is not None and begun >= started - 1 / CLOCK_TICKS:
            found.append(SpawnedProcess(pid, method))
    return found


def hint(processes: Sequence[SpawnedProcess]) -> str:
    """The line a timed-out block's failure gains; empty when no process was spawned.

    >>> hint([SpawnedProcess(12, "spawn"), SpawnedProcess(13, "spawn")])[:76]
    'the block started processes with the spawn start method (pid 12, 13): a func'
    >>> hint([])
    ''
    """
    if not processes:
        return ""
    methods = sorted({process.method for process in processes})
    return HINT.format(
        method=" and ".join(methods), pids=", ".join(str(process.pid) for process in processes)
    )


def _command_line(pid: int) -> list[str]:
    try:
        with open(f"{PROC}/{pid}/cmdline", "rb") as file:
            data = file.read()
    except OSError:
        return []
    return [word.decode(errors="replace") for word in data.split(b"\0") if word]


def _start_time(pid: int) -> float | None:
    """When the process started, in seconds since boot."""
    try:
        with open(f"{PROC}/{pid}/stat", "rb") as file:
            data = file.read()
    except OSError:
        return None
    fields = data[data.rfind(b")") + 2 :].split()
    # The 22nd field; the list starts at the 3rd. Read in a signal handler: never raise.
    return int(fields[19]) / CLOCK_TICKS if len(fields) > 19 and fields[19].isdigit() else None
