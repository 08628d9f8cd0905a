"""What running a note produced: one result per block, plain data for reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_torchnotes.comparison.compare import Comparator
from pytest_torchnotes.comparison.findings import Comparison
from pytest_torchnotes.markdown.blocks import Block, SetupBlock
from pytest_torchnotes.run.errors import ErrorInfo, WarningInfo
from pytest_torchnotes.run.execute import Execution
from pytest_torchnotes.update.rewrite import Edit

PASSED = "passed"
FAILED = "failed"
SKIPPED = "skipped"
XFAILED = "xfailed"

#: What a block's result counts as, in every summary and report: ``verified`` (its expected
#: output, or the exception it declares, was compared and matched), ``ran`` (it ran cleanly
#: and has nothing to compare), ``not compared`` (``compare ignore``), ``failed``,
#: ``follow-on`` (a failure that follows from an earlier block that failed to define a name),
#: ``updated`` (failed, and its expected output was rewritten), ``skipped``, ``xfailed``.
VERIFIED = "verified"
RAN = "ran"
NOT_COMPARED = "not compared"
FOLLOW_ON = "follow-on"
UPDATED = "updated"
STATUSES = (VERIFIED, RAN, NOT_COMPARED, FAILED, FOLLOW_ON, UPDATED, SKIPPED, XFAILED)

#: What a passing block checked (:attr:`BlockResult.checked`).
COMPARED = "compared"
IGNORED = "ignored"

#: Kinds of drift, from the most to the least benign.
FORMAT = "format-only"
VALUE = "value"
TEXT = "text"
EXCEPTION = "exception"
MISSING_MODULE = "missing module"
TIMEOUT = "timeout"
WARNING = "warning"
#: The block changed the repository past the write guard (:mod:`.repowatch`).
REPOSITORY = "repository"
#: The block cannot run as written (a transcript with a line no prompt holds): it fails at
#: its line, and the rest of its note runs.
CANNOT_RUN = "cannot run"

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
    #: The rules its output was compared by (``None``: a block that did not run).
    comparator: Comparator | None = None
    #: What was checked: :data:`COMPARED` (an expected output or exception), :data:`IGNORED`
    #: (expected output under ``compare ignore``), or ``None`` (nothing to check).
    checked: str | None = None
    #: The earlier block this failure follows from: its name and 0-based first line
    #: (``("block 2", 11)``).
    follows: tuple[str, int] | None = None
    #: The exception drifted from a traceback in the expected output, which update rewrites
    #: as it rewrites printed output.
    drift_in_output: bool = False
    #: What a reader of the report should know about how the block ran (magics left out).
    notes: list[str] = field(default_factory=list)
    #: ``>>>`` examples that printed output which was not compared: they show none, under
    #: xdoctest's rules, or their output is marked ``+IGNORE_WANT``.
    uncompared_examples: int = 0
    #: Lines of the expected output set apart as what shell escapes (not run) printed.
    shell_lines: int = 0
    #: IPython's timing lines of the expected output, which a timed block's run never prints.
    timing_lines: int = 0

    @property
    def rewritten(self) -> bool:
        """Failed only because its expected output drifted, and update mode planned the
        rewrites of every output that drifted: the next run passes."""
        return (
            self.outcome == FAILED
            and bool(self.edits)
            and self.not_updated is None
            and (self.drift in (FORMAT, VALUE, TEXT) or self.drift_in_output)
        )

    @property
    def status(self) -> str:
        """What this result counts as (see :data:`STATUSES`)."""
        if self.rewritten:
            return UPDATED
        if self.outcome == FAILED:
            return FOLLOW_ON if self.follows is not None else FAILED
        if self.outcome != PASSED:
            return self.outcome
        if self.checked == COMPARED:
            return VERIFIED
        return NOT_COMPARED if self.checked == IGNORED else RAN

    @property
    def first_line(self) -> int:
        """0-based line where the block (or setup comment) starts."""
        return self.item.first_line

    def add_hint(self, hint: str) -> None:
        """Add the line ``hint`` under the headline of the message."""
        head, _, rest = self.message.partition("\n")
        self.message = "\n".join(part for part in (head, f"  {hint}", rest) if part)

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
    #: Functions the note's code registered with ``atexit``, taken off after it.
    at_exit: list[str] = field(default_factory=list)
    #: Why freeing the note's objects after it was interrupted (``run/freeing.py``).
    freeing: str | None = None
    #: Why the whole note was skipped.
    skipped: str | None = None

    @property
    def all_skipped(self) -> str | None:
        """Why nothing of the note ran, when every block was skipped."""
        if not self.blocks or any(result.outcome != SKIPPED for result in self.blocks):
            return None
        reasons = {result.reason or "skipped" for result in self.blocks}
        return reasons.pop() if len(reasons) == 1 else "every block is skipped"

    @property
    def failures(self) -> list[BlockResult]:
        """Blocks that failed, less those whose output update mode rewrote."""
        return [result for result in self.blocks if result.failed and not result.rewritten]


def from_execution(item: Block | SetupBlock, execution: Execution) -> BlockResult:
    """A passing result holding what running ``item`` printed, raised, warned and took."""
    return BlockResult(
        item,
        PASSED,
        actual=execution.stdout,
        stderr=execution.stderr,
        error=execution.error,
        warnings=execution.warnings,
        duration=execution.duration,
    )
