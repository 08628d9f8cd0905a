"""What running a note produced: one result per block, plain data for reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_torchnotes.blocks import Block, SetupBlock
from pytest_torchnotes.compare import Comparator, Comparison
from pytest_torchnotes.execute import ErrorInfo, WarningInfo
from pytest_torchnotes.rewrite import Edit

PASSED = "passed"
FAILED = "failed"
SKIPPED = "skipped"
XFAILED = "xfailed"

#: Kinds of drift, from the most to the least benign.
FORMAT = "format-only"
VALUE = "value"
TEXT = "text"
EXCEPTION = "exception"
MISSING_MODULE = "missing module"
TIMEOUT = "timeout"
WARNING = "warning"

#: What the comparison calls a drift, as reports name it.
COMPARISON_DRIFT = {"format": FORMAT, "value": VALUE, "text": TEXT}


@dataclass
class BlockResult:
    """The outcome of one block (or one piece of hidden setup code)."""

    item: Block | SetupBlock
    outcome: str
    #: What kind of drift made it fail, or the benign drift a passing block showed.
    drift: str | None = None
    #: Why it was skipped or expected to fail.
    reason: str | None = None
    expected: str | None = None
    actual: str = ""
    stderr: str = ""
    error: ErrorInfo | None = None
    comparison: Comparison | None = None
    warnings: list[WarningInfo] = field(default_factory=list)
    duration: float = 0.0
    #: The full failure text shown to people.
    message: str = ""
    #: One line: what went wrong.
    summary: str = ""
    #: Rewrites of the note's expected output that would make the block pass.
    edits: list[Edit] = field(default_factory=list)
    #: Why the expected output could not be rewritten, in update mode.
    not_updated: str | None = None
    #: The versions whose ``output`` directive was compared (``None``: the visible output).
    variant: str | None = None
    #: Warnings raised that no ``warns`` directive declares.
    unexpected_warnings: list[str] = field(default_factory=list)
    #: The rules its output was compared by (``None``: a block that did not run).
    comparator: Comparator | None = None

    @property
    def line(self) -> int:
        return self.item.line

    @property
    def failed(self) -> bool:
        return self.outcome == FAILED


@dataclass
class NoteResult:
    """All block results of a note, and what the note did to global state."""

    path: str
    blocks: list[BlockResult] = field(default_factory=list)
    #: Global state the note changed and that was put back afterwards.
    restored: list[str] = field(default_factory=list)
    #: Threads the note started that were still running after it (not daemon threads).
    threads: list[str] = field(default_factory=list)
    #: Output of threads and processes that came after the block it belongs to ended:
    #: not compared, not written by update.
    late: list[str] = field(default_factory=list)
    #: Processes the note started that were still running after it, and were ended.
    processes: list[str] = field(default_factory=list)
    #: Why the whole note was skipped.
    skipped: str | None = None

    @property
    def failures(self) -> list[BlockResult]:
        return [result for result in self.blocks if result.failed]
