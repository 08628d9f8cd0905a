"""``torchnotes diff OLD.json NEW.json``: what changed between two runs.

Typically one run per torch version: the blocks whose outcome or output changed, warnings
that appeared or went away, blocks that came or went. A change for the worse (a block that
passed and now fails, a note that now cannot run) is a regression.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pytest_torchnotes.report import BlockRecord, NoteRecord, RunReport

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
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: cannot read a report: {error}") from None
    try:
        return RunReport.from_json(data)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path}: {error}") from None


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
            changes.append(Change(path, 1, None, "note gone", False))
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
    if before.output_digest != after.output_digest:
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


def _output_diff(before: BlockRecord, after: BlockRecord) -> list[str]:
    old, new = before.actual, after.actual
    if old is None or new is None:
        return []
    lines = list(
        difflib.unified_diff(
            old.strip("\n").split("\n"), new.strip("\n").split("\n"), lineterm="", n=1
        )
    )[2:]
    return lines[:20]


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
