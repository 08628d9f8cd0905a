"""Which block was running when the session process died, said even when the process cannot.

A segfault, an abort or ``SIGKILL`` ends the process before pytest reports anything. A
small watcher process, started with the first note of a serial run, learns from the session
which block is running (through memory they share, written as each block starts and ends)
and receives :mod:`faulthandler`'s reports through a pipe, which it passes on to the terminal
at once. When the pipe closes, or the session process is gone, while a block was running, the
watcher writes the note, the block's line, its time limit and what ended the process: the
fatal error faulthandler reported, or, with none, a signal faulthandler does not report
(``SIGKILL``, ``SIGTERM``) or C code that ended the process.

Under pytest-xdist the controller reports a crashed worker's note instead; no watcher runs.
"""

from __future__ import annotations

import contextlib
import faulthandler
import mmap
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from pytest_torchnotes.run import processes

#: Starts a control line in the pipe; anything else is faulthandler's text.
CONTROL = b"\x01"

#: Bytes of the memory the session and the watcher share: which block runs.
STATE_SIZE = 4096

#: Where that memory keeps what: a count of the blocks started and ended (8 bytes), the
#: length of the running block's description (4 bytes; 0 between blocks), the place of the
#: running note in the session's items (4 bytes, from 1; 0: not known), the description.
COUNT, LENGTH, POSITION, TEXT = slice(0, 8), slice(8, 12), slice(12, 16), 16

#: What the watcher runs: only ``mmap``, ``os``, ``select`` and ``sys`` (``shlex`` once the
#: session died), so it starts in milliseconds.
WATCHER = r"""
import mmap, os, select, sys

fd, state_fd, session = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
state = mmap.mmap(state_fd, int(sys.argv[4]))
plan_fd = int(sys.argv[5])
report, pending = [], b""


def count():
    return int.from_bytes(state[0:8], "little")


def gone():
    try:
        with open(f"/proc/{session}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[0] in (b"Z", b"X")
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(session, 0)
        except ProcessLookupError:
            return True
        except OSError:
            pass
        return False


MAX_NAMED = 20


def say(text):
    try:
        os.write(2, text)
    except OSError:
        pass


while True:
    ready = select.select([fd], [], [], 0.5)[0]
    chunk = os.read(fd, 65536) if ready else b""
    if not chunk and (ready or gone()):
        break
    pending += chunk
    *lines, pending = pending.split(b"\n")
    for line in lines:
        text, _, control = line.partition(b"\x01")
        if text or not control:
            say(text + b"\n")
            report.append((count(), text + b"\n"))
        if control[:1] == b"Q":
            sys.exit(0)
if pending:
    say(pending + b"\n")
    report.append((count(), pending))
length = int.from_bytes(state[8:12], "little")
position = int.from_bytes(state[12:16], "little")
running = state[16 : 16 + length]
# What faulthandler wrote while the last block ran (the count changes as blocks start and end).
report = b"".join(text for when, text in report if when == count())
if running and b"(see the timeout directive)" not in report:  # else the session said it
    fatal = [line for line in report.split(b"\n") if line.startswith(b"Fatal Python error: ")]
    if fatal:
        cause = fatal[0].decode(errors="replace") + " (faulthandler's report is above)"
    elif report.startswith(b"Timeout ("):
        cause = "it ran past its hard time limit (the traceback is above)"
    else:
        cause = (
            "no fatal error was reported: a signal that faulthandler does not report ended it"
            " (SIGKILL: kill -9 or the out-of-memory killer; SIGTERM or SIGHUP sent to the"
            " process; SIGALRM: a signal.alarm or signal.setitimer timer left running), or C"
            " code called exit()"
        )
    say(b"\n" + running + b" was running when the process died: " + cause.encode() + b"\n")
    # The items after the crashed one, which never ran: named, with the command that runs
    # them (the items before it too: pytest has no option to start after an item).
    try:
        plan = os.pread(plan_fd, 1 << 24, 0).decode("utf-8", "replace").split("\n")
    except OSError:
        plan = []
    command, items = (plan[0], plan[1:]) if plan else ("", [])
    if 0 < position <= len(items):
        crashed, left = items[position - 1], items[position:]
        if left:
            import shlex  # only once the session died: the watcher starts without it

            shown = ", ".join(left[:MAX_NAMED])
            if len(left) > MAX_NAMED:
                shown += f" and {len(left) - MAX_NAMED} more"
            say(
                (
                    f"{len(left)} {'test was' if len(left) == 1 else 'tests were'} not run,"
                    f" the process having died in {crashed}: {shown}. The run ended there:"
                    f" no report of it was written (--torchnotes-report, --junitxml, pytest's"
                    f" cache). Run the others with: {command} --deselect {shlex.quote(crashed)}\n"
                ).encode("utf-8", "replace")
            )
"""


