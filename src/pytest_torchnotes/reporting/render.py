"""Render a :class:`~.report.RunReport`: JSON, Markdown, a terminal summary."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from pytest_torchnotes.comparison.unified import text_lines, unified_diff
from pytest_torchnotes.quoting import LINE_LIMIT, cut
from pytest_torchnotes.reporting.report import NOT_RUN, BlockRecord, NoteRecord, RunReport
from pytest_torchnotes.words import plural

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
            note.not_run,
        )
        for note in sorted(report.notes, key=lambda note: note.path)
    ]
    return RunReport(report.environment, notes, report.created)


def to_json(report: RunReport) -> str:
    return json.dumps(ordered(report).to_json(), indent=2, ensure_ascii=False) + "\n"


def describe_environment(report: RunReport) -> str:
    env = report.environment
    if not env.cuda:
        cuda = "CPU build"
    elif env.cuda_available is None:
        cuda = f"CUDA {env.cuda} (not probed: no note loaded torch)"
    else:
        cuda = f"CUDA {env.cuda}" + ("" if env.cuda_available else " (no GPU)")
    return f"torch {env.torch}, Python {env.python}, numpy {env.numpy}, {cuda}, {env.platform}"


def _drift_counts(blocks: list[BlockRecord]) -> str:
    kinds = Counter(block.drift or "no drift" for block in blocks)
    return ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))


#: Statuses in the order the summary gives them; a status the summary does not know comes last.
STATUS_ORDER = (
    "verified",
    "ran",
    "not compared",
    "updated",
    "failed",
    "follow-on",
    "xfailed",
    NOT_RUN,
)

#: Note outcomes in the order the summary gives them.
NOTE_ORDER = ("passed", "failed", "skipped", "error")


def block_counts(report: RunReport) -> list[str]:
    """``30 verified``, ``2 failed (1 value, 1 text)``...: blocks by status, the words
    that ``-v``, the run report and ``torchnotes diff`` use."""
    parts = []
    for status, count in _by_status(report):
        part = f"{count} {status}"
        if status == "failed":
            failed = [block for _, block in report.blocks() if block.status == "failed"]
            part += f" ({_drift_counts(failed)})"
        elif status == "verified":
            loose = Counter(block.loosely for _, block in report.blocks() if block.loosely)
            if loose:
                reasons = ", ".join(f"{n} {why}" for why, n in sorted(loose.items()))
                part += f" ({sum(loose.values())} loosely: {reasons})"
        elif status == NOT_RUN:
            part += " (their note could not run)"
        parts.append(part)
    return parts


def note_counts(report: RunReport) -> str:
    """``3 notes (2 passed, 1 failed)``: a note passes when every block that ran passed."""
    outcomes = Counter(note.outcome for note in report.notes)
    parts = [f"{outcomes[outcome]} {outcome}" for outcome in NOTE_ORDER if outcomes[outcome]]
    errors = outcomes["error"]
    if errors:
        parts[-1] = f"{errors} could not run"
    return f"{plural(len(report.notes), 'note')} ({', '.join(parts)})"


def summary_lines(report: RunReport) -> list[str]:
    """The terminal summary: one short section, like pytest's own."""
    blocks = [block for _, block in report.blocks()]
    env = report.environment
    parts = block_counts(report)
    not_run = sum(note.not_run for note in report.notes)
    lines = [
        f"torch {env.torch}, Python {env.python}: {note_counts(report)}, "
        f"{plural(len(blocks) + not_run, 'block')}" + (": " + ", ".join(parts) if parts else "")
    ]
    skipped = Counter(
        block.reason or "" for block in blocks if block.outcome == "skipped"
    ) + Counter(
        note.reason or "" for note in report.notes if note.outcome == "skipped" and not note.blocks
    )
    lines.extend(
        f"skipped {count}: {cut(reason, LINE_LIMIT)}" for reason, count in skipped.most_common()
    )
    warnings = Counter(
        f"{note.path}:{warning.line or block.line}: {warning.category}: {warning.message}"
        for note, block in report.blocks()
        for warning in block.warnings
    )
    lines.extend(
        f"warning: {text}" + (f" ({count} times)" if count > 1 else "")
        for text, count in sorted(warnings.items())
    )
    lines.extend(
        f"note: {note.path}:{where(text)}"
        for note, block in report.blocks()
        for text in block.notes
    )
    return lines


#: A block's note about one of its lines: ``line 5: shell escape !pip not run``.
NOTE_LINE = re.compile(r"line (?P<line>\d+): ")


def where(note: str) -> str:
    """A block's note with its line put as a location: ``5: shell escape !pip not run``.

    >>> where("line 5: shell escape !pip not run")
    '5: shell escape !pip not run'
    """
    match = NOTE_LINE.match(note)
    return f"{match['line']}: {note[match.end() :]}" if match else note


def to_markdown(report: RunReport) -> str:
    """A readable report, fit to paste in a pull request."""
    report = ordered(report)
    lines = [
        MARKDOWN_HEADING,
        "",
        describe_environment(report),
        "",
        note_counts(report),
        "",
        "| blocks | count |",
        "| --- | ---: |",
        *(f"| {status} | {count} |" for status, count in _by_status(report)),
        "",
    ]
    rows = [(note, block) for note, block in report.blocks() if _noteworthy(block)]
    errors = [note for note in report.notes if note.outcome in ("error", "skipped")]
    if rows or errors:
        lines += [
            "| note | line | heading | status | drift | reason | warnings |",
            "| --- | ---: | --- | --- | --- | --- | --- |",
        ]
        lines.extend(
            f"| {note.path} | 1 | | {note.outcome} | | {_cell(note.reason)} | |" for note in errors
        )
        for note, block in rows:
            warnings = "; ".join(
                [*(f"{w.category}: {w.message}" for w in block.warnings), *block.notes]
            )
            lines.append(
                f"| {note.path} | {block.line} | {_cell(block.heading)} | {block.status} | "
                f"{block.drift or ''} | {_cell(block.reason)} | {_cell(warnings)} |"
            )
        lines.append("")
    else:
        lines += ["No block failed, was skipped or raised a warning.", ""]
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
    return (
        block.outcome != "passed"
        or bool(block.warnings)
        or bool(block.notes)
        or block.drift is not None
    )


def _by_status(report: RunReport) -> list[tuple[str, int]]:
    counts = report.counts()
    order = [*STATUS_ORDER, "skipped", *sorted(set(counts) - {*STATUS_ORDER, "skipped"})]
    return [(status, counts[status]) for status in order if counts.get(status)]


def _cell(text: str | None) -> str:
    if not text:
        return ""
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _diff(expected: str, actual: str) -> list[str]:
    lines = unified_diff(text_lines(expected), text_lines(actual), context=2, limit=MAX_DIFF_LINES)
    return [line.replace("```", "`\u200b``") for line in lines]


def write_report(report: RunReport, path: Path) -> None:
    text = to_json(report) if report_format(path) == "json" else to_markdown(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a note's name that is not UTF-8 (bytes kept as lone surrogates) is written escaped,
    # as JSON escapes it: ``bad\udcff.md``
    path.write_text(text, encoding="utf-8", errors="backslashreplace")


#: How the first line of a Markdown report reads.
MARKDOWN_HEADING = "## torchnotes report"


def overwrite_problem(path: Path) -> str | None:
    """Why the report must not be written at ``path``, if it must not: a file is there that
    is neither empty nor a report of an earlier run (a note, a README, someone's data).

    Only the first bytes of the file are read.
    """
    import json

    from pytest_torchnotes.reporting.report import SCHEMA

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
