"""The run report: what happened to every block, as plain data.

Built from results during the run (:mod:`.records`; on xdist workers too: a note's record
travels with its pytest report), with the versions the notes ran on (:mod:`.versions`), and
rendered elsewhere (:mod:`.render`). The JSON form has a ``schema`` and a ``version``;
``report-schema.json`` in this package describes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "pytest-torchnotes-report"
VERSION = 2

#: Versions this tool reads. Version 1 had no block ``status``: it is derived from the
#: outcome and whether the block had expected output.
READABLE_VERSIONS = (1, 2)


@dataclass
class WarningRecord:
    category: str
    message: str
    #: The note line that was running when it was raised (1-based: a record keeps the
    #: line as it is shown, as the JSON report does).
    line: int | None


@dataclass
class BlockRecord:
    """One block (or piece of setup code) of a note."""

    kind: str  # "block" or "setup"
    #: 1-based position among the note's blocks (0 for setup code).
    index: int
    #: The line of the opening fence (or setup comment), 1-based as the JSON report has it.
    line: int
    heading: str | None
    #: ``passed``, ``failed``, ``skipped`` or ``xfailed``.
    outcome: str
    #: ``value``, ``format-only``, ``text``, ``exception``, ``missing module``, ``timeout``,
    #: ``warning``, or ``None``.
    drift: str | None
    #: Why it was skipped or expected to fail, or what went wrong.
    reason: str | None
    #: The expected output compared (``None`` for a block without one) and what the block
    #: printed, cut at :data:`.records.MAX_OUTPUT` characters.
    expected: str | None
    actual: str | None
    #: Hash of what the block printed, to see changes between runs of blocks that pass.
    output_digest: str
    warnings: list[WarningRecord] = field(default_factory=list)
    duration: float = 0.0
    #: How its output was compared (``mode``, ``rtol``, ``atol``, ``sanitize``), for
    #: ``torchnotes diff`` to apply the same rules; ``None`` for a block that did not run.
    compare: dict[str, Any] | None = None
    #: What the block counts as: ``verified``, ``ran``, ``not compared``, ``failed``,
    #: ``follow-on``, ``updated``, ``skipped`` or ``xfailed`` (see :data:`results.STATUSES`).
    status: str = ""
    #: How the block ran beyond its outcome: IPython magics left out or not run.
    notes: list[str] = field(default_factory=list)
    #: The note's line (1-based) the block raised on, when it raised there.
    raised_line: int | None = None
    #: Why a ``verified`` block was verified loosely: part of what it printed was not
    #: compared (``values not compared``, ``output of examples not compared``).
    loosely: str | None = None

    def __post_init__(self) -> None:
        if not self.status:
            self.status = _derived_status(self.outcome, self.expected)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "index": self.index,
            "line": self.line,
            "heading": self.heading,
            "outcome": self.outcome,
            "status": self.status,
            "drift": self.drift,
            "reason": self.reason,
            "expected": self.expected,
            "actual": self.actual,
            "output_digest": self.output_digest,
            "warnings": [
                {"category": w.category, "message": w.message, "line": w.line}
                for w in self.warnings
            ],
            "duration": self.duration,
            "compare": self.compare,
            **({"notes": self.notes} if self.notes else {}),
            **({"raised_line": self.raised_line} if self.raised_line is not None else {}),
            **({"loosely": self.loosely} if self.loosely is not None else {}),
        }

    @property
    def key(self) -> str:
        """Identifies the block across runs: its kind and position."""
        return f"{self.kind}:{self.index if self.kind == 'block' else self.line}"


#: The status counted for the blocks of notes that could not run (no record of their own).
NOT_RUN = "not run"


@dataclass
class NoteRecord:
    path: str
    #: ``passed``, ``failed``, ``skipped`` or ``error`` (the note could not run).
    outcome: str
    reason: str | None
    blocks: list[BlockRecord] = field(default_factory=list)
    #: Global state the note changed, put back after it.
    restored: list[str] = field(default_factory=list)
    #: The blocks of a note that could not run (``error``): none of them ran.
    not_run: int = 0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "outcome": self.outcome,
            "reason": self.reason,
            "blocks": [block.to_json() for block in self.blocks],
            "restored": list(self.restored),
        }
        if self.not_run:
            data["not_run"] = self.not_run
        return data


@dataclass
class Environment:
    torch: str | None
    python: str
    numpy: str | None
    platform: str
    #: ``None`` where the process that wrote the report never loaded torch to ask.
    cuda_available: bool | None
    cuda: str | None
    plugin: str


@dataclass
class RunReport:
    environment: Environment
    notes: list[NoteRecord]
    created: str = ""
    schema: str = SCHEMA
    version: int = VERSION

    def blocks(self) -> list[tuple[NoteRecord, BlockRecord]]:
        return [(note, block) for note in self.notes for block in note.blocks]

    def counts(self) -> dict[str, int]:
        """Blocks by status (``verified``, ``ran``, ``failed``...)."""
        counts: dict[str, int] = {}
        for _, block in self.blocks():
            counts[block.status] = counts.get(block.status, 0) + 1
        not_run = sum(note.not_run for note in self.notes)
        if not_run:
            counts[NOT_RUN] = not_run
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "version": self.version,
            "created": self.created,
            "environment": asdict(self.environment),
            "summary": self.counts(),
            "notes": [note.to_json() for note in self.notes],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunReport:
        if data.get("schema") != SCHEMA:
            raise ValueError("not a pytest-torchnotes report")
        if data.get("version") not in READABLE_VERSIONS:
            readable = " and ".join(str(version) for version in READABLE_VERSIONS)
            raise ValueError(
                f"report version {data.get('version')!r}; this tool reads versions {readable}"
            )
        return cls(
            environment=Environment(**data["environment"]),
            notes=[note_from_json(note) for note in data["notes"]],
            created=data.get("created", ""),
        )


def note_from_json(data: dict[str, Any]) -> NoteRecord:
    blocks = []
    for block in data.get("blocks", []):
        warnings = [WarningRecord(**warning) for warning in block.get("warnings", [])]
        blocks.append(BlockRecord(**{**block, "warnings": warnings}))
    return NoteRecord(
        data["path"],
        data["outcome"],
        data.get("reason"),
        blocks,
        data.get("restored", []),
        data.get("not_run", 0),
    )


def _derived_status(outcome: str, expected: str | None) -> str:
    """The status of a block recorded without one (a version 1 report)."""
    if outcome == "passed":
        return "verified" if expected is not None else "ran"
    return outcome
