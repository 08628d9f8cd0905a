"""Run one piece of a note's code (compiled by run/compiling.py) in the note's namespace:
output captured, time limited, warnings recorded, what it raised described
(run/errors.py)."""

from __future__ import annotations

import dataclasses
import mmap
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from types import FrameType
from typing import Any, NoReturn

from pytest_torchnotes.notelines import from_shown
from pytest_torchnotes.run import (
    canary,
    errors,
    fdreserve,
    recursion,
    rlimits,
    spawned,
    storewaits,
    unprintable,
)
from pytest_torchnotes.run.between import BetweenBlocks
from pytest_torchnotes.run.capture import BlockCapture, FileDescriptorCapture
from pytest_torchnotes.run.compiling import CompiledCode
from pytest_torchnotes.run.errors import TIMEOUT, ErrorInfo, WarningInfo, describe_error
from pytest_torchnotes.run.faulttimer import HeldTimer
from pytest_torchnotes.run.routing import earlier_threads_clocks, ran_since
from pytest_torchnotes.run.timers import BlockTimeout, TimeLimit
from pytest_torchnotes.run.watchdog import Faulthandler
from pytest_torchnotes.run.watcher import Watcher


class ProcessExit(BaseException):
    """Raised instead of ending the process when a block calls ``os._exit``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@dataclass
class Execution:
    """What running a piece of code did."""

    stdout: str = ""
    stderr: str = ""
    error: ErrorInfo | None = None
    warnings: list[WarningInfo] = field(default_factory=list)
    duration: float = 0.0
    #: The ``repr`` of the value the last expression displayed (the end of ``stdout``).
    displayed: str | None = None


#: How many frames code that inspects the stack (``traceback.format_stack``) sees while a
#: block runs, through ``sys.tracebacklimit``: the innermost ones, as in a note run as a
#: script, not the dozens of pytest frames below it. torch records a stack for every
#: ``torch.manual_seed`` on a machine without an initialised GPU; under pytest that costs
#: more than the seeding itself. A note that sets ``sys.tracebacklimit`` keeps its own.
STACK_LIMIT = 8


#: ``sys.ps1`` while a block runs with display on. Interactive shells set it (IPython does,
#: "so that scripts can decide if they are running interactively"), and libraries read it to
#: leave their result to the display rather than print it (torchinfo's ``summary()``).
INTERACTIVE_PROMPT = ">>> "


#: The names a block that left the process no file descriptor fails with.
OS_ERROR = frozenset({"OSError", "builtins.OSError"})

#: The names a block that lowered the recursion limit too far fails with.
RECURSION_ERROR = frozenset({"RecursionError", "builtins.RecursionError"})


#: ``os._exit`` as the interpreter has it (a note's ``os._exit`` is patched while it runs).
REAL_EXIT = os._exit
#: ``os.getpid`` as the interpreter has it: a note that patches ``os.getpid`` must not make
#: the session take itself for a process the block forked, and end.
REAL_GETPID = os.getpid
#: The recursion limit's functions as the interpreter has them: they are called right after
#: a block, before the attributes it patched are put back (run/between.py).
GET_RECURSION_LIMIT = sys.getrecursionlimit
SET_RECURSION_LIMIT = sys.setrecursionlimit
#: ``sys._getframe`` as the interpreter has it: a warning is recorded inside its block.
GET_FRAME = sys._getframe
#: The trace and profile functions of the thread, bound at import: a block may replace them.
GET_TRACE = sys.gettrace
SET_TRACE = sys.settrace
GET_PROFILE = sys.getprofile
SET_PROFILE = sys.setprofile
#: Bound at import: a block that deletes ``builtins.repr`` still shows its last expression.
REPR = repr


def end_forked_child(error: BaseException | None) -> NoReturn:
    """A block forked and the child came back to the runner: end the child as a script
    would end, never letting it run the rest of the session."""
    status = 0
    if isinstance(error, SystemExit):
        code = error.code
        status = code if isinstance(code, int) else int(code is not None)
    elif error is not None:
        status = 1
    REAL_EXIT(status)


class Executor:
    """Runs code in a note's namespace, capturing output, warnings and errors."""

    def __init__(
        self,
        filename: str,
        *,
        fd: FileDescriptorCapture | None = None,
        faulthandler: Faulthandler | None = None,
        watcher: Watcher | None = None,
        held: HeldTimer | None = None,
    ) -> None:
        from pytest_torchnotes.run.routing import FdRotation, LateOutput, Router

        self.filename = filename
        self.fd = fd
        self.watcher = watcher
        self.router = Router(filename)
        self._rotation = FdRotation(frozenset() if watcher is None else watcher.pids)
        #: Output that came after its block, known when the note is closed.
        self.late: list[LateOutput] = []
        self.time_limit = TimeLimit(faulthandler, held)
        #: Set by the session's SIGINT handler: Ctrl-C, not a block's own KeyboardInterrupt.
        self.interrupted = threading.Event()
        self._pid = REAL_GETPID()
        self._warnings: list[WarningInfo] | None = None
        #: The thread names and statuses of ``os._exit`` called in other threads while a
        #: block runs (``None`` between blocks).
        self._thread_exits: list[tuple[str, int]] | None = None
        #: The attributes the note may patch, taken off between its blocks (run/sandbox.py).
        self.between: BetweenBlocks | None = None
        #: Whether the code of a block runs now (not the session's work around it).
        self.in_block = False
        #: Threads that earlier notes left running which ran while a block of this note
        #: wrote to fd 1 (emptied by the note's run before each block): fd 1 cannot tell
        #: their text from the block's.
        self.fd_shared: list[str] = []
        #: Called right before and right after the code of each block (run/sandbox.py).
        self.around_block: list[tuple[Callable[[], None], Callable[[], None]]] = []
        #: Memory held while a block runs under a data limit (run/rlimits.py) and let go
        #: as soon as its code ends: the session's own steps until the limit is lifted need
        #: some, and a block may have taken all there was.
        self.memory_reserve: mmap.mmap | None = None
        #: The limits on memory the note set, as a block that ran out of memory is told
        #: them (``None``: the note names no limit).
        self.memory_limit: Callable[[], str | None] | None = None
        #: What lifts the note's limits on memory for the session, run as soon as a
        #: block's code ends and its tracer is off (after :attr:`memory_reserve` is let
        #: go), before the session allocates more.
        self.lift_limits: Callable[[], None] | None = None
        #: The profile and trace functions (``sys.setprofile``, ``sys.settrace``) the
        #: note's code left on, put on again for its next block; ``None``: the session's.
        self.note_hooks: tuple[Any, Any] | None = None

    def hooks_left(self) -> list[str]:
        """The functions of ``sys`` whose hook the note's last block left on (taken off
        after each block), and forget them: the note is over."""
        hooks, self.note_hooks = self.note_hooks, None
        if hooks is None:
            return []
        names = ("sys.setprofile", "sys.settrace")
        return [name for name, hook in zip(names, hooks, strict=True) if hook is not None]

    def exit_in_thread(self, status: int) -> None:
        """A thread called ``os._exit(status)``: while a block runs, the block fails, as the
        process would have ended there."""
        exits = self._thread_exits
        if exits is not None:
            exits.append((threading.current_thread().name, status))

    def record_warning(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        """A ``warnings.showwarning`` replacement that files the warning under the block."""
        if self._warnings is None:
            return
        frame: FrameType | None = GET_FRAME(1)
        while frame is not None and frame.f_code.co_filename != self.filename:
            frame = frame.f_back
        compiled = frame is None and filename == self.filename  # given by the compiler
        if frame is not None:
            note_line: int | None = from_shown(frame.f_lineno)
        else:
            note_line = from_shown(lineno) if compiled else None
        names = frozenset(cls.__name__ for cls in category.__mro__)
        warning = WarningInfo(
            category.__name__, str(message), filename, lineno, self.filename, note_line, names
        )
        if not (compiled and warning in self._warnings):
            self._warnings.append(warning)

    def run(
        self,
        code: CompiledCode,
        namespace: dict[str, Any],
        *,
        timeout: float | None = None,
        label: str = "",
        where: str = "the block",
    ) -> Execution:
        """Run ``code``; never raises, except what a timer of the test (pytest-timeout)
        raises to end it. ``label`` (``line 12``) names the code in reports of output that
        comes after it ended; ``where`` names the block in messages that cannot wait for
        its report."""
        execution = Execution()
        self._warnings = execution.warnings
        thread_exits: list[tuple[str, int]] = []
        self._thread_exits = thread_exits
        capture = BlockCapture(self.fd)
        limit = self.time_limit
        stack_limit = getattr(sys, "tracebacklimit", None) is None
        started = time.perf_counter()
        prompt = code.interactive and not hasattr(sys, "ps1")
        recursion_limit, too_low = sys.getrecursionlimit(), None
        out_of_descriptors = False
        if self.watcher is not None:
            self.watcher.running(f"{where} (time limit {timeout:g} s)" if timeout else where)
        others = earlier_threads_clocks(self.filename) if self.fd is not None else {}
        session_hooks: tuple[Any, Any] = (GET_PROFILE(), GET_TRACE())  # cProfile: no function
        note_hooks = self.note_hooks
        left: tuple[Any, Any] | None = None
        raised_late: BaseException | None = None
        try:
            with capture:
                self.router.begin(capture, label)
                if stack_limit:
                    sys.tracebacklimit = STACK_LIMIT
                if prompt:
                    sys.ps1 = INTERACTIVE_PROMPT
                between = self.between
                # The limit starts inside the try whose finally stops it: its BlockTimeout
                # landing before the code (in what puts the note's state on) left it armed,
                # and its second SIGALRM ended the session. What leave and the afters put
                # back they put back whether or not enter and the befores got there.
                try:
                    limit.start(timeout, where)
                    if between is not None:
                        between.enter()
                    for before, _ in self.around_block:
                        before()
                    self.in_block = True
                    if note_hooks is not None:  # last: the session's steps are not its to see
                        SET_PROFILE(note_hooks[0])
                        SET_TRACE(note_hooks[1])
                    exec(code.body, namespace)
                    if code.display is not None:
                        value = eval(code.display, namespace)
                        if value is not None:
                            execution.displayed = REPR(value)
                            sys.stdout.write(execution.displayed + "\n")
                finally:
                    self.in_block = False
                    self.memory_reserve = None
                    # The trace and profile functions the code left on come off first: they
                    # would run on the session's code between blocks and after the note,
                    # where its namespace is gone (a tracer's NameError failed the session's
                    # clean-up, and the rest of the state leaked into the next note). A
                    # profile function that raises here is taken off by Python: try again.
                    # What is raised here (that function's error, or a signal handler's
                    # exception such as SignalledItself landing at these calls) is the
                    # block's: raised once the state is put back. A late BlockTimeout is
                    # dropped, as below.
                    # A hook the getters read as the session's own is left as it is,
                    # unless that is none: one set in C with no object reads as none too.
                    # Set again, a profiler of the session's that is no function (cProfile's)
                    # would be called as one, and fail every later call: it is enabled.
                    for _ in range(8):
                        try:
                            if left is None:
                                left = (GET_PROFILE(), GET_TRACE())
                            profile, trace = session_hooks
                            if profile is None or left[0] is not profile:
                                if profile is None or callable(profile):
                                    SET_PROFILE(profile)
                                else:
                                    profile.enable()
                            if trace is None or left[1] is not trace:
                                SET_TRACE(trace)
                            break
                        except BlockTimeout:
                            continue
                        except BaseException as error:
                            raised_late = raised_late or error
                            continue
                    # A block that took the last memory of a data limit left the session's
                    # next steps none: that limit is lifted before they run (once the
                    # note's tracer is off: it would see the session's code).
                    if self.lift_limits is not None:
                        try:
                            self.lift_limits()
                        except BaseException as error:
                            raised_late = raised_late or error
                    # Put a lowered limit back before calling anything (a tracer such as
                    # coverage's runs Python code on the first call into a module), then
                    # stop the time limit. Its BlockTimeout can land here, after the code
                    # ended and before the limit stopped (its SIGALRM handler at the next
                    # bytecode, an exception set for the thread when it was overdue): it
                    # skipped the rest of what puts the session's state back. It is
                    # dropped, as TimeLimit.stop drops one not raised yet (the code had
                    # ended), and the steps done again; once stopped, the limit raises
                    # nothing more. Inline: a call would take it at the callee's entry.
                    lowered = None
                    while True:
                        try:
                            if lowered is None:
                                lowered = GET_RECURSION_LIMIT()
                            if lowered < recursion_limit:
                                SET_RECURSION_LIMIT(recursion_limit)
                            limit.stop()
                            break
                        except BlockTimeout:
                            continue
                    # Before the session needs a descriptor again.
                    out_of_descriptors = fdreserve.exhausted()
                    for _, after in reversed(self.around_block):
                        after()
                    if between is not None:
                        between.leave()
                    too_low = recursion.lowered_too_far(recursion_limit, lowered)
                    if stack_limit and getattr(sys, "tracebacklimit", None) == STACK_LIMIT:
                        del sys.tracebacklimit
                    if prompt:
                        vars(sys).pop("ps1", None)
                    if raised_late is not None:
                        raise raised_late
        except BaseException as error:
            failure: BaseException | None = error
        else:
            failure = None
        finally:
            self._warnings = None
            self._thread_exits = None
            self.router.end()
        if left is not None:
            hooks_changed = left[0] is not session_hooks[0] or left[1] is not session_hooks[1]
            self.note_hooks = left if hooks_changed else None
        if REAL_GETPID() != self._pid:
            end_forked_child(failure)
        if self.fd is not None:
            self.fd = self._rotation.after_block(self.fd, label)
        if others and capture.fd_took:
            self.fd_shared += [ran for ran in ran_since(others) if ran not in self.fd_shared]
        if self.watcher is not None:
            self.watcher.idle()
        outer, limit.outer_error = limit.outer_error, None
        if outer is not None:
            raise outer
        if self.interrupted.is_set():
            execution.error = errors.interrupted(failure, self.filename)
        elif failure is not None:
            execution.error = unprintable.describe_within(
                limit,
                timeout,
                partial(self._describe, timeout=timeout),
                failure,
                (self.filename, where),
            )
        if execution.error is not None and self.memory_limit is not None:
            execution.error = _memory_hint(execution.error, failure, self.memory_limit)
        if out_of_descriptors and execution.error is None:
            execution.error = ErrorInfo("OSError", OS_ERROR, fdreserve.message(), "", None)
        if thread_exits and execution.error is None:
            execution.error = errors.exited_in_thread(*thread_exits[0])
        if too_low is not None:
            execution.error = ErrorInfo("RecursionError", RECURSION_ERROR, too_low, "", None)
        changed = canary.changed_integer()
        if changed is not None:
            execution.error = changed
        del failure  # no frame of the block outlives the report
        execution.duration = time.perf_counter() - started
        closed = capture.closed()
        if closed is not None:
            execution.error = errors.closed_stream(closed, execution.error)
        execution.stdout = capture.out
        execution.stderr = capture.err
        return execution

    def _describe(self, error: BaseException, timeout: float | None) -> ErrorInfo:
        if isinstance(error, BlockTimeout):
            return ErrorInfo(
                TIMEOUT,
                frozenset({TIMEOUT}),
                f"the block did not finish within {timeout:g} s (see the timeout directive)",
                "",
                None,
                "; ".join(
                    line
                    for line in (spawned.hint(self.time_limit.spawned), storewaits.hint())
                    if line
                ),
            )
        if isinstance(error, ProcessExit):
            return ErrorInfo(
                "os._exit",
                frozenset({"os._exit"}),
                f"the block called os._exit({error.status}); the session was kept alive",
                "",
                None,
            )
        return describe_error(error, self.filename)

    def close(self, *, disarm: bool = True) -> None:
        """The note is over: no timer, handler or watchdog of its blocks may outlive it, and
        output of threads or processes they left is no longer taken. With ``disarm=False``
        the hard limit's watchdog stays armed, for the caller to disarm
        (:meth:`TimeLimit.close`)."""
        from pytest_torchnotes.run.routing import merge_late

        self.time_limit.close(disarm=disarm)
        self.late = merge_late(self.router.close() + self._rotation.close())

    @contextmanager
    def compiling(self) -> Iterator[list[WarningInfo]]:
        """Record the warnings Python gives while a block is compiled (``SyntaxWarning:
        "is" with a literal``, an invalid escape sequence): they are the block's, as those
        it gives while it runs, and go into its :class:`Execution`. A warning a block
        compiled in two parts (:mod:`.compiling`, its last expression first) gives twice is
        recorded once, and they are kept in the order of their lines."""
        compiled: list[WarningInfo] = []
        outer, self._warnings = self._warnings, compiled
        try:
            yield compiled
        finally:
            self._warnings = outer
            compiled.sort(key=lambda warning: warning.note_line_index or 0)

    @contextmanager
    def recording_warnings(self) -> Iterator[None]:
        """Route warnings to the running block for the duration of a note.

        Python's registries of warnings already shown ("once", "default", "module") are
        forgotten, so that a note sees every warning it triggers whatever ran before it.
        """
        saved = warnings.showwarning
        warnings.showwarning = self.record_warning
        # Every registry, onceregistry included, is emptied when it sees the filters changed.
        warnings._filters_mutated()  # type: ignore[attr-defined]
        try:
            yield
        finally:
            warnings.showwarning = saved
            warnings._filters_mutated()  # type: ignore[attr-defined]


def _memory_hint(
    error: ErrorInfo, failure: BaseException | None, memory_limit: Callable[[], str | None]
) -> ErrorInfo:
    """``error`` with the note's memory limit named where the block ran out of memory:
    a ``MemoryError`` it raised or met while it raised another (a block that took the last
    memory could not even make the traceback of its own error)."""
    seen = 0
    while failure is not None and seen < 16:
        if isinstance(failure, MemoryError):
            limit = memory_limit()
            if limit is None:
                return error
            hint = rlimits.OUT_OF_MEMORY.format(limit=limit)
            return dataclasses.replace(error, hint="; ".join(filter(None, (error.hint, hint))))
        failure = failure.__cause__ or failure.__context__
        seen += 1
    return error
