"""Which block a write belongs to: output of threads and processes that outlive their block.

A block's output is what the block itself prints: the thread that runs it, and the threads
it starts while it runs. A thread started by an earlier block (a ``threading.Timer``, a
daemon thread, a worker), or by an earlier note, that writes while a later block runs is
*late*: its text is kept out of that block's output, never compared and never written into
a note by ``--torchnotes-update``, and reported with the thread's name and the line of the
block that started it. A write to the stream of a block that is over (code that kept
``sys.stdout`` from an earlier block, as a ``logging.StreamHandler`` does) goes to the block
now running when the running block's own thread makes it, and is late otherwise.

A thread a note left running writes into the notes after it: what it writes while a later
note runs, to that note's streams or to a stream it kept from its own note, is that later
note's late output, reported with the note and the line that started the thread
(:data:`_left`), never its output. File descriptor 1 cannot tell such a thread from the
block: when one ran while a block wrote there, the block says so
(:func:`earlier_threads_clocks`, :func:`ran_since`).

Threads that were not started through :mod:`threading` (C++ threads that call into Python,
such as autograd's device threads running a hook) are counted in the block that runs.

File descriptor 1 cannot tell threads or processes apart. Each block writes fd 1 into a
file of its own; a child process inherits that file, so what it writes after its block is
over lands there and never in a later block's output. At the end of the note these files
are read, and their late text reported with the processes of the block that were still
alive when it ended (``pid (name)``, read from ``/proc`` on Linux). What C code writes to fd
1 from any thread while a block runs counts for that block.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pytest_torchnotes.run.capture import BlockCapture, CaptureStream, FileDescriptorCapture

#: Longest late text shown in a report, in characters.
MAX_LATE_TEXT = 200

#: Threads that ``threading`` made up for code running in a thread it did not start.
_FOREIGN: Any = getattr(threading, "_DummyThread", ())

#: Every running thread by ident, as :func:`threading.enumerate` reads it: a snapshot of its
#: keys costs a fraction of ``enumerate``, and a block takes two.
_ACTIVE: dict[int, threading.Thread] = threading._active  # type: ignore[attr-defined]

#: ``threading.get_ident`` as the interpreter has it: a write happens inside a block, which
#: may have replaced the module's (the others are put back after it, run/between.py).
_GET_IDENT = threading.get_ident
_MONOTONIC = time.monotonic


#: Blocks whose streams stay alive after they ended (see :data:`_retired`).
RETAINED_BLOCKS = 64

#: Seconds a block's streams stay alive after it ended, at least (see :data:`_retired`).
RETAINED_SECONDS = 2.0

#: The streams of the blocks that ended last, oldest first. ``print`` in CPython 3.10 holds
#: ``sys.stdout`` by a borrowed reference from its first write to its last (the text, then
#: the end): a thread that began printing into a block's stream may write into it again
#: after the block's capture is gone. A stream freed at that moment crashes the interpreter
#: (a weak reference to the stream did, in 2 to 4 of 8 runs of tests/test_late_output.py).
#: CPython 3.13.0 reads ``sys.stdout`` the same way. Kept here with the time its block ended,
#: a stream outlives its block by the next 63 blocks and by :data:`RETAINED_SECONDS` (a thread
#: that the scheduler kept waiting between two writes of one ``print`` still finds it), and
#: no reference cycle waits for the garbage collector.
_retired: deque[tuple[float, CaptureStream]] = deque()


def _retire(stream: CaptureStream) -> None:
    """Keep ``stream`` alive a while (:data:`_retired`); let go of the oldest streams once
    more than :data:`RETAINED_BLOCKS` blocks and :data:`RETAINED_SECONDS` are past them."""
    now = _MONOTONIC()
    _retired.append((now, stream))
    while len(_retired) > 2 * RETAINED_BLOCKS and now - _retired[0][0] > RETAINED_SECONDS:
        _retired.popleft()


#: Threads that notes left running, by ``id``, and what started each, ``line 2 of
#: notes/a.md, an earlier note``. Threads, not idents: an ident is another thread's once its
#: thread ended; by ``id``, as a note's subclass of ``Thread`` may not be hashable (held
#: here, the thread keeps its ``id``).
_left: dict[int, tuple[threading.Thread, str]] = {}

#: The router of the note that runs now, which takes what threads of earlier notes write
#: to the streams they kept from their own note.
_running: Router | None = None


@dataclass(frozen=True)
class RawThread:
    """A thread a note's code started with ``_thread`` (:mod:`.rawthreads`): no
    ``threading.Thread`` stands for it."""

    #: The function it runs.
    name: str
    #: The note's line that started it.
    line: int
    #: The note, as its blocks are compiled.
    note: str


#: The threads of :class:`RawThread` whose function still runs, by native id.
raw_threads: dict[int, RawThread] = {}


def _left_by(thread: threading.Thread | None) -> str:
    """What started ``thread``, if an earlier note left it running."""
    left = _left.get(id(thread))
    return left[1] if left is not None and left[0] is thread else ""


def earlier_threads_clocks(note: str = "") -> dict[int, tuple[threading.Thread | RawThread, int]]:
    """The CPU time of each thread that earlier notes left running (not ``note``'s own
    ``_thread`` threads), by its native id, with the thread: nothing, at no cost, when they
    left none."""
    if not _left and not raw_threads:
        return {}
    clocks: dict[int, tuple[threading.Thread | RawThread, int]] = {}
    for raw_id, raw in list(raw_threads.items()):
        used = _cpu_time(raw_id) if raw.note != note else None
        if used is not None:
            clocks[raw_id] = (raw, used)
    for key, (thread, _) in list(_left.items()):
        ident, native = thread.ident, thread.native_id
        if ident is None or native is None or _ACTIVE.get(ident) is not thread:
            _left.pop(key, None)  # it ended
            continue
        spent = _cpu_time(native)
        if spent is not None:
            clocks[native] = (thread, spent)
    return clocks


def ran_since(clocks: dict[int, tuple[threading.Thread | RawThread, int]]) -> list[str]:
    """The threads of ``clocks`` (:func:`earlier_threads_clocks`) that ran since (or ended),
    each as ``thread 'ticker' (started by the code at line 2 of notes/a.md, an earlier
    note)``."""
    ran: list[str] = []
    for native, (thread, before) in clocks.items():
        now = _cpu_time(native)
        if isinstance(thread, RawThread):
            if now != before:
                ran.append(
                    f"the _thread thread running {thread.name} (started by the code at line"
                    f" {thread.line} of {thread.note}, an earlier note)"
                )
            continue
        started = _left_by(thread)
        if now != before and started:
            ran.append(f"thread {thread.name!r} (started by the code at {started})")
    return ran


def _cpu_time(native: int) -> int | None:
    """Nanoseconds the thread ``native`` (its id in the system) spent on a CPU, read from
    ``/proc`` (``None`` once it ended, or where ``/proc`` does not tell). Not
    ``pthread_getcpuclockid``: given a thread that has just ended, it reads freed memory."""
    try:
        with open(f"/proc/self/task/{native}/schedstat", "rb") as handle:
            return int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class LateOutput:
    """Text written after the block it belongs to had ended."""

    #: Who wrote it: ``thread 'Thread-1 (tick)'`` or ``process 1234 (sleep)``.
    writer: str
    #: ``stdout``, ``stderr`` or ``fd 1``.
    stream: str
    text: str
    #: The block (``line 12``) that started the writer, if known.
    started: str = ""
    #: The block that was running when the text arrived, if any.
    during: str = ""

    def describe(self) -> str:
        """``thread 'tick' (started by the code at line 3) wrote to stdout while the code
        at line 9 ran: 'tick 1\\n'``."""
        writer = self.writer
        if self.started:
            writer += f" (started by the code at {self.started})"
        when = f"while the code at {self.during} ran" if self.during else "between blocks"
        text = self.text
        if len(text) > MAX_LATE_TEXT:
            text = text[:MAX_LATE_TEXT] + f"... ({len(self.text) - MAX_LATE_TEXT:,} more)"
        return f"{writer} wrote to {self.stream} {when}: {text!r}"


class Router:
    """Sends each write to the stream of the block it belongs to; one per note."""

    def __init__(self, note: str = "") -> None:
        #: How the note is named in reports of output of the threads it leaves running.
        self.note = note
        self.late: list[LateOutput] = []
        self._lock = threading.Lock()
        self._capture: BlockCapture | None = None
        self._runner = 0
        #: Threads alive when the running block started, but for its own.
        self._before: dict[int, threading.Thread] = {}
        self._label = ""
        #: Which block started each thread that the note started, by the thread's ``id``
        #: (see :data:`_left`).
        self._started: dict[int, tuple[threading.Thread, str]] = {}
        self._closed = False
        #: What holds the running block's streams for their writes (see :meth:`_gate`).
        self._held: list[list[CaptureStream | None]] = []

    def begin(self, capture: BlockCapture, label: str) -> None:
        """A block starts writing into ``capture``."""
        global _running
        _running = self
        self._runner = _GET_IDENT()
        self._before = {id(thread): thread for thread in list(_ACTIVE.values())}
        self._label = label
        self._capture = capture
        for name, stream in (("stdout", capture.stdout), ("stderr", capture.stderr)):
            held: list[CaptureStream | None] = [stream]
            self._held.append(held)
            stream.write = self._gate(stream, held, name)  # type: ignore[method-assign]

    def end(self) -> None:
        """The running block is over: remember which threads it started."""
        if self._capture is None:
            return
        self._capture = None
        for held in self._held:
            stream, held[0] = held[0], None  # the cycle stream, write, stream broken
            if stream is not None:
                _retire(stream)
        self._held = []
        for ident, thread in list(_ACTIVE.items()):
            if ident != self._runner and id(thread) not in self._before:
                self._started.setdefault(id(thread), (thread, self._label))
        self._label = ""

    def close(self) -> list[LateOutput]:
        """The note is over: what its threads write from now on is the running note's
        late output (:func:`_left_by`); return what came late."""
        global _running
        self._closed = True
        self._capture = None
        if _running is self:
            _running = None
        for key, (thread, label) in self._started.items():
            if thread.is_alive():
                _left[key] = (thread, f"{label} of {self.note or 'a note'}, an earlier note")
        with self._lock:
            late, self.late = self.late, []
        return late

    def _gate(
        self, stream: CaptureStream, held: list[CaptureStream | None], name: str
    ) -> Callable[[str], int]:
        """The ``write`` of ``stream``, which ``held`` holds, while the note runs.

        While its block runs, the write holds its stream (``held``), a reference cycle that
        :meth:`end` breaks by emptying ``held``: the block's streams are then freed without
        the garbage collector, once :data:`_retired` lets them go. No weak reference: a
        thread that writes to the stream after its block finds everything it reads held,
        the running block's capture or none (then its text is late). A stream of a block
        that is over is never the running block's, so its write needs it no more; bytes
        get the ``TypeError`` a ``StringIO`` raises. ``held`` is read before the capture,
        as :meth:`end` clears the capture first."""
        write = type(stream).write

        def gated(text: Any) -> int:
            own = held[0]
            capture = self._capture
            ident = _GET_IDENT()
            mine = (
                ident == self._runner
                or id(_ACTIVE.get(ident)) not in self._before
                or isinstance(_ACTIVE.get(ident), _FOREIGN)
            )
            if capture is not None and mine:
                current = capture.stdout if name == "stdout" else capture.stderr
                if current is own:
                    return write(current, text)
                return current.write(text)  # a stream kept from an earlier block
            if not isinstance(text, str):  # the stream raises TypeError, as a real one does
                if own is not None:
                    return write(own, text)
                raise TypeError(f"string argument expected, got {type(text).__name__!r}")
            if not self._closed:
                if text:
                    self._record(text, name, ident)
            elif text:
                running = _running
                if running is not None and running is not self:
                    return running._kept_write(text, name, ident)
            return len(text)

        return gated

    def _kept_write(self, text: str, name: str, ident: int) -> int:
        """A write to a stream kept from a note that is over, while this router's note
        runs: the running block's output when the block's own thread makes it, late
        otherwise (a thread the earlier note left running)."""
        capture = self._capture
        if capture is not None and (
            ident == self._runner or id(_ACTIVE.get(ident)) not in self._before
        ):
            return (capture.stdout if name == "stdout" else capture.stderr).write(text)
        self._record(text, name, ident)
        return len(text)

    def _record(self, text: str, stream: str, ident: int) -> None:
        thread = _ACTIVE.get(ident)
        writer = f"thread {thread.name if thread is not None else ident!r}"
        during = self._label if self._capture is not None else ""
        own = self._started.get(id(thread))
        started = own[1] if own is not None and own[0] is thread else _left_by(thread)
        late = LateOutput(writer, stream, text, started, during)
        with self._lock:
            self.late.append(late)


def merge_late(late: list[LateOutput]) -> list[LateOutput]:
    """Consecutive writes of one writer to one stream during one block, as one text
    (``print`` writes the text and the newline apart).

    >>> merge_late([LateOutput("t", "stdout", "a"), LateOutput("t", "stdout", "\\n")])
    [LateOutput(writer='t', stream='stdout', text='a\\n', started='', during='')]
    """
    merged: list[LateOutput] = []
    for item in late:
        last = merged[-1] if merged else None
        if last is not None and (last.writer, last.stream, last.started, last.during) == (
            item.writer,
            item.stream,
            item.started,
            item.during,
        ):
            merged[-1] = LateOutput(
                last.writer, last.stream, last.text + item.text, last.started, last.during
            )
        else:
            merged.append(item)
    return merged


def live_children(ours: frozenset[int] = frozenset()) -> list[str] | None:
    """``pid (name)`` of the running thread's child processes that have not ended, but for
    the session's own (``ours``: the crash watcher); ``None`` where the system does not tell
    (no ``/proc``, or children of other threads).

    Asking whether there is any child at all costs one system call; ``/proc`` is read only
    when there is one. Where the session has a child of its own (``ours``, a child of the
    thread that runs the notes), ``/proc`` is read first: when it lists a child, there is
    one, and the question needs no call of its own.
    """
    if not ours and _no_child_at_all():
        return []
    try:
        pids: list[str] | None = _children_of(threading.get_native_id()).split()
    except OSError:
        pids = None
    if not pids and ours and _no_child_at_all():
        return []
    if pids is None:
        return None
    alive = []
    left = [pid for pid in pids if int(pid) not in ours]
    if pids and not left:
        return []  # only the session's own children
    for pid in left:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue  # it ended and was reaped meanwhile
        name, _, rest = stat.partition("(")[2].rpartition(")")
        if rest.split()[:1] != ["Z"]:
            alive.append(f"{pid} ({name})")
    return alive or None  # a child of another thread, or one that just ended


def _no_child_at_all() -> bool:
    """Whether the process has no child, running or ended (``False`` where it cannot tell)."""
    waitid = getattr(os, "waitid", None)
    if waitid is None:
        return False
    try:
        waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return False


#: ``/proc/self/task/TID/children`` of each thread that asked, kept open with what tells
#: it from another file: read again from its start, it lists the children of now. Opening
#: and closing it costs thirty times as much as reading it, and it is asked after each block.
_children_files: dict[int, tuple[int, tuple[int, int]]] = {}

#: Bytes read from it at a time.
CHUNK = 4096


def _children_of(thread: int) -> str:
    """The pids of the thread's child processes, as ``/proc`` lists them."""
    kept = _children_files.get(thread)
    if kept is not None:
        fd, identity = kept
        try:
            status = os.fstat(fd)
            if (status.st_dev, status.st_ino) == identity:
                return _read_all(fd)
        except OSError:
            pass
        del _children_files[thread]  # a note closed it (its number may be another file's)
    fd = os.open(f"/proc/self/task/{thread}/children", os.O_RDONLY)
    status = os.fstat(fd)
    _children_files[thread] = (fd, (status.st_dev, status.st_ino))
    return _read_all(fd)


