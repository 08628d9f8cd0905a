"""Compile and run one piece of a note's code, and describe what happened.

Code is compiled with the note's file name and line numbers, so tracebacks point into the
note. A block whose last statement is a bare expression displays its value's ``repr`` the
way Jupyter does, unless the statement ends with ``;``.
"""

from __future__ import annotations

import ast
import linecache
import os
import re
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import CodeType
from typing import Any, NoReturn

from pytest_torchnotes.notelines import from_shown, location, shown
from pytest_torchnotes.run import recursion, spawned
from pytest_torchnotes.run.capture import BlockCapture, FileDescriptorCapture
from pytest_torchnotes.run.timers import HARD_LIMIT_GRACE as HARD_LIMIT_GRACE
from pytest_torchnotes.run.timers import BlockTimeout, Faulthandler, TimeLimit
from pytest_torchnotes.run.timers import Watchdog as Watchdog
from pytest_torchnotes.run.timers import hard_limit_grace as hard_limit_grace
from pytest_torchnotes.run.watcher import Watcher

#: Type names of failures that are not exceptions of the block: their message says it all.
TIMEOUT = "Timeout"
CLOSED = "closed stream"
INTERRUPTED = "Interrupted"
OWN_FAILURES = frozenset({TIMEOUT, CLOSED, INTERRUPTED})


class ProcessExit(BaseException):
    """Raised instead of ending the process when a block calls ``os._exit``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class ErrorInfo:
    """An exception a block raised, kept as text so no frame (and no tensor) outlives it."""

    type_name: str
    #: Names of the exception's classes, bare and qualified (``ValueError``,
    #: ``builtins.ValueError``, ``Exception``...), to match ``raises`` directives.
    names: frozenset[str]
    message: str
    traceback: str
    #: 0-based note line where it was raised, when it was raised in the note.
    line_index: int | None
    #: A line on why it may have happened and how to fix it (``run/spawned.py``).
    hint: str = ""

    def describe(self) -> str:
        return f"{self.type_name}: {self.message}" if self.message else self.type_name


@dataclass(frozen=True)
class WarningInfo:
    """A warning raised while a block ran."""

    category: str
    message: str
    #: Where ``warnings`` says it was raised (often inside a library).
    filename: str
    lineno: int
    #: The note, and its 0-based line that was running when the warning was raised.
    note: str = ""
    note_line_index: int | None = None
    #: Names of the category and its bases, to match ``warns`` directives.
    names: frozenset[str] = frozenset()

    def describe(self) -> str:
        """Where in the note it was raised (where in a library when that is unknown)."""
        if self.note_line_index is not None:
            return f"{location(self.note, self.note_line_index)}: {self.category}: {self.message}"
        return f"{self.filename}:{self.lineno}: {self.category}: {self.message}"


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


@dataclass(frozen=True)
class CompiledCode:
    """A block's code ready to run: the statements, and the last expression to display."""

    body: CodeType
    display: CodeType | None = None
    #: Run as in an interactive session (``sys.ps1`` set), so that libraries that print
    #: their result when run as a script (torchinfo's ``summary()``) leave it to the
    #: display of the last expression, as in Jupyter.
    interactive: bool = False


def register_source(filename: str, lines: dict[int, str]) -> None:
    """Let tracebacks show note lines: ``lines`` maps 0-based note lines to code (the
    cache's first entry is the line Python calls 1)."""
    source = [lines.get(index, "") + "\n" for index in range(max(lines, default=-1) + 1)]
    linecache.cache[filename] = (sum(map(len, source)), None, source, filename)


def forget_source(filename: str) -> None:
    linecache.cache.pop(filename, None)


