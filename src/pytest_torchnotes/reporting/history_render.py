"""Render a :class:`~pytest_torchnotes.reporting.history.History`: a terminal table and Markdown.

The HTML page is in :mod:`pytest_torchnotes.reporting.history_html`.
"""

from __future__ import annotations

from pytest_torchnotes.reporting.history import ABSENT, History, Row, Run

#: Marks in the terminal table: the change first appears here, and it is for the worse.
CHANGED, REGRESSED = "*", "!"


def environment(run: Run) -> str:
    """What else decides what a note prints: ``Python 3.11.7, numpy 1.26.4, CUDA 12.4, GPU``."""
    env = run.report.environment
    if not env.cuda:
        device = "CPU build"
    else:
        found = {True: "GPU", False: "no GPU", None: "GPU not probed"}
        device = f"CUDA {env.cuda}, {found[env.cuda_available]}"
    return f"Python {env.python}, numpy {env.numpy or '-'}, {device}"


def headline(history: History) -> str:
    """``3 blocks changed across 4 torch versions; 2.1.2 -> 2.14.1: 1 regressed``."""
    first, last = history.labels[0], history.labels[-1]
    notes = sum(1 for row in history.rows if row.note)
    blocks = len(history.rows) - notes
    changed = _count(blocks, "block")
    if notes:
        changed = (f"{changed} and " if blocks else "") + _count(notes, "note")
    return (
        f"{changed} changed across {len(history.runs)} torch versions; "
        f"{first} -> {last}: {len(history.regressions)} regressed"
    )


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'s' if number != 1 else ''}"


def _mark(row: Row, column: int) -> str:
    change = row.changes[column]
    if change is None:
        return ""
    return CHANGED + (REGRESSED if change.regression else "")


def _state(state: str) -> str:
    return "-" if state == ABSENT else state


def render_text(history: History) -> str:
    """A table of blocks x versions, then each change under the version it appeared in."""
    lines = ["torchnotes history: torch " + ", ".join(history.labels)]
    lines.extend(f"  {run.torch}: {environment(run)}; {run.file}" for run in history.runs)
    if history.rows:
        table = [["block", *history.labels]]
        table.extend(
            [
                row.where() + (f" {REGRESSED}" if row.regressed else ""),
                *(_state(state) + _mark(row, column) for column, state in enumerate(row.states)),
            ]
            for row in history.rows
        )
        widths = [max(len(cells[column]) for cells in table) for column in range(len(table[0]))]
        lines.append("")
        lines.extend(
            "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
            for cells in table
        )
        lines.append(
            f"{CHANGED} changed in this version, {REGRESSED} for the worse; - not in that run"
        )
        lines.append("")
    for row in history.rows:
        heading = f" [{row.heading}]" if row.heading else ""
        lines.append(f"{row.where()}{heading}")
        for label, change in zip(history.labels, row.changes, strict=True):
            if change is None:
                continue
            lines.append(
                f"  {label}: {change.what}" + (" (regression)" if change.regression else "")
            )
            lines.extend(f"      {detail}" for detail in change.details)
    lines.append(headline(history))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text in a table cell or heading, where ``|`` ends a cell and ``<`` opens a tag."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def render_markdown(history: History) -> str:
    """A table for a pull request, a job summary or a docs page, with each change below it."""
    first, last = history.labels[0], history.labels[-1]
    lines = [f"## torchnotes history: torch {first} → {last}", "", headline(history) + ".", ""]
    lines += [
        "| block | " + " | ".join(history.labels) + " |",
        "| --- |" + " --- |" * len(history.runs),
        "| *environment* | " + " | ".join(environment(run) for run in history.runs) + " |",
    ]
    for row in history.rows:
        cells = []
        for column, state in enumerate(row.states):
            change = row.changes[column]
            text = "–" if state == ABSENT else state
            if change is not None:
                text = f"**{text}**" + (" ⚠️" if change.regression else "")
            cells.append(text)
        where = _cell(row.where()) + (" ⚠️" if row.regressed else "")
        lines.append(f"| {where} | " + " | ".join(cells) + " |")
    lines += ["", "Bold: the version where a change first appears; ⚠️: a change for the worse."]
    for row in history.rows:
        heading = f" {row.heading}" if row.heading else ""
        lines += ["", f"### {_cell(row.where() + heading)}", ""]
        for label, change in zip(history.labels, row.changes, strict=True):
            if change is None:
                continue
            warning = " ⚠️" if change.regression else ""
            lines.append(f"- **{label}**: {change.what}{warning}")
            if change.details:
                fence = "diff" if any(d.startswith("@@") for d in change.details) else "text"
                lines += [
                    "",
                    f"  ```{fence}",
                    *(f"  {detail}".replace("```", "`\u200b``") for detail in change.details),
                    "  ```",
                    "",
                ]
    return "\n".join(lines).rstrip("\n") + "\n"