def _read_all(fd: int) -> str:
    data = b""
    while True:
        chunk = os.pread(fd, CHUNK, len(data))
        data += chunk
        if len(chunk) < CHUNK:
            return data.decode()


class FdRotation:
    """Gives each block a fresh fd-1 file, and keeps the files of blocks whose processes may
    still write into them, to report their late text at the end of the note."""

    #: Files kept at most; the oldest is read and closed when a newer one is kept.
    KEEP = 8

    def __init__(self, ours: frozenset[int] = frozenset()) -> None:
        self._kept: list[tuple[FileDescriptorCapture, str, list[str] | None]] = []
        self.late: list[LateOutput] = []
        #: The session's own children (the crash watcher): no block's output comes from them.
        self._ours = ours

    def after_block(self, used: FileDescriptorCapture, label: str) -> FileDescriptorCapture:
        """``used`` has just been stopped; return the capture for the next block."""
        children = live_children(self._ours)
        if children == []:
            return used  # no process of the block is left to write into it
        fresh = FileDescriptorCapture()  # first: if it cannot be made, ``used`` stays in use
        self._kept.append((used, label, children))
        if len(self._kept) > self.KEEP:
            self._collect(*self._kept.pop(0))
        return fresh

    def close(self) -> list[LateOutput]:
        """Read and close every kept file; return their late text."""
        while self._kept:
            self._collect(*self._kept.pop(0))
        late, self.late = self.late, []
        return late

    def _collect(
        self, capture: FileDescriptorCapture, label: str, children: list[str] | None
    ) -> None:
        text = capture.stop()
        capture.close()
        if not text:
            return
        if children:
            writer = "process " + ", ".join(children)
        else:
            writer = "a process (its pid is not known here)"
        self.late.append(LateOutput(writer, "fd 1", text, label))
