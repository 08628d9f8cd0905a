"""A :class:`~pytest_torchnotes.reporting.history.History` as one self-contained HTML page.

A grid of blocks x torch versions, each cell coloured by the block's outcome; a cell where a
change first appears links to that change, shown further down the same page with its diff.
No script, no stylesheet or font from elsewhere: the page can be mailed or uploaded as is.
"""

from __future__ import annotations

from html import escape

from pytest_torchnotes.reporting.diff import Change
from pytest_torchnotes.reporting.history import ABSENT, History, Row
from pytest_torchnotes.reporting.history_render import environment, headline

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #f4f4f4; }
thead small, th small { display: block; color: #666; font-weight: normal; }
.passed, .xfailed { background: #dff5dd; }
.skipped { background: #eeeeee; }
.failed { background: #fbdcdc; }
.error { background: #f2a7a7; }
.absent { background: #ffffff; color: #999; }
td.changed { font-weight: bold; outline: 2px solid #555; outline-offset: -2px; }
td.regression { outline-color: #b00020; }
.legend span { display: inline-block; padding: 2px 8px; margin-right: 4px; }
pre { background: #f8f8f8; padding: 8px; overflow-x: auto; }
pre .add { color: #116611; }
pre .remove { color: #b00020; }
pre .hunk { color: #666; }
th small.worse { color: #b00020; }
section.change { border-top: 1px solid #ddd; margin-top: 1em; }
"""

#: Under a block that is worse on the newest version than on the oldest.
WORSE = "⚠ worse than on the oldest"

OUTCOMES = ("passed", "xfailed", "skipped", "failed", "error", ABSENT)


def change_id(row_index: int, column: int) -> str:
    """The anchor of a change: ``change-ROW-COLUMN``, both counted from 1 and 0."""
    return f"change-{row_index + 1}-{column}"


def render_html(history: History) -> str:
    first, last = history.labels[0], history.labels[-1]
    title = f"torchnotes history: torch {first} → {last}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="summary">{escape(headline(history))}.</p>',
        _legend(),
        _grid(history),
        '<section id="changes">',
        "<h2>Changes</h2>",
    ]
    for row_index, row in enumerate(history.rows):
        for column, change in enumerate(row.changes):
            if change is not None:
                parts.append(_change(row, change, history.labels[column], row_index, column))
    if not history.rows:
        parts.append("<p>No block changed.</p>")
    parts += ["</section>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _legend() -> str:
    spans = "".join(f'<span class="{outcome}">{outcome}</span>' for outcome in OUTCOMES)
    return f'<p class="legend">{spans} Outlined: the version where a change first appears.</p>'


def _grid(history: History) -> str:
    header = "".join(
        f"<th>{escape(run.torch)}<small>{escape(environment(run))}</small></th>"
        for run in history.runs
    )
    rows = []
    for row_index, row in enumerate(history.rows):
        heading = f"<small>{escape(row.heading)}</small>" if row.heading else ""
        worse = f'<small class="worse">{WORSE}</small>' if row.regressed else ""
        cells = "".join(
            _cell(row, row_index, column, state) for column, state in enumerate(row.states)
        )
        label = f"{escape(row.where())}{heading}{worse}"
        rows.append(f'<tr><th scope="row">{label}</th>{cells}</tr>')
    return (
        '<table class="grid">'
        f"<thead><tr><th>block</th>{header}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody>"
        "</table>"
    )


def _cell(row: Row, row_index: int, column: int, state: str) -> str:
    change = row.changes[column]
    text = "–" if state == ABSENT else escape(state)
    if change is None:
        return f'<td class="{escape(state)}">{text}</td>'
    classes = f"{escape(state)} changed" + (" regression" if change.regression else "")
    link = f'<a href="#{change_id(row_index, column)}" title="{escape(change.what)}">{text}</a>'
    return f'<td class="{classes}">{link}</td>'


def _change(row: Row, change: Change, label: str, row_index: int, column: int) -> str:
    heading = f" {row.heading}" if row.heading else ""
    worse = " (regression)" if change.regression else ""
    lines = "\n".join(_detail(detail) for detail in change.details)
    details = f"<pre>{lines}</pre>" if change.details else ""
    return (
        f'<section class="change" id="{change_id(row_index, column)}">'
        f"<h3>{escape(row.where() + heading)} — torch {escape(label)}</h3>"
        f"<p>{escape(change.what + worse)}</p>{details}</section>"
    )


def _detail(line: str) -> str:
    kind = {"+": "add", "-": "remove", "@": "hunk"}.get(line[:1])
    if kind is None:
        return escape(line)
    return f'<span class="{kind}">{escape(line)}</span>'
