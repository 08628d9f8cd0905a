"""The run report (``--torchnotes-report``) of a serial run whose process died.

A segfault, an abort or ``SIGKILL`` ends the session before it writes its report. The
crash watcher (:mod:`pytest_torchnotes.run.watcher`) knows how each note before the one
that was running ended, which note was running and what ended the process; it runs this
module in a process of its own, which writes the report from that: the notes that ended
before with their outcome (the details of their blocks were lost with the process), the
one that was running as ``error`` with the cause, and those never run as ``skipped``.

Run as ``python -c "from pytest_torchnotes.reporting.crashreport import main; main()"``
with a JSON object on standard input: ``report`` (the report's path) and ``notes`` (each
``[path, outcome, reason]``).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pytest_torchnotes.reporting.render import write_report
from pytest_torchnotes.reporting.report import NoteRecord, RunReport
from pytest_torchnotes.reporting.versions import environment


def crash_report(notes: list[list[Any]]) -> RunReport:
    """The report of ``notes`` (``[path, outcome, reason]`` each), made now."""
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    records = [NoteRecord(str(path), str(outcome), reason) for path, outcome, reason in notes]
    return RunReport(environment(), records, created)


def main() -> None:
    data = json.load(sys.stdin)
    write_report(crash_report(data["notes"]), Path(data["report"]))
