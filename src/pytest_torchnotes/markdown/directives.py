"""Directives: HTML comments that tell torchnotes how to treat the next block.

``<!-- torchnotes: NAME ARGUMENTS -->``, one per comment, invisible when the note is
rendered. They are parsed as data: nothing in a directive is evaluated.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field

from pytest_torchnotes.comparison.compare import (
    CompareOptions,
    CompareSpecError,
    parse_compare_spec,
)
from pytest_torchnotes.markdown.errors import LineError
from pytest_torchnotes.markdown.lexers import BodyLine, CommentLexeme
from pytest_torchnotes.markdown.requirements import Requirement, RequirementError, parse_requirement

#: The start of a torchnotes comment: ``<!-- torchnotes: skip reason -->`` gives ``skip reason``.
DIRECTIVE = re.compile(r"^[-\s]*torchnotes\b[ \t]*:?[ \t]*(?P<body>.*?)[-\s]*$", re.IGNORECASE)

#: ``raises TYPE`` or ``raises TYPE: MESSAGE PATTERN``.
RAISES = re.compile(r"^(?P<type>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:[ \t]*:[ \t]*(?P<pattern>.*))?$")


class DirectiveError(LineError):
    """A directive that cannot be understood; ``line`` is 0-based."""


@dataclass(frozen=True)
class Directive:
    """Base of all directives: where it was written."""

    #: 0-based line of ``<!--``.
    line: int
    #: 0-based line of ``-->``.
    end_line: int
    #: Why the directive is there: free text after a ``;`` (``requires cuda; trained on a GPU``).
    why: str | None = field(default=None, kw_only=True, compare=False)


@dataclass(frozen=True)
class Skip(Directive):
    reason: str


@dataclass(frozen=True)
class SkipStart(Directive):
    reason: str


@dataclass(frozen=True)
class SkipEnd(Directive):
    pass


@dataclass(frozen=True)
class Xfail(Directive):
    reason: str


@dataclass(frozen=True)
class Raises(Directive):
    exception: str
    pattern: str | None

    def describe(self) -> str:
        return f"{self.exception}: {self.pattern}" if self.pattern else self.exception


@dataclass(frozen=True)
class Requires(Directive):
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class RequiresStart(Directive):
    """``requires start SPEC...``: every block up to ``requires end`` requires the specs."""

    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class RequiresEnd(Directive):
    pass


@dataclass(frozen=True)
class Compare(Directive):
    options: CompareOptions


@dataclass(frozen=True)
class Timeout(Directive):
    seconds: float


@dataclass(frozen=True)
class Warns(Directive):
    """A warning the block is expected to raise: ``warns FutureWarning: pattern``."""

    category: str
    pattern: str | None

    def describe(self) -> str:
        return f"{self.category}: {self.pattern}" if self.pattern else self.category


@dataclass(frozen=True)
class Output(Directive):
    """What the block printed where ``requirements`` hold (another torch, another Python)."""

    requirements: tuple[Requirement, ...]
    #: The expected output lines, between the directive's first line and ``-->``.
    body: tuple[BodyLine, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.body)

    def describe(self) -> str:
        return " ".join(requirement.text for requirement in self.requirements)


@dataclass(frozen=True)
class Setup(Directive):
    code: str
    #: 0-based line of the first code line.
    code_line: int


def parse_timeout(text: str) -> float:
    """Seconds as a positive number; raise ``ValueError`` otherwise.

    >>> parse_timeout("2.5")
    2.5
    """
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if not seconds > 0 or math.isinf(seconds):
        raise ValueError(f"{text!r}: a timeout is a finite number of seconds > 0")
    if seconds > MAX_TIMEOUT:
        raise ValueError(f"{text!r}: a timeout is at most {MAX_TIMEOUT:g} seconds")
    return seconds


#: The longest time limit: the process's interval timer cannot be set much further ahead.
MAX_TIMEOUT = 1e8


def _reason(name: str, arguments: str, line: int) -> str:
    if not arguments:
        raise DirectiveError(line, f"{name} needs a reason, e.g. <!-- torchnotes: {name} why -->")
    return arguments


def _skip(arguments: str, line: int, end: int) -> Directive:
    word, _, rest = arguments.partition(" ")
    if word == "start":
        return SkipStart(line, end, _reason("skip start", rest.strip(), line))
    if word == "end":
        if rest.strip():
            raise DirectiveError(line, "skip end takes no arguments")
        return SkipEnd(line, end)
    return Skip(line, end, _reason("skip", arguments, line))


def _raises(arguments: str, line: int, end: int) -> Directive:
    match = RAISES.match(arguments)
    if match is None:
        raise DirectiveError(
            line, f"raises expects TYPE or TYPE: MESSAGE PATTERN, got {arguments!r}"
        )
    return Raises(line, end, match.group("type"), (match.group("pattern") or "").strip() or None)


def _requires(arguments: str, line: int, end: int) -> Directive:
    words = arguments.split()
    if words[:1] == ["end"]:
        if words[1:]:
            raise DirectiveError(line, "requires end takes no arguments")
        return RequiresEnd(line, end)
    region = words[:1] == ["start"]
    name = "requires start" if region else "requires"
    words = words[1:] if region else words
    if not words:
        raise DirectiveError(line, f"{name} needs at least one spec, e.g. torch>=2.1")
    try:
        requirements = tuple(parse_requirement(word) for word in words)
    except RequirementError as error:
        raise DirectiveError(line, f"{name}: {error}") from None
    return RequiresStart(line, end, requirements) if region else Requires(line, end, requirements)


def _compare(arguments: str, line: int, end: int) -> Directive:
    try:
        return Compare(line, end, parse_compare_spec(arguments))
    except CompareSpecError as error:
        words = arguments.split()
        prose = any("=" not in word and word not in ("rtol", "atol") for word in words[1:])
        hint = f" (a reason goes after a semicolon: compare {words[0]}; why)" if prose else ""
        raise DirectiveError(line, f"compare: {error}{hint}") from None


def _timeout(arguments: str, line: int, end: int) -> Directive:
    try:
        return Timeout(line, end, parse_timeout(arguments))
    except ValueError as error:
        raise DirectiveError(line, f"timeout: {error}") from None


def _xfail(arguments: str, line: int, end: int) -> Directive:
    return Xfail(line, end, _reason("xfail", arguments, line))


def _warns(arguments: str, line: int, end: int) -> Directive:
    match = RAISES.match(arguments)
    if match is None:
        raise DirectiveError(
            line, f"warns expects CATEGORY or CATEGORY: MESSAGE PATTERN, got {arguments!r}"
        )
    return Warns(line, end, match.group("type"), (match.group("pattern") or "").strip() or None)


def _output(comment: CommentLexeme, arguments: str, line: int, end: int) -> Directive:
    words = arguments.split()
    if not words:
        raise DirectiveError(
            line, "output needs the versions it holds for, e.g. <!-- torchnotes: output torch<2.0"
        )
    try:
        requirements = tuple(parse_requirement(word) for word in words)
    except RequirementError as error:
        raise DirectiveError(line, f"output: {error}") from None
    return Output(line, end, requirements, comment.body)


#: Directives written on one line, by name.
ONE_LINE = {
    "skip": _skip,
    "xfail": _xfail,
    "raises": _raises,
    "requires": _requires,
    "compare": _compare,
    "timeout": _timeout,
    "warns": _warns,
}

#: Every directive name, for error messages.
NAMES = (*ONE_LINE, "output", "setup")

#: Directives whose whole argument is a reason already: a ``;`` is part of it.
REASON_ARGUMENT = frozenset({"skip", "xfail"})

#: Separates a directive's arguments from the free-text reason after them.
WHY = ";"


def split_why(arguments: str) -> tuple[str, str | None]:
    """The arguments of a directive and the free-text reason after a ``;``, if any.

    >>> split_why("cuda; the model is trained on a GPU")
    ('cuda', 'the model is trained on a GPU')
    >>> split_why("ignore")
    ('ignore', None)
    """
    arguments, separator, why = arguments.partition(WHY)
    return arguments.strip(), (why.strip() or None) if separator else None


def parse_directive(comment: CommentLexeme) -> Directive | None:
    """The directive in ``comment``, ``None`` for an ordinary comment.

    Raises :class:`DirectiveError` for a torchnotes comment that cannot be understood.
    """
    match = DIRECTIVE.match(comment.head)
    if match is None:
        return None
    line = comment.open_line
    end = comment.close_line if comment.close_line is not None else line
    body = match.group("body").strip()
    name, _, arguments = body.partition(" ")
    name = name.rstrip(":")
    arguments = arguments.strip()
    if name == "setup":
        if arguments:
            raise DirectiveError(
                line, "setup code goes on the lines after <!-- torchnotes: setup, not on it"
            )
        if not comment.body:
            raise DirectiveError(line, "setup has no code: put it on the lines before -->")
        code = "\n".join(body_line.text for body_line in comment.body)
        return Setup(line, end, code, comment.body[0].line)
    why: str | None = None
    if name not in REASON_ARGUMENT:
        arguments, why = split_why(arguments)
    if name == "output":
        return dataclasses.replace(_output(comment, arguments, line, end), why=why)
    if not name:
        raise DirectiveError(
            line, f"empty torchnotes directive: expected one of {', '.join(NAMES)}"
        )
    parse = ONE_LINE.get(name)
    if parse is None:
        raise DirectiveError(
            line, f"unknown torchnotes directive {name!r}: expected one of {', '.join(NAMES)}"
        )
    if comment.body:
        raise DirectiveError(
            line, f"{name} is written on one line: <!-- torchnotes: {name} ... -->"
        )
    directive = parse(arguments, line, end)
    return directive if why is None else dataclasses.replace(directive, why=why)
