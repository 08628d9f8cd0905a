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
#: After :data:`STATE_SIZE` bytes, one byte per item of the plan: how it ended
#: (:data:`OUTCOMES`; 0: not known).
COUNT, LENGTH, POSITION, TEXT = slice(0, 8), slice(8, 12), slice(12, 16), 16

#: The byte of each outcome of an item.
OUTCOMES = {"passed": b"P", "failed": b"F", "skipped": b"S"}

#: What the watcher runs: only ``mmap``, ``os``, ``select`` and ``sys`` (``shlex`` once the
#: session died), so it starts in milliseconds. Once the session died with a note running,
#: it writes the JUnit XML that ``--junitxml`` asked for from what it knows: the items that
#: passed, failed or were skipped before, the one that was running (an error), the items
#: never run (skipped).
WATCHER = r"""
import mmap, os, select, sys

fd, state_fd, session = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
state = mmap.mmap(state_fd, int(sys.argv[4]))
SIZE = int(sys.argv[6])
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


def quoted(text):
    text = "".join(c if c >= " " or c in "\t\n" else "\ufffd" for c in text)
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.replace(old, new)
    return text


def case(nodeid, inner=""):
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = names[0].replace("/", ".")
    if names[0].endswith(".py"):
        names[0] = names[0][:-3]
    names[-1] += bracket + params
    attributes = f'classname="{quoted(".".join(names[:-1]))}" name="{quoted(names[-1])}" time="0"'
    return f"<testcase {attributes}>{inner}</testcase>" if inner else f"<testcase {attributes} />"


# The JUnit XML of what is known: pytest writes none when the process dies.
def write_junit(path, items, position, cause):
    crashed = items[position - 1]
    outcomes = state[SIZE : SIZE + len(items)]
    cases, counts, passed = [], {"failures": 0, "skipped": 0, "errors": 1}, 0
    for place, nodeid in enumerate(items[: position - 1]):
        outcome = outcomes[place : place + 1]
        if outcome == b"P":
            passed += 1
            cases.append(case(nodeid))
            continue
        if outcome == b"F":
            counts["failures"] += 1
            message = "failed (its details were lost with the process)"
            cases.append(case(nodeid, f'<failure message="{message}" />'))
            continue
        counts["skipped"] += 1
        message = "skipped" if outcome == b"S" else "its outcome was lost with the process"
        cases.append(case(nodeid, f'<skipped type="pytest.skip" message="{message}" />'))
    died = quoted(f"the process died while it ran: {cause}")
    cases.append(case(crashed, f'<error message="{died}" />'))
    for nodeid in items[position:]:
        counts["skipped"] += 1
        message = quoted(f"not run: the process died in {crashed}")
        cases.append(case(nodeid, f'<skipped type="pytest.skip" message="{message}" />'))
    totals = " ".join(f'{name}="{count}"' for name, count in counts.items())
    text = (
        '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
        f'<testsuite name="pytest" {totals} tests="{len(items)}" time="0">'
        + "".join(cases)
        + "</testsuite></testsuites>\n"
    )
    partial = f"{path}.{os.getpid()}.partial"
    with open(partial, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(partial, path)
    return passed, counts["failures"], counts["skipped"] - len(items) + position


# The command, the JUnit XML's path, the run report's path, the session's import path, the
# items and the path of each item's note ("" for an item that is no note).
def read_plan(plan):
    if len(plan) < 5:
        return "", "", "", "", [], []
    command, junit, report_path, pythonpath, count = plan[:5]
    count = int(count or 0)
    return command, junit, report_path, pythonpath, plan[5 : 5 + count], plan[5 + count :]


# The run report of what is known, written by the plugin's own code in a process of its own
# (this one imports nothing of it, to start in milliseconds).
def write_report(path, pythonpath, items, paths, position, cause):
    import json
    import subprocess

    outcomes = state[SIZE : SIZE + len(items)]
    names = {b"P": "passed", b"F": "failed", b"S": "skipped"}
    crashed, notes = items[position - 1], []
    lost = "its blocks' details were lost with the process, which died in a later note"
    for place, note in enumerate(paths[: len(items)]):
        if not note:
            continue  # a test of another kind
        if place < position - 1:
            outcome = names.get(outcomes[place : place + 1])
            notes.append([note, outcome or "error", lost if outcome else "its outcome was lost"])
        elif place == position - 1:
            block = running.decode(errors="replace")
            notes.append([note, "error", f"the process died while it ran {block}: {cause}"])
        else:
            notes.append([note, "skipped", f"not run: the process died in {crashed}"])
    code = "from pytest_torchnotes.reporting.crashreport import main; main()"
    env = dict(os.environ, PYTHONPATH=pythonpath)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps({"report": path, "notes": notes}).encode(),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"the run report could not be written to {path}: {error}"
    if done.returncode:
        last = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        return f"the run report could not be written to {path}: {last[0]}"
    return (
        f"the run report was written to {path} (--torchnotes-report: the notes before as they"
        f" ended, without their blocks' details; {crashed} as an error; the notes never run as"
        f" skipped)"
    )


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
    command, junit, report_path, pythonpath, items, paths = read_plan(plan)
    if 0 < position <= len(items):
        crashed, left = items[position - 1], items[position:]
        written = []
        if report_path:
            written.append(write_report(report_path, pythonpath, items, paths, position, cause))
        if junit:
            try:
                counts = write_junit(junit, items, position, cause)
            except (OSError, ValueError) as error:
                written.append(
                    f"the JUnit XML of what was known could not be written to {junit}: {error}"
                )
            else:
                passed, failed, skipped = counts
                written.append(
                    f"the JUnit XML of what was known was written to {junit} (--junitxml:"
                    f" {passed} passed, {failed} failed, {skipped} skipped or not known, the"
                    f" crashed item as an error, {len(left)} not run as skipped)"
                )
        asked = (("--torchnotes-report", report_path), ("--junitxml", junit))
        unwritten = ", ".join([*(flag for flag, path in asked if not path), "pytest's cache"])
        other = "other " if written else ""
        written.append(f"no {other}report of it was written ({unwritten})")
        reports = "; ".join(written)
        if not left and (report_path or junit):
            say(f"The run ended there: {reports}.\n".encode("utf-8", "replace"))
        if left:
            import shlex  # only once the session died: the watcher starts without it

            shown = ", ".join(left[:MAX_NAMED])
            if len(left) > MAX_NAMED:
                shown += f" and {len(left) - MAX_NAMED} more"
            say(
                (
                    f"{len(left)} {'test was' if len(left) == 1 else 'tests were'} not run,"
                    f" the process having died in {crashed}: {shown}. The run ended there:"
                    f" {reports}. Run the others with: {command}"
                    f" --deselect {shlex.quote(crashed)}\n"
                ).encode("utf-8", "replace")
            )
"""