def compile_block(code: str, filename: str, code_line: int, *, display: bool) -> CompiledCode:
    """Compile a block whose first code line is the 0-based note line ``code_line``.

    With ``display``, the block's last top-level statement is found in its syntax tree, as
    Jupyter finds it: when it is an expression not followed by ``;`` (``n = 5; n * 2``,
    ``print(1) or abs(-5)``), it is compiled apart so that its value can be shown. Raises
    ``SyntaxError`` with the note's line numbers.
    """
    padded = _at_note_line(code, code_line) + "\n"
    if not display:
        return CompiledCode(compile(padded, filename, "exec", dont_inherit=True))
    split = _compile_split(code, padded, filename, code_line)
    if split is not None:
        return split
    tree = ast.parse(padded, filename, "exec")
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr) or _ends_with_semicolon(padded, last):
        return CompiledCode(compile(tree, filename, "exec", dont_inherit=True), interactive=True)
    tree.body.pop()
    expression = ast.Expression(last.value)
    return CompiledCode(
        compile(tree, filename, "exec", dont_inherit=True),
        compile(expression, filename, "eval", dont_inherit=True),
        interactive=True,
    )


#: The start of a line at column 0 that is not a comment: where the last top-level
#: statement of a block starts, unless a bracket or a string is still open there.
TOP_LEVEL_LINE = re.compile(r"^[^\s#]", re.MULTILINE)


