"""Which block was running when the session process died, said even when the process cannot.

A segfault, an abort or ``SIGKILL`` ends the process before pytest reports anything. A
small watcher process, started with the first note of a serial run, learns from the session
which block is running (a line through a pipe as each block starts and ends) and receives
:mod:`faulthandler`'s reports through the same pipe, which it passes on to the terminal at
once. When the pipe closes, or the session process is gone, while a block was running, the
watcher writes the note, the block's line, its time limit and what ended the process: the
fatal error faulthandler reported, or, with none, a signal that cannot be caught
(``SIGKILL``) or C code that ended the process.

Under pytest-xdist the controller reports a crashed worker's note instead; no watcher runs.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import subprocess
import sys

#: Starts a control line in the pipe; anything else is faulthandler's text.
CONTROL = b"\x01"

#: What the watcher runs: only ``os``, ``select`` and ``sys``, so it starts in milliseconds.
WATCHER = r"""
import os, select, sys

fd, session = int(sys.argv[1]), int(sys.argv[2])
running, report, pending = b"", b"", b""


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
            report += text + b"\n"
        if control[:1] == b"R":
            running, report = control[1:], b""
        elif control[:1] == b"I":
            running, report = b"", b""
        elif control[:1] == b"Q":
            sys.exit(0)
if pending:
    say(pending + b"\n")
    report += pending
if running and b"(see the timeout directive)" not in report:  # else the session said it
    fatal = [line for line in report.split(b"\n") if line.startswith(b"Fatal Python error: ")]
    if fatal:
        cause = fatal[0].decode(errors="replace") + " (faulthandler's report is above)"
    elif report.startswith(b"Timeout ("):
        cause = "it ran past its hard time limit (the traceback is above)"
    else:
        cause = (
            "no fatal error was reported: a signal that cannot be caught (SIGKILL: kill -9,"
            " or the out-of-memory killer) ended it, or C code called exit()"
        )
    say(b"\n" + running + b" was running when the process died: " + cause.encode() + b"\n")
"""


class Watcher:
    """The session's side: starts the watcher, says which block runs, stops it at the end."""

    def __init__(self, terminal: int) -> None:
        read, self._fd = os.pipe()
        try:
            self.process: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-S", "-I", "-c", WATCHER, str(read), str(os.getpid())],
                pass_fds=(read,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=terminal,
                start_new_session=True,  # Ctrl-C in the terminal is not for it
            )
        except OSError:
            self.process = None
        os.close(read)
        self.terminal = terminal
        if self.process is not None:
            faulthandler.enable(file=self._fd, all_threads=True)

    @property
    def pids(self) -> tuple[int, ...]:
        """The watcher's process id, while it runs: a child of the session no block started."""
        return (self.process.pid,) if self.process is not None else ()

    @property
    def file(self) -> int:
        """Where faulthandler's reports go while the watcher runs: the watcher."""
        return self._fd if self.process is not None else self.terminal

    def running(self, where: str) -> None:
        self._send(CONTROL + b"R" + where.encode("utf-8", errors="replace") + b"\n")

    def idle(self) -> None:
        self._send(CONTROL + b"I\n")

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
        self._send(CONTROL + b"Q\n")
        os.close(self._fd)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
            self.process = None
