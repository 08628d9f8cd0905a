"""What ``torchnotes triage`` prints: the findings by cause, then one line per finding."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.commands.triage.findings import CAUSES, Finding, safe
from pytest_torchnotes.comparison.pasted_output import MARKER_LINE


def table(findings: Sequence[Finding]) -> list[str]:
    """The findings by cause: how many, and where."""
    rows = []
    for cause in CAUSES:
        found = [finding for finding in findings if finding.cause == cause]
        if found:
            where = ", ".join(f"{finding.path}:{finding.line}" for finding in found)
            rows.append((cause, str(len(found)), where))
    if not rows:
        return []
    header = ("cause", "blocks", "note:line")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(2)]
    return [
        f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]}".rstrip()
        for row in [header, *rows]
    ]


def details(findings: Sequence[Finding]) -> list[str]:
    """One line per finding: where, the cause, the directive or what was seen."""
    lines = []
    for finding in findings:
        if finding.conflict is not None:
            what = f"{finding.detail}; not proposed: {finding.conflict}"
        elif finding.directive is not None:
            what = safe(finding.comment)
            if finding.setup:
                what += f" (and a setup comment above it: {'; '.join(finding.setup)})"
            if finding.instead is not None:
                what += f"; or, {finding.instead}"
        elif finding.marker_above is not None:
            what = (
                f"{finding.detail}: put the output marker {MARKER_LINE} on a line of its own "
                f"above line {finding.marker_above}, to compare it as the block's output"
            )
        elif finding.setup:
            what = f"{finding.detail}: a setup comment above it: {'; '.join(finding.setup)}"
        else:
            what = finding.detail
        lines.append(f"{finding.path}:{finding.line}: {finding.cause}: {what}")
    return lines
