"""``torchnotes diff OLD.json NEW.json``: what changed between two runs.

Typically one run per torch version: the blocks whose outcome or output changed, warnings
that appeared or went away, blocks that came or went. A change for the worse (a block that
passed and now fails, a note that now cannot run or that passed and is gone) is a regression.
Outputs are compared by the rules the run compared them by (recorded with each block), so what
the comparison does not count as a difference is no change here either.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.normalize import parse_sanitizer
from pytest_torchnotes.comparison.unified import text_lines, unified_diff
from pytest_torchnotes.reporting.report import (
    READABLE_VERSIONS,
    SCHEMA,
    BlockRecord,
    NoteRecord,
    RunReport,
)
from pytest_torchnotes.reporting.validate import problem

#: How many lines of a changed output the diff shows.
MAX_DIFF_LINES = 20

#: Outcomes from best to worst: a move to the right is a regression.
RANK = {"passed": 0, "xfailed": 0, "skipped": 1, "failed": 2, "error": 3}


@dataclass
class Change:
    """One block (or note) that differs between the two runs."""

    path: str
    line: int
    heading: str | None
    what: str
    regression: bool
    details: list[str] = field(default_factory=list)

    def where(self) -> str:
        heading = f" [{self.heading}]" if self.heading else ""
        return f"{self.path}:{self.line}{heading}"


def load(path: Path) -> RunReport:
    """Read a report; ``ValueError`` naming the file and the field when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        raise ValueError(f"{path}: cannot read a report: {error}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a pytest-torchnotes report")
    if data.get("version") not in READABLE_VERSIONS:
        version = data.get("version")
        readable = " and ".join(str(number) for number in READABLE_VERSIONS)
        raise ValueError(
            f"{path}: version: report version {version!r}; this tool reads versions {readable}"
        )
    found = problem(data)
    if found is not None:
        raise ValueError(f"{path}: {found}")
    for index, note in enumerate(data["notes"]):
        for number, block in enumerate(note["blocks"]):
            rules = block.get("compare")
            try:
                _comparator(_rules_key(rules))
            except ValueError as error:
                where = f"notes[{index}].blocks[{number}].compare"
                raise ValueError(f"{path}: {where}: {error}") from None
    return RunReport.from_json(data)


def compare(old: RunReport, new: RunReport) -> list[Change]:
    """Every change between two runs, note by note, in order."""
    changes: list[Change] = []
    old_notes = {note.path: note for note in old.notes}
    new_notes = {note.path: note for note in new.notes}
    for path in sorted(old_notes.keys() | new_notes.keys()):
        before, after = old_notes.get(path), new_notes.get(path)
        if before is None:
            changes.append(
                Change(
                    path,
                    1,
                    None,
                    "new note",
                    after is not None and after.outcome in ("failed", "error"),
                )
            )
        elif after is None:
            changes.append(Change(path, 1, None, "note gone", before.outcome == "passed"))
        else:
            changes.extend(_note_changes(before, after))
    return changes


def _note_changes(before: NoteRecord, after: NoteRecord) -> list[Change]:
    if before.outcome != after.outcome and "error" in (before.outcome, after.outcome):
        regression = RANK[after.outcome] > RANK[before.outcome]
        reason = [after.reason] if after.reason else []
        return [
            Change(
                after.path, 1, None, f"note {before.outcome} -> {after.outcome}", regression, reason
            )
        ]
    changes = []
    old_blocks = {block.key: block for block in before.blocks}
    new_blocks = {block.key: block for block in after.blocks}
    for key, block in new_blocks.items():
        previous = old_blocks.get(key)
        if previous is None:
            changes.append(
                Change(
                    after.path, block.line, block.heading, "new block", block.outcome == "failed"
                )
            )
            continue
        change = _block_change(after.path, previous, block)
        if change is not None:
            changes.append(change)
    changes.extend(
        Change(after.path, block.line, block.heading, "block gone", False)
        for key, block in old_blocks.items()
        if key not in new_blocks
    )
    return sorted(changes, key=lambda change: change.line)


