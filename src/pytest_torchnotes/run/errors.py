"""What went wrong in a block, kept as text: the exception it raised, the warnings it
raised, and the failures that are the runner's own (a time limit, a closed stream, Ctrl-C)."""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass

from pytest_torchnotes.notelines import from_shown, location, shown

#: Type names of failures that are not exceptions of the block: their message says it all.
TIMEOUT = "Timeout"
CLOSED = "closed stream"
INTERRUPTED = "Interrupted"
CHANGED_INTEGERS = "Changed integers"  # run/canary.py
OWN_FAILURES = frozenset({TIMEOUT, CLOSED, INTERRUPTED, CHANGED_INTEGERS})


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
    #: The module a ``ModuleNotFoundError`` in the exception's chain could not find, when
    #: the exception is not that error itself (``torch.onnx`` raises its own error from
    #: the ``ModuleNotFoundError`` of a missing ``onnx``, torch.cuda a
    #: ``ModuleNotFoundError`` of its own words, naming the package ``nvidia-ml-py``, from
    #: that of a missing ``pynvml``): the module the block needs.
    missing_module: str | None = None

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


#: ``type.__mro__`` itself: read through it, a metaclass's own ``__mro__`` (which may raise
#: anything, ``SystemExit`` too) is not called.
_TYPE_MRO = vars(type)["__mro__"]


def describe_error(error: BaseException, filename: str) -> ErrorInfo:
    """Turn an exception into text; frames before the note's own code are left out."""
    names = class_names(error)
    depth, hidden, innermost = _walk(error, filename)
    # Like the interpreter, which prints the innermost 1000 frames of a traceback: a block
    # that recursed a million frames deep (``sys.setrecursionlimit(10**6)``) took the
    # traceback module a minute to format them all.
    kept = depth if depth <= MOST_FRAMES or _limit_set() else MOST_FRAMES
    summary = traceback.TracebackException.from_exception(
        error, limit=None if kept == depth else -kept
    )
    frames = list(summary.stack)
    hidden = {index - (depth - kept) for index in hidden if index >= depth - kept}
    if hidden:
        frames = [frame for index, frame in enumerate(frames) if index not in hidden]
        summary.stack = traceback.StackSummary.from_list(frames)
    # Python numbers the note's lines as people read them (see ``run/shifting.py``).
    note_lines = [frame.lineno for frame in frames if frame.filename == filename]
    if not note_lines and innermost is not None:  # the note's frames are past the kept ones
        note_lines.append(innermost)
    if isinstance(error, SyntaxError) and error.filename == filename:
        # Raised while compiling the note: the frames are ours, the location is in the note.
        note_lines.append(error.lineno or 0)
        text = "".join(summary.format_exception_only())
    else:
        first = next((i for i, frame in enumerate(frames) if frame.filename == filename), None)
        if first is not None:
            summary.stack = traceback.StackSummary.from_list(frames[first:])
        text = "".join(summary.format())
    type_name = type_name_of(error)
    try:
        message = str(error)
    except BaseException:  # a __str__ raising SystemExit or KeyboardInterrupt
        # is the block's doing: it must not end the session or break the report
        message = f"<{type(error).__name__} whose str() failed>"
    return ErrorInfo(
        type_name,
        names,
        message,
        text,
        from_shown(note_lines[-1]) if note_lines and note_lines[-1] else None,
        missing_module=None if _names_its_module(error) else _missing_below(error),
    )


def _names_its_module(error: BaseException) -> bool:
    """Whether ``error`` is a ``ModuleNotFoundError`` of the import system, which names the
    module it did not find; one a library raises in its own words from the import's error
    (torch.cuda's ``nvidia-ml-py does not seem to be installed``, raised from the
    ``No module named 'pynvml'`` of its import) names none."""
    return isinstance(error, ModuleNotFoundError) and bool(error.name)


def _missing_below(error: BaseException) -> str | None:
    """The name of the module a ``ModuleNotFoundError`` that ``error`` was raised from (or
    while handling) did not find, if there is one in its chain."""
    seen: set[int] = set()
    below = error.__cause__ or error.__context__
    while below is not None and id(below) not in seen:
        seen.add(id(below))
        if isinstance(below, ModuleNotFoundError):
            return below.name if isinstance(below.name, str) and below.name else None
        below = below.__cause__ or below.__context__
    return None


def class_names(error: BaseException) -> frozenset[str]:
    """The names of ``error``'s classes, bare and qualified, for ``raises`` directives."""
    names: set[str] = set()
    for cls in _TYPE_MRO.__get__(type(error)):
        names.add(cls.__name__)
        names.add(f"{cls.__module__}.{cls.__qualname__}")
    return frozenset(names)


def type_name_of(error: BaseException) -> str:
    """The name of ``error``'s class as a traceback shows it."""
    type_name = type(error).__qualname__
    module = type(error).__module__
    return type_name if module in ("builtins", "__main__") else f"{module}.{type_name}"


#: The local variable that marks a function's frames as not shown, as pytest reads it.
HIDE = "__tracebackhide__"


#: The most frames of a traceback that are formatted, the innermost (the interpreter's own
#: limit when it prints a traceback).
MOST_FRAMES = 1000


def _limit_set() -> bool:
    """Whether the block set ``sys.tracebacklimit``, which the traceback module follows."""
    return getattr(sys, "tracebacklimit", None) is not None


def _walk(error: BaseException, filename: str) -> tuple[int, set[int], int | None]:
    """How many frames ``error``'s traceback has; the indexes of those whose function says
    ``__tracebackhide__ = True`` (the plugin's own checks, which a block's traceback does
    not show); and the line of the innermost frame of the note's code."""
    depth = 0
    hidden = set()
    innermost = None
    for depth, (frame, line) in enumerate(traceback.walk_tb(error.__traceback__), 1):
        code = frame.f_code
        if HIDE in code.co_varnames:
            hidden.add(depth - 1)
        elif code.co_filename == filename:
            innermost = line
    return depth, hidden, innermost


#: What a block that closed ``sys.stdout`` or ``sys.stderr`` is told.
CLOSED_STREAM = (
    "the block closed {name}: what it printed after that is lost (leave {name} open; "
    "to silence output, use contextlib.redirect_{short}(io.StringIO()))"
)


def closed_stream(name: str, error: ErrorInfo | None) -> ErrorInfo:
    """The failure of a block that closed one of its output streams; the exception it
    raised (printing to the closed stream raises ``ValueError``) keeps its traceback."""
    return ErrorInfo(
        CLOSED,
        frozenset({CLOSED}),
        CLOSED_STREAM.format(name=name, short=name.rpartition(".")[2]),
        error.traceback if error is not None else "",
        error.line_index if error is not None else None,
    )


def exited_in_thread(thread: str, status: int) -> ErrorInfo:
    """The failure of a block one of whose threads called ``os._exit``: the process, and
    the block with it, would have ended there."""
    return ErrorInfo(
        "os._exit",
        frozenset({"os._exit"}),
        f"thread {thread!r} called os._exit({status}) while the block ran: the process would "
        "have ended there; the session was kept alive",
        "",
        None,
    )


def interrupted(error: BaseException | None, filename: str) -> ErrorInfo:
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