@dataclass(frozen=True)
class CrashPlan:
    """The session's items in the order they run, by node id, and the command that ran
    them: what the watcher names as not run after a crash, and how to run them."""

    items: tuple[str, ...]
    command: str

    def text(self) -> str:
        """The plan as the watcher reads it: the command, then an item a line."""
        lines = (self.command, *(item.replace("\n", " ") for item in self.items))
        return "\n".join(lines)


class Watcher:
    """The session's side: starts the watcher, says which block runs, stops it at the end.

    Which block runs is written into memory shared with the watcher, not sent through the
    pipe: a process waiting on a pipe is woken by every write, two for each block, and each
    wake-up costs the session more than a small block's code takes to run. The pipe carries
    faulthandler's reports, and its end tells the watcher at once that the session died.
    """

    def __init__(self, terminal: int, plan: CrashPlan | None = None) -> None:
        read, self._fd = os.pipe()
        self._count = 0
        self._state: mmap.mmap | None = None
        self.process: subprocess.Popen[bytes] | None = None
        try:
            with tempfile.TemporaryFile() as backing, tempfile.TemporaryFile() as planned:
                if plan is not None:
                    planned.write(plan.text().encode("utf-8", errors="replace"))
                    planned.flush()
                backing.truncate(STATE_SIZE)
                self._state = mmap.mmap(backing.fileno(), STATE_SIZE)
                self.process = subprocess.Popen(
                    [
                        sys.executable,
                        "-S",
                        "-I",
                        "-c",
                        WATCHER,
                        str(read),
                        str(backing.fileno()),
                        str(os.getpid()),
                        str(STATE_SIZE),
                        str(planned.fileno()),
                    ],
                    pass_fds=(read, backing.fileno(), planned.fileno()),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=terminal,
                    start_new_session=True,  # Ctrl-C in the terminal is not for it
                )
        except (OSError, ValueError):
            self.process = None
        os.close(read)
        self.terminal = terminal
        if self.process is not None:
            processes.childless.add(self.process.pid)  # it starts no process
            faulthandler.enable(file=self._fd, all_threads=True)

    @property
    def pids(self) -> frozenset[int]:
        """The watcher's process, a child of the session that no note started."""
        return frozenset() if self.process is None else frozenset({self.process.pid})

    @property
    def file(self) -> int:
        """Where faulthandler's reports go while the watcher runs: the watcher."""
        return self._fd if self.process is not None else self.terminal

    def running(self, where: str) -> None:
        self._share(where.encode("utf-8", errors="replace")[: STATE_SIZE - TEXT])

    def idle(self) -> None:
        self._share(b"")

    def at(self, position: int) -> None:
        """Say that the item at ``position`` of the plan (from 1) runs now."""
        if self._state is not None:
            self._state[POSITION] = position.to_bytes(4, "little")

    def _share(self, text: bytes) -> None:
        state = self._state
        if state is None:
            return
        state[TEXT : TEXT + len(text)] = text
        state[LENGTH] = len(text).to_bytes(4, "little")
        self._count += 1
        state[COUNT] = self._count.to_bytes(8, "little")

    def _send(self, data: bytes) -> None:
        if self.process is None:
            return
        try:
            os.write(self._fd, data)
        except OSError:  # the watcher is gone: the session goes on without it
            self.process = None

    def close(self) -> None:
        """Stop the watcher; faulthandler writes to the terminal again."""
        faulthandler.enable(file=self.terminal, all_threads=True)
        self._share(b"")
        self._send(CONTROL + b"Q\n")
        os.close(self._fd)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
            processes.childless.discard(self.process.pid)
            self.process = None
        if self._state is not None:
            self._state.close()
            self._state = None
