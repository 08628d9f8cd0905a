"""The run report: what happened to every block, as plain data.

Built from results during the run (on xdist workers too: a note's record travels with its
pytest report), and rendered elsewhere (:mod:`.render`). The JSON form has a
``schema`` and a ``version``; ``report-schema.json`` in this package describes it.
"""

from __future__ import annotations

import hashlib
import platform
import re
import signal
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pytest_torchnotes.comparison.compare import Comparator
from pytest_torchnotes.comparison.normalize import Sanitizer
from pytest_torchnotes.markdown.blocks import Block, Problem
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run.results import NoteResult
from pytest_torchnotes.words import plural

SCHEMA = "pytest-torchnotes-report"
VERSION = 2

#: Versions this tool reads. Version 1 had no block ``status``: it is derived from the
#: outcome and whether the block had expected output.
READABLE_VERSIONS = (1, 2)

#: Longest output kept in a report, per block.
MAX_OUTPUT = 10_000


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
    #: printed, cut at :data:`MAX_OUTPUT` characters.
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
        }

    @property
    def key(self) -> str:
        """Identifies the block across runs: its kind and position."""
        return f"{self.kind}:{self.index if self.kind == 'block' else self.line}"


@dataclass
class NoteRecord:
    path: str
    #: ``passed``, ``failed``, ``skipped`` or ``error`` (the note could not run).
    outcome: str
    reason: str | None
    blocks: list[BlockRecord] = field(default_factory=list)
    #: Global state the note changed, put back after it.
    restored: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "outcome": self.outcome,
            "reason": self.reason,
            "blocks": [block.to_json() for block in self.blocks],
            "restored": list(self.restored),
        }


@dataclass
class Environment:
    torch: str | None
    python: str
    numpy: str | None
    platform: str
    cuda_available: bool
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
        data["path"], data["outcome"], data.get("reason"), blocks, data.get("restored", [])
    )


def _derived_status(outcome: str, expected: str | None) -> str:
    """The status of a block recorded without one (a version 1 report)."""
    if outcome == "passed":
        return "verified" if expected is not None else "ran"
    return outcome


def output_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()[:16]


def note_record(result: NoteResult) -> NoteRecord:
    """The record of a note that ran (or was skipped as a whole)."""
    if result.skipped is not None:
        return NoteRecord(result.path, "skipped", result.skipped)
    blocks = []
    for block in result.blocks:
        item = block.item
        blocks.append(
            BlockRecord(
                kind="block" if isinstance(item, Block) else "setup",
                index=item.index if isinstance(item, Block) else 0,
                line=shown(item.first_line),
                heading=item.heading,
                outcome=block.outcome,
                drift=block.drift,
                reason=block.reason or block.summary or None,
                expected=_cut(block.expected),
                actual=_cut(block.actual) if block.outcome != "skipped" else None,
                output_digest=output_digest(block.actual),
                warnings=[
                    WarningRecord(
                        warning.category,
                        _plain(warning.message),
                        None if warning.note_line_index is None else shown(warning.note_line_index),
                    )
                    for warning in block.warnings
                ],
                duration=round(block.duration, 6),
                compare=_compare_record(block.comparator),
                status=block.status,
                notes=list(block.notes),
            )
        )
    if result.all_skipped is not None:
        return NoteRecord(result.path, "skipped", result.all_skipped, blocks, list(result.restored))
    outcome = "failed" if result.failures else "passed"
    return NoteRecord(result.path, outcome, None, blocks, list(result.restored))


def _compare_record(comparator: Comparator | None) -> dict[str, Any] | None:
    if comparator is None:
        return None
    options = comparator.options
    sanitize = [
        f"{step.pattern.pattern} => {step.replacement}"
        for step in comparator.sanitizers
        if isinstance(step, Sanitizer)
    ]
    return {"mode": options.mode, "rtol": options.rtol, "atol": options.atol, "sanitize": sanitize}


