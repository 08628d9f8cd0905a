"""What each directive says, as data: one class per directive, with the lines it spans."""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown.errors import LineError
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.markdown.requirements import Requirement


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