def _block_change(path: str, before: BlockRecord, after: BlockRecord) -> Change | None:
    parts: list[str] = []
    details: list[str] = []
    if before.status != after.status:
        drift = f" ({after.drift} drift)" if after.outcome == "failed" and after.drift else ""
        parts.append(f"{before.status} -> {after.status}{drift}")
        if after.reason and after.outcome in ("failed", "skipped"):
            details.append(after.reason)
    elif before.drift != after.drift:
        parts.append(f"drift {before.drift or 'none'} -> {after.drift or 'none'}")
    if _output_changed(before, after):
        parts.append("output changed")
        details.extend(_output_diff(before, after))
    old_warnings = {f"{w.category}: {w.message}" for w in before.warnings}
    new_warnings = {f"{w.category}: {w.message}" for w in after.warnings}
    details.extend(f"new warning: {text}" for text in sorted(new_warnings - old_warnings))
    details.extend(f"warning gone: {text}" for text in sorted(old_warnings - new_warnings))
    if new_warnings != old_warnings:
        parts.append("warnings changed")
    if not parts:
        return None
    regression = RANK[after.outcome] > RANK[before.outcome]
    return Change(path, after.line, after.heading, ", ".join(parts), regression, details)


RulesKey = tuple[str, float, float, tuple[str, ...]] | None


def _rules_key(rules: dict[str, Any] | None) -> RulesKey:
    if rules is None:
        return None
    return (rules["mode"], rules["rtol"], rules["atol"], tuple(rules["sanitize"]))


@functools.cache
def _comparator(key: RulesKey) -> Comparator | None:
    """The comparison a block's output went through; ``ValueError`` if it cannot be rebuilt."""
    if key is None:
        return None
    mode, rtol, atol, sanitize = key
    options = CompareOptions(mode, float(rtol), float(atol))
    return Comparator(options, [parse_sanitizer(line) for line in sanitize])


def _output_changed(before: BlockRecord, after: BlockRecord) -> bool:
    """Whether the output changed as the comparison sees it: a masked address, sanitized
    text, a ``compare ignore`` block, what an ellipsis stands for and digits beyond the
    precision printed are no change."""
    if before.output_digest == after.output_digest:
        return False
    comparator = _comparator(_rules_key(after.compare or before.compare))
    if before.actual is None or after.actual is None or comparator is None:
        return True
    expected = after.expected
    if (
        expected is not None
        and expected == before.expected
        and comparator.compare(expected, before.actual).matched
        and comparator.compare(expected, after.actual).matched
    ):
        return False  # both match what the note says: the note cannot tell them apart
    return not comparator.compare(before.actual, after.actual).matched


def _output_diff(before: BlockRecord, after: BlockRecord) -> list[str]:
    old, new = before.actual, after.actual
    if old is None or new is None:
        return []
    return unified_diff(text_lines(old), text_lines(new), context=1, limit=MAX_DIFF_LINES)


def render_text(old: RunReport, new: RunReport, changes: list[Change]) -> str:
    lines = [f"torchnotes diff: torch {old.environment.torch} -> {new.environment.torch}"]
    if old.environment.python != new.environment.python:
        lines[0] += f", Python {old.environment.python} -> {new.environment.python}"
    for change in changes:
        marker = "!" if change.regression else " "
        lines.append(f"{marker} {change.where()}: {change.what}")
        lines.extend(f"      {detail}" for detail in change.details)
    regressions = sum(1 for change in changes if change.regression)
    lines.append(f"{len(changes)} changed, {regressions} regressed")
    return "\n".join(lines) + "\n"


def render_markdown(old: RunReport, new: RunReport, changes: list[Change]) -> str:
    regressions = sum(1 for change in changes if change.regression)
    lines = [
        f"## torchnotes: torch {old.environment.torch} → {new.environment.torch}",
        "",
        f"{len(changes)} changed, {regressions} regressed.",
        "",
    ]
    if changes:
        lines += ["| | block | change |", "| --- | --- | --- |"]
        lines.extend(
            f"| {'⚠️' if change.regression else ''} | {change.where()} | {change.what} |"
            for change in changes
        )
    for change in changes:
        if change.details:
            lines += [
                "",
                "<details>",
                f"<summary>{change.where()}: {change.what}</summary>",
                "",
                "```diff"
                if any(detail.startswith("@@") for detail in change.details)
                else "```text",
                *(detail.replace("```", "`\u200b``") for detail in change.details),
                "```",
                "",
                "</details>",
            ]
    return "\n".join(lines) + "\n"
