"""``torchnotes history REPORT.json...``: what changed across many torch versions.

The reports are put in torch version order, whatever the order of the files, and each one is
compared with the one before it by :func:`.diff.compare`, so a change counts
here exactly when ``torchnotes diff`` would show it. Every block that changed anywhere in the
range becomes a row: its outcome in each version, and each change in the version where it
first appears. Rendered by :mod:`pytest_torchnotes.reporting.history_render`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import InvalidVersion, Version

from pytest_torchnotes.reporting.diff import Change, compare, load
from pytest_torchnotes.reporting.report import BlockRecord, NoteRecord, RunReport

#: The state of a block in a run that does not have it.
ABSENT = "absent"


@dataclass(frozen=True)
class Run:
    """One report, and the torch version it was written under."""

    file: Path
    report: RunReport
    #: The release first (``2.5.1``), then the full version (``2.5.1+cu124``) to break ties.
    order: tuple[Version, Version]

    @property
    def torch(self) -> str:
        return self.report.environment.torch or ""


@dataclass
class Row:
    """A block (or a whole note, at line 1) that changed somewhere in the range."""

    path: str
    line: int
    heading: str | None
    #: Its outcome in each run, oldest first: an outcome of the report, or :data:`ABSENT`.
    states: list[str]
    #: The change that first appears in each run (``None`` where nothing changed).
    changes: list[Change | None]
    #: Whether the newest run is worse than the oldest for this block.
    regressed: bool = False
    #: A whole note: no run has a block at that line.
    note: bool = False

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class History:
    runs: list[Run]
    rows: list[Row] = field(default_factory=list)
    #: What got worse between the oldest run and the newest (the exit status).
    regressions: list[Change] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [run.torch for run in self.runs]


class HistoryError(ValueError):
    """A report that cannot take part, with the file named in the message."""


def load_runs(files: list[Path]) -> list[Run]:
    """Read the reports and put them in torch version order."""
    if len(files) < 2:
        raise HistoryError("give two or more reports, one per torch version")
    runs = []
    for file in files:
        try:
            report = load(file)
        except ValueError as error:
            raise HistoryError(str(error)) from None
        torch = report.environment.torch
        if not torch:
            raise HistoryError(f"{file}: the report does not say which torch version ran it")
        try:
            version = Version(torch)
        except InvalidVersion:
            raise HistoryError(f"{file}: {torch!r} is not a torch version") from None
        runs.append(Run(file, report, (Version(version.base_version), version)))
    seen: dict[str, Path] = {}
    for run in runs:
        if run.torch in seen:
            raise HistoryError(
                f"{seen[run.torch]} and {run.file} are both runs of torch {run.torch}: "
                "give one report per version"
            )
        seen[run.torch] = run.file
    return sorted(runs, key=lambda run: run.order)


def history(runs: list[Run]) -> History:
    """Every block that changed between consecutive runs, with its state in each run."""
    result = History(runs)
    rows: dict[tuple[str, int], Row] = {}
    for column in range(1, len(runs)):
        for change in compare(runs[column - 1].report, runs[column].report):
            _add(rows, runs, column, change)
    result.regressions = [
        change for change in compare(runs[0].report, runs[-1].report) if change.regression
    ]
    for change in result.regressions:
        key = (change.path, change.line)
        if key not in rows:
            # Hidden between consecutive runs, behind a note that could not run in between:
            # shown in the first version where the block differs from the oldest.
            _add(rows, runs, *_first_difference(runs, change))
        rows[key].regressed = True
    result.rows = [rows[key] for key in sorted(rows)]
    return result


def _first_difference(runs: list[Run], change: Change) -> tuple[int, Change]:
    """The first run where a block differs from the oldest run, and how; ``change`` is how
    the newest run differs from the oldest."""
    key = (change.path, change.line)
    for column in range(1, len(runs) - 1):
        for earlier in compare(runs[0].report, runs[column].report):
            if (earlier.path, earlier.line) == key:
                return column, earlier
    return len(runs) - 1, change


def _add(rows: dict[tuple[str, int], Row], runs: list[Run], column: int, change: Change) -> None:
    key = (change.path, change.line)
    row = rows.get(key)
    if row is None:
        states = [_state(run.report, *key) for run in runs]
        note = not any(_find(run.report, *key)[1] for run in runs)
        row = rows[key] = Row(*key, change.heading, states, [None] * len(runs), note=note)
    row.heading = row.heading or change.heading
    row.changes[column] = change


def _find(report: RunReport, path: str, line: int) -> tuple[NoteRecord | None, BlockRecord | None]:
    note = next((note for note in report.notes if note.path == path), None)
    if note is None:
        return None, None
    return note, next((block for block in note.blocks if block.line == line), None)


def _state(report: RunReport, path: str, line: int) -> str:
    """The outcome of the block at ``path:line``, or of the whole note where it has none."""
    note, block = _find(report, path, line)
    if note is None:
        return ABSENT
    if block is not None:
        return block.outcome
    if line == 1 or note.outcome in ("error", "skipped"):
        return note.outcome
    return ABSENT
