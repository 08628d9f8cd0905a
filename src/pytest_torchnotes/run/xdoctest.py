"""The xdoctest directives of PyTorch's docstrings, as ``>>>`` blocks of a note hold them.

PyTorch writes its examples for xdoctest: ``# xdoctest: +SKIP`` leaves code out,
``# xdoctest: +REQUIRES(env:TORCH_DOCTEST_CUDA)`` runs it only where a condition holds, and
``# xdoctest: +IGNORE_WANT("non-deterministic")`` runs it without comparing its output. A
directive on a line of its own (``>>> # xdoctest: +SKIP``) holds for the examples below it,
until the same directive with ``-``; at the end of an example's line it holds for that
example alone. Python's ``doctest`` drops comment-only lines, so they are read here.
"""

from __future__ import annotations

import ast
import builtins
import doctest
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

#: One directive: ``# xdoctest: +REQUIRES(env:TORCH_DOCTEST_CUDA)``.
DIRECTIVE = re.compile(
    r"#\s*xdoctest\s*:\s*(?P<sign>[+-])(?P<name>SKIP|REQUIRES|IGNORE_WANT)\b"
    r"(?:\((?P<argument>[^)]*)\))?",
    re.IGNORECASE,
)

#: A transcript line that holds nothing but an xdoctest directive.
DIRECTIVE_LINE = re.compile(r"\s*>>>\s*#\s*xdoctest\s*:", re.IGNORECASE)

#: ``torchnotes_transcripts``: how ``>>>`` transcripts are checked. ``doctest``'s rules, or
#: ``xdoctest``'s, for which PyTorch's docstrings are written: ``+ELLIPSIS`` and
#: ``+NORMALIZE_WHITESPACE`` on unless an example turns them off, and an example that shows
#: no output is not compared (``>>> torch.manual_seed(283)``, ``>>> torch.dot  # [D] -> []``).
DOCTEST_RULES = "doctest"
XDOCTEST_RULES = "xdoctest"
TRANSCRIPT_RULES = (DOCTEST_RULES, XDOCTEST_RULES)

#: The doctest flags xdoctest turns on for every example.
XDOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

#: Platforms ``+REQUIRES(...)`` may name, by the prefix of ``sys.platform``.
PLATFORMS = {"LINUX": "linux", "WIN32": "win32", "DARWIN": "darwin"}


@dataclass(frozen=True)
class Mode:
    """How to treat one example: skip it (and why), or run it without comparing its output."""

    skip: str | None = None
    ignore_want: bool = False


def unmet(argument: str) -> bool:
    """Whether the condition of ``+REQUIRES(argument)`` does not hold here.

    >>> unmet("module:json"), unmet("env:NO_SUCH_VARIABLE_XYZ"), unmet("--lapack")
    (False, True, True)
    >>> unmet("module:no_such_package_xyz.sub")  # its package is not installed either
    True
    >>> unmet("module:sys")  # imported, without the spec find_spec asks of a module
    False
    """
    kind, _, name = argument.partition(":")
    if kind == "env":
        return os.environ.get(name, "") in ("", "0")
    if kind == "module":
        if name in sys.modules:  # torch._C._distributed_c10d has no __spec__ to find
            return False
        try:
            return importlib.util.find_spec(name) is None
        except (ImportError, ValueError):  # a submodule of a package that is not there
            return True
    platform_prefix = PLATFORMS.get(argument.upper())
    if platform_prefix is not None:
        return not sys.platform.startswith(platform_prefix)
    return argument.upper() not in ("POSIX", "CPYTHON")  # else a flag of xdoctest's runner


def apply(mode: Mode, text: str) -> Mode:
    """``mode`` changed by the directive in ``text``, if it holds one.

    >>> apply(Mode(), "x = f()  # xdoctest: +SKIP")
    Mode(skip='xdoctest: +SKIP', ignore_want=False)
    >>> apply(Mode(skip="xdoctest: +SKIP"), "# xdoctest: -SKIP")
    Mode(skip=None, ignore_want=False)
    >>> apply(Mode(), '# xdoctest: +IGNORE_WANT("random")')
    Mode(skip=None, ignore_want=True)
    """
    match = DIRECTIVE.search(text)
    if match is None:
        return mode
    on = match.group("sign") == "+"
    name = match.group("name").upper()
    argument = (match.group("argument") or "").strip()
    if name == "IGNORE_WANT":
        return Mode(mode.skip, on)
    if not on:
        return Mode(None, mode.ignore_want)
    if name == "SKIP":
        return Mode("xdoctest: +SKIP" + (f"({argument})" if argument else ""), mode.ignore_want)
    if unmet(argument):
        return Mode(f"xdoctest: +REQUIRES({argument})", mode.ignore_want)
    return mode


class Directives:
    """The directives of one transcript, read top to bottom, example by example."""

    def __init__(self, code: str) -> None:
        self._lines = [
            (number, line)
            for number, line in enumerate(code.splitlines())
            if DIRECTIVE_LINE.match(line)
        ]
        self._mode = Mode()

    def mode(self, lineno: int, source: str) -> Mode:
        """The mode of the example at (0-based) line ``lineno`` of the transcript."""
        while self._lines and self._lines[0][0] < lineno:
            self._mode = apply(self._mode, self._lines.pop(0)[1])
        return apply(self._mode, source)


@contextmanager
def displaying(recorded: list[str]) -> Iterator[None]:
    """While an example runs, display its value as ``sys.displayhook`` does and keep the
    repr written in ``recorded``: xdoctest compares an example's output with what it printed
    and with its value's repr apart, and passes it when either matches. A hook the note sets
    itself replaces this one, and nothing is kept."""
    hook = sys.displayhook

    def display(value: object) -> None:
        if value is None:
            return
        builtins._ = None  # type: ignore[attr-defined]
        text = repr(value)
        sys.stdout.write(text + "\n")
        builtins._ = value  # type: ignore[attr-defined]
        recorded.append(text)

    sys.displayhook = display
    try:
        yield
    finally:
        if sys.displayhook is display:
            sys.displayhook = hook


#: Most lines of a value's repr looked for at the end of an example's output.
MOST_REPR_LINES = 200


def printed_only_hint(
    source: str, want: str, got: str, matches: Callable[[str], bool]
) -> str | None:
    """The hint of an example whose output (``want``) is what it printed, without the repr
    of the value it returned that ends ``got`` (read on a failure only): xdoctest's rules
    pass it.

    >>> print(printed_only_hint("f()", "a", "a\\nb\\n", lambda got: got == "a\\n"))
    the output shows what the example printed without the repr of the value it returned: \
xdoctest passes it (--torchnotes-transcripts=xdoctest, ini: torchnotes_transcripts, the rules \
PyTorch's docstrings are written for), or end the line with ';' or assign the value \
(`_ = ...`) to display nothing
    >>> printed_only_hint("x = f()", "a", "a\\nb\\n", lambda got: got == "a\\n") is None
    True
    """
    if not want.strip():
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    lines = got.splitlines(keepends=True)
    for cut in range(1, min(len(lines), MOST_REPR_LINES + 1)):
        if matches("".join(lines[:-cut])):
            return (
                "the output shows what the example printed without the repr of the value it "
                "returned: xdoctest passes it (--torchnotes-transcripts=xdoctest, ini: "
                "torchnotes_transcripts, the rules PyTorch's docstrings are written for), or "
                "end the line with ';' or assign the value (`_ = ...`) to display nothing"
            )
    return None