@dataclass(frozen=True)
class CrashPlan:
    """The session's items in the order they run, by node id, and the command that ran
    them: what the watcher names as not run after a crash, and how to run them."""

    items: tuple[str, ...]
    command: str
    #: Where ``--junitxml`` asked for the JUnit XML, an absolute path ("": nowhere).
    junit: str = ""
    #: Where ``--torchnotes-report`` asked for the run report, an absolute path ("":
    #: nowhere), and the path of each item's note as the report names it ("": no note).
    report: str = ""
    paths: tuple[str, ...] = ()

    def text(self) -> str:
        """The plan as the watcher reads it: the command, the JUnit XML's path, the
        report's path, the session's import path, the count of items, an item a line, then
        the path of each item's note a line."""
        paths = (*self.paths, *[""] * (len(self.items) - len(self.paths)))[: len(self.items)]
        lines = (
            self.command,
            self.junit,
            self.report,
            os.pathsep.join(path for path in sys.path if path),
            str(len(self.items)),
            *self.items,
            *paths,
        )
        return "\n".join(line.replace("\n", " ") for line in lines)


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
                size = STATE_SIZE + (len(plan.items) if plan is not None else 0)
                backing.truncate(size)
                self._state = mmap.mmap(backing.fileno(), size)
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
                        str(size),
                        str(planned.fileno()),
                        str(STATE_SIZE),
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

    def ended(self, position: int, outcome: str) -> None:
        """Say how the item at ``position`` of the plan (from 1) ended: a key of
        :data:`OUTCOMES`."""
        state = self._state
        if state is not None and 0 < position <= len(state) - STATE_SIZE:
            state[STATE_SIZE + position - 1] = OUTCOMES[outcome][0]

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
