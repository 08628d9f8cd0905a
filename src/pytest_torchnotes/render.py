"""Render a :class:`~pytest_torchnotes.report.RunReport`: JSON, Markdown, a terminal summary."""

from __future__ import annotations

import difflib
import json
from collections import Counter
from pathlib import Path

from pytest_torchnotes.report import BlockRecord, NoteRecord, RunReport

#: Report formats by file suffix.
FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown"}

#: Longest diff shown for one block in a Markdown report.
MAX_DIFF_LINES = 40


def report_format(path: Path) -> str:
    """The format a report path asks for; ``ValueError`` for an unknown suffix."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ValueError(
            f"{str(path)!r}: the report format follows the suffix: .json or .md"
        ) from None


def ordered(report: RunReport) -> RunReport:
    """Notes by path and blocks by line: the same content in any run order."""
    notes = [
        NoteRecord(
            note.path,
            note.outcome,
            note.reason,
            sorted(note.blocks, key=lambda block: (block.line, block.kind)),
            note.restored,
        )
        for note in sorted(report.notes, key=lambda note: note.path)
    ]
    return RunReport(report.environment, notes, report.created)


def to_json(report: RunReport) -> str:
    return json.dumps(ordered(report).to_json(), indent=2, ensure_ascii=False) + "\n"


def describe_environment(report: RunReport) -> str:
    env = report.environment
    cuda = f"CUDA {env.cuda}" if env.cuda_available else "no CUDA"
    return f"torch {env.torch}, Python {env.python}, numpy {env.numpy}, {cuda}, {env.platform}"


def _drift_counts(blocks: list[BlockRecord]) -> str:
    kinds = Counter(block.drift or "?" for block in blocks)
    return ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))


def summary_lines(report: RunReport) -> list[str]:
    """The terminal summary: one short section, like pytest's own."""
    blocks = [block for _, block in report.blocks()]
    counts = report.counts()
    verified = counts.get("passed", 0)
    failed = [block for block in blocks if block.outcome == "failed"]
    parts = [f"{verified} verified"]
    if failed:
        parts.append(f"{len(failed)} drifted ({_drift_counts(failed)})")
    parts.extend(
        f"{counts[outcome]} {outcome}" for outcome in ("xfailed", "skipped") if counts.get(outcome)
    )
    errors = [note for note in report.notes if note.outcome == "error"]
    if errors:
        parts.append(f"{len(errors)} note(s) could not run")
    env = report.environment
    lines = [
        f"torch {env.torch}, Python {env.python}: {len(report.notes)} notes, "
        f"{len(blocks)} blocks: " + ", ".join(parts)
    ]
    skipped = Counter(
        block.reason or "" for block in blocks if block.outcome == "skipped"
    ) + Counter(note.reason or "" for note in report.notes if note.outcome == "skipped")
    lines.extend(f"skipped {count}: {reason}" for reason, count in skipped.most_common())
    warnings = Counter(
        f"{note.path}:{warning.line or block.line}: {warning.category}: {warning.message}"
        for note, block in report.blocks()
        for warning in block.warnings
    )
    lines.extend(
        f"warning: {text}" + (f" ({count} times)" if count > 1 else "")
        for text, count in sorted(warnings.items())
    )
    return lines


def to_markdown(report: RunReport) -> str:
    """A readable report, fit to paste in a pull request."""
    report = ordered(report)
    counts = report.counts()
    lines = [
        MARKDOWN_HEADING,
        "",
        describe_environment(report),
        "",
        "| outcome | blocks |",
        "| --- | ---: |",
        *(f"| {outcome} | {count} |" for outcome, count in sorted(counts.items())),
        "",
    ]
    rows = [(note, block) for note, block in report.blocks() if _noteworthy(block)]
    errors = [note for note in report.notes if note.outcome in ("error", "skipped")]
    if rows or errors:
        lines += [
            "| note | line | heading | outcome | drift | reason | warnings |",
            "| --- | ---: | --- | --- | --- | --- | --- |",
        ]
        lines.extend(
            f"| {note.path} | 1 | | {note.outcome} | | {_cell(note.reason)} | |" for note in errors
        )
        for note, block in rows:
            warnings = "; ".join(f"{w.category}: {w.message}" for w in block.warnings)
            lines.append(
                f"| {note.path} | {block.line} | {_cell(block.heading)} | {block.outcome} | "
                f"{block.drift or ''} | {_cell(block.reason)} | {_cell(warnings)} |"
            )
        lines.append("")
    else:
        lines += ["Every block verified, without warnings.", ""]
    for note, block in rows:
        if block.expected is None or block.actual is None or block.outcome == "passed":
            continue
        lines += [
            "<details>",
            f"<summary>{note.path}:{block.line} {_drift_title(block.drift)}</summary>",
            "",
            "```diff",
            *_diff(block.expected, block.actual),
            "```",
            "",
            "</details>",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


def _drift_title(drift: str | None) -> str:
    """``value drift``; ``missing module`` and ``timeout`` read well alone."""
    if drift in (None, "missing module", "timeout"):
        return drift or "changed output"
    return f"{drift} drift"


def _noteworthy(block: BlockRecord) -> bool:
    return block.outcome != "passed" or bool(block.warnings) or block.drift is not None


def _cell(text: str | None) -> str:
    if not text:
        return ""
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _diff(expected: str, actual: str) -> list[str]:
    lines = list(
        difflib.unified_diff(
            expected.strip("\n").split("\n"), actual.strip("\n").split("\n"), lineterm="", n=2
        )
    )[2:]
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"... {len(lines) - MAX_DIFF_LINES} more lines"]
    return [line.replace("```", "`\u200b``") for line in lines]


def write_report(report: RunReport, path: Path) -> None:
    text = to_json(report) if report_format(path) == "json" else to_markdown(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


#: How the first line of a Markdown report reads.
MARKDOWN_HEADING = "## torchnotes report"


def overwrite_problem(path: Path) -> str | None:
    """Why the report must not be written at ``path``, if it must not: a file is there that
    is neither empty nor a report of an earlier run (a note, a README, someone's data).

    Only the first bytes of the file are read.
    """
    import json

    from pytest_torchnotes.report import SCHEMA

    if not path.exists():
        return None
    if not path.is_file():
        return f"{path} exists and is not a file"
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head.strip():
        return None
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if report_format(path) != "json" and text.startswith(MARKDOWN_HEADING):
        return None
    if report_format(path) == "json":
        try:
            schema = json.loads(path.read_text(encoding="utf-8")).get("schema")
        except (ValueError, AttributeError, UnicodeDecodeError):
            schema = None
        if schema == SCHEMA:
            return None
    return (
        f"{path} exists and is not a report of an earlier run; it would be overwritten "
        "(delete it first, or choose another path)"
    )