def _compile_split(code: str, padded: str, filename: str, code_line: int) -> CompiledCode | None:
    """:func:`compile_block` with ``display``, without the syntax tree of the whole block:
    what follows the last line at column 0 is compiled alone as an expression and, when it
    is one, what comes before it is compiled apart (two compiles, each of its own part of
    the block). Parsing the whole block into Python objects costs about as much as
    compiling it; a small block is compiled in a fraction of the time.

    When the tail is not an expression, it is parsed alone: one complete statement that
    displays nothing (``x = 1``, ``f();``) means the whole block is compiled as it is.

    ``None`` when that cannot be told this way (the text before the last line at column 0
    is not complete code, or what follows it is not one complete statement): the caller
    parses the whole block.
    """
    starts = [match.start() for match in TOP_LEVEL_LINE.finditer(code)]
    if not starts or starts[-1] == 0 or "__future__" in code:
        return None
    if "\\" in code[starts[-1] :]:
        return None  # compiling it alone would warn about its escapes a second time
    head, tail = code[: starts[-1]], code[starts[-1] :]
    tail_line = code_line + head.count("\n")
    try:  # ``eval`` takes one expression, and no ``;`` after it
        display = compile(_at_note_line(tail, tail_line), filename, "eval", dont_inherit=True)
    except (SyntaxError, ValueError):
        return _compile_undisplayed(tail, padded, filename)
    try:  # compiles only when the head is complete code: then the tail is the last statement
        body = compile(_at_note_line(head, code_line), filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    return CompiledCode(body, display, interactive=True)


def _compile_undisplayed(tail: str, padded: str, filename: str) -> CompiledCode | None:
    """The block when its tail is one complete statement that displays nothing; ``None``
    when the tail is not complete code alone (the caller parses the whole block)."""
    try:
        statements = ast.parse(tail).body
    except (SyntaxError, ValueError):
        return None
    if len(statements) != 1:
        return None
    last = statements[0]
    if isinstance(last, ast.Expr) and not _ends_with_semicolon(tail, last):
        return None  # an expression that does not compile alone: the whole block tells
    try:  # nothing to display, if the split was right: the whole block tells
        body = compile(padded, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    return CompiledCode(body, interactive=True)


def _ends_with_semicolon(source: str, statement: ast.stmt) -> bool:
    """Whether ``;`` follows the statement on its last line (a trailing comment aside)."""
    lines = source.split("\n")
    end_line = statement.end_lineno or statement.lineno
    end_col = statement.end_col_offset or 0
    tail = lines[from_shown(end_line)].encode("utf-8")[end_col:].decode("utf-8", errors="replace")
    return tail.split("#", 1)[0].strip().startswith(";")


def _at_note_line(code: str, code_line: int) -> str:
    """``code`` placed so that Python numbers its lines as people read the note: Python
    counts from 1, so ``code_line`` blank lines before it put the 0-based note line
    ``code_line`` at Python's line ``shown(code_line)``, in tracebacks, warnings and
    ``SyntaxError``."""
    return "\n" * code_line + code


def compile_single(source: str, filename: str, code_line: int) -> CodeType:
    """Compile one ``>>>`` example (at the 0-based note line ``code_line``) in interactive
    mode: expression values are displayed."""
    padded = _at_note_line(source, code_line)
    return compile(padded, filename, "single", dont_inherit=True)


def describe_error(error: BaseException, filename: str) -> ErrorInfo:
    """Turn an exception into text; frames before the note's own code are left out."""
    names: set[str] = set()
    for cls in type(error).__mro__:
        names.add(cls.__name__)
        names.add(f"{cls.__module__}.{cls.__qualname__}")
    summary = traceback.TracebackException.from_exception(error)
    frames = list(summary.stack)
    # Python numbers the note's lines as people read them (see ``_at_note_line``).
    note_lines = [frame.lineno for frame in frames if frame.filename == filename]
    if isinstance(error, SyntaxError) and error.filename == filename:
        # Raised while compiling the note: the frames are ours, the location is in the note.
        note_lines.append(error.lineno or 0)
        text = "".join(summary.format_exception_only())
    else:
        first = next((i for i, frame in enumerate(frames) if frame.filename == filename), None)
        if first is not None:
            summary.stack = traceback.StackSummary.from_list(frames[first:])
        text = "".join(summary.format())
    type_name = type(error).__qualname__
    module = type(error).__module__
    if module not in ("builtins", "__main__"):
        type_name = f"{module}.{type_name}"
    try:
        message = str(error)
    except Exception:  # a broken __str__ must not break the report
        message = f"<{type(error).__name__} whose str() failed>"
    return ErrorInfo(
        type_name,
        frozenset(names),
        message,
        text,
        from_shown(note_lines[-1]) if note_lines and note_lines[-1] else None,
    )


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


#: The names a block that lowered the recursion limit too far fails with.
RECURSION_ERROR = frozenset({"RecursionError", "builtins.RecursionError"})


#: ``os._exit`` as the interpreter has it (a note's ``os._exit`` is patched while it runs).
REAL_EXIT = os._exit
#: ``os.getpid`` as the interpreter has it: a note that patches ``os.getpid`` must not make
#: the session take itself for a process the block forked, and end.
REAL_GETPID = os.getpid


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


#: What a block that closed ``sys.stdout`` or ``sys.stderr`` is told.
CLOSED_STREAM = (
    "the block closed {name}: what it printed after that is lost (leave {name} open; "
    "to silence output, use contextlib.redirect_{short}(io.StringIO()))"
)


def _closed_stream(name: str, error: ErrorInfo | None) -> ErrorInfo:
    """The failure of a block that closed one of its output streams; the exception it
    raised (printing to the closed stream raises ``ValueError``) keeps its traceback."""
    return ErrorInfo(
        CLOSED,
        frozenset({CLOSED}),
        CLOSED_STREAM.format(name=name, short=name.rpartition(".")[2]),
        error.traceback if error is not None else "",
        error.line_index if error is not None else None,
    )


def _interrupted(error: BaseException | None, filename: str) -> ErrorInfo:
    """The failure of a block that Ctrl-C stopped (even one that caught the interrupt)."""
    line = describe_error(error, filename).line_index if error is not None else None
    where = f" at line {shown(line)}" if line is not None else ""
    return ErrorInfo(
        INTERRUPTED,
        frozenset({INTERRUPTED}),
        f"interrupted by Ctrl-C{where}; the session stops",
        "",
        line,
    )


class Executor:
    """Runs code in a note's namespace, capturing output, warnings and errors."""

    def __init__(
        self,
        filename: str,
        *,
        fd: FileDescriptorCapture | None = None,
        faulthandler: Faulthandler | None = None,
        watcher: Watcher | None = None,
    ) -> None:
        from pytest_torchnotes.run.routing import FdRotation, LateOutput, Router

        self.filename = filename
        self.fd = fd
        self.watcher = watcher
        self.router = Router()
        self._rotation = FdRotation(frozenset() if watcher is None else watcher.pids)
        #: Output that came after its block, known when the note is closed.
        self.late: list[LateOutput] = []
        self.time_limit = TimeLimit(faulthandler)
        #: Set by the session's SIGINT handler: Ctrl-C, not a block's own KeyboardInterrupt.
        self.interrupted = threading.Event()
        self._pid = REAL_GETPID()
        self._warnings: list[WarningInfo] | None = None

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
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != self.filename:
            frame = frame.f_back  # type: ignore[assignment]
        names = frozenset(cls.__name__ for cls in category.__mro__)
        self._warnings.append(
            WarningInfo(
                category.__name__,
                str(message),
                filename,
                lineno,
                self.filename,
                from_shown(frame.f_lineno) if frame is not None else None,
                names,
            )
        )

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
        capture = BlockCapture(self.fd)
        limit = self.time_limit
        stack_limit = getattr(sys, "tracebacklimit", None) is None
        started = time.perf_counter()
        prompt = code.interactive and not hasattr(sys, "ps1")
        recursion_limit, too_low = sys.getrecursionlimit(), None
        if self.watcher is not None:
            self.watcher.running(f"{where} (time limit {timeout:g} s)" if timeout else where)
        try:
            with capture:
                self.router.begin(capture, label)
                if stack_limit:
                    sys.tracebacklimit = STACK_LIMIT
                if prompt:
                    sys.ps1 = INTERACTIVE_PROMPT
                limit.start(timeout, where)
                try:
                    exec(code.body, namespace)
                    if code.display is not None:
                        value = eval(code.display, namespace)
                        if value is not None:
                            execution.displayed = repr(value)
                            sys.stdout.write(execution.displayed + "\n")
                finally:
                    # Put a lowered limit back before calling anything (a tracer such as
                    # coverage's runs Python code on the first call into a module), then judge.
                    lowered = sys.getrecursionlimit()
                    if lowered < recursion_limit:
                        sys.setrecursionlimit(recursion_limit)
                    too_low = recursion.lowered_too_far(recursion_limit, lowered)
                    limit.stop()
                    if stack_limit and getattr(sys, "tracebacklimit", None) == STACK_LIMIT:
                        del sys.tracebacklimit
                    if prompt:
                        vars(sys).pop("ps1", None)
        except BaseException as error:
            failure: BaseException | None = error
        else:
            failure = None
        finally:
            self._warnings = None
            self.router.end()
        if REAL_GETPID() != self._pid:
            end_forked_child(failure)
        if self.fd is not None:
            self.fd = self._rotation.after_block(self.fd, label)
        if self.watcher is not None:
            self.watcher.idle()
        outer, limit.outer_error = limit.outer_error, None
        if outer is not None:
            raise outer
        if self.interrupted.is_set():
            execution.error = _interrupted(failure, self.filename)
        elif failure is not None:
            execution.error = self._describe(failure, timeout)
        if too_low is not None:
            execution.error = ErrorInfo("RecursionError", RECURSION_ERROR, too_low, "", None)
        del failure  # no frame of the block outlives the report
        execution.duration = time.perf_counter() - started
        closed = capture.closed()
        if closed is not None:
            execution.error = _closed_stream(closed, execution.error)
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
                spawned.hint(self.time_limit.spawned),
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

    def close(self) -> None:
        """The note is over: no timer, handler or watchdog of its blocks may outlive it, and
        output of threads or processes they left is no longer taken."""
        from pytest_torchnotes.run.routing import merge_late

        self.time_limit.close()
        self.late = merge_late(self.router.close() + self._rotation.close())

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