#: Where in torch's C++ sources a warning came from: differs between builds, says nothing
#: to the reader of a note.
TRIGGERED_INTERNALLY = re.compile(r"\s*\(Triggered internally at [^()]*\.\)\s*$")


def _plain(message: str) -> str:
    """
    >>> _plain("bad (Triggered internally at /src/aten/Reduce.cpp:12.)")
    'bad'
    """
    return TRIGGERED_INTERNALLY.sub("", message)


def _cut(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_OUTPUT:
        return text
    return text[:MAX_OUTPUT] + f"\n... {plural(len(text) - MAX_OUTPUT, 'more character')}"


def error_record(path: str, problems: list[Problem]) -> NoteRecord:
    """The record of a note that could not run."""
    reason = "; ".join(f"line {shown(p.line_index)}: {p.message}" for p in problems)
    return NoteRecord(path, "error", reason)


def crash_record(path: str, message: str, status: int | None) -> NoteRecord:
    """The record of a note whose process died while it ran (under pytest-xdist)."""
    return NoteRecord(path, "error", f"{message}: {describe_exit(status)}")


def describe_exit(status: int | None) -> str:
    """
    >>> describe_exit(-11)
    'the process was killed by signal SIGSEGV (Segmentation fault)'
    >>> describe_exit(1)
    'the process ended with exit status 1'
    """
    if status is None:
        return "the process died (its exit status is unknown)"
    if status >= 0:
        return f"the process ended with exit status {status}"
    try:
        name = signal.Signals(-status).name
        text = signal.strsignal(-status)
    except ValueError:
        return f"the process was killed by signal {-status}"
    return f"the process was killed by signal {name} ({text})"


def environment() -> Environment:
    """The versions that decide what notes print.

    torch and numpy give their own versions when a note loaded them, the installed ones
    otherwise (a run where every note was skipped, or an xdist controller): torch's from its
    ``version.py``, which keeps the build's local part (``2.14.1+cu130``) that the
    distribution's metadata drops, so a process that loaded torch and one that did not record
    the same version. Whether CUDA is available is probed only when torch is loaded.
    """
    from importlib.metadata import PackageNotFoundError, version

    torch = sys.modules.get("torch")
    numpy = sys.modules.get("numpy")
    try:
        plugin = version("pytest-torchnotes")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        plugin = "unknown"
    cuda_available = bool(torch is not None and torch.cuda.is_available())
    build = _torch_build() if torch is None else None
    return Environment(
        torch=str(torch.__version__) if torch is not None else build and build[0],
        python=platform.python_version(),
        numpy=str(numpy.__version__) if numpy is not None else _installed("numpy"),
        platform=platform.platform(),
        cuda_available=cuda_available,
        cuda=torch.version.cuda if torch is not None else build and build[1],
        plugin=plugin,
    )


#: The assignments of torch's generated ``version.py``: ``__version__ = '2.14.1+cu130'``.
TORCH_VERSION_LINE = re.compile(
    r"^(?P<name>__version__|cuda)(?:\s*:[^=]*)?\s*=\s*(?:'(?P<single>[^']*)'|\"(?P<double>[^\"]*)\")",
    re.MULTILINE,
)


def _torch_build() -> tuple[str | None, str | None]:
    """The installed torch's version and CUDA version, read without importing torch.

    Falls back to the distribution's version (and no CUDA) when ``version.py`` cannot be
    read, e.g. for a build that does not generate one."""
    from importlib.util import find_spec

    try:
        spec = find_spec("torch")
    except (ImportError, ValueError):
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            text = (Path(folder) / "version.py").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found = {
            match["name"]: match["single"] if match["single"] is not None else match["double"]
            for match in TORCH_VERSION_LINE.finditer(text)
        }
        if "__version__" in found:
            return found["__version__"], found.get("cuda")
    return _installed("torch"), None


def _installed(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None
