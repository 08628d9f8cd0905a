"""Running the notes as pytest runs them: a ``pytest`` subprocess writing a run report, the
second time with another seed, and the digest of each note as read before the run."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_torchnotes.commands.triage.classify import classify_note
from pytest_torchnotes.commands.triage.findings import Finding
from pytest_torchnotes.notefiles import UnreadableNote, note_files, read_note
from pytest_torchnotes.reporting.report import RunReport
from pytest_torchnotes.update.rewrite import digest

if TYPE_CHECKING:
    from pytest_torchnotes.settings import Settings

#: The seed of the second run (the first uses the project's own settings).
SECOND_SEED = 7919


class TriageError(RuntimeError):
    """The notes could not be run at all; the message says why."""


def run_notes(paths: Sequence[str], report: Path, seed: int | None = None) -> RunReport:
    """Run pytest on ``paths`` as the project configures it, collecting every note there,
    and read the run report it writes."""
    import json

    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--torchnotes"]
    # Notes only: the project's test modules are not what triage is about.
    command += [f"--torchnotes-report={report}", "-o", "torchnotes_update=false"]
    command += ["-o", "python_files="]
    if seed is not None:
        command.append(f"--torchnotes-seed={seed}")
    completed = subprocess.run(
        [*command, "--", *paths], capture_output=True, text=True, check=False
    )
    if completed.returncode not in (0, 1, 5) or not report.exists():
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-15:])
        raise TriageError(f"pytest could not run the notes (exit {completed.returncode}):\n{tail}")
    return RunReport.from_json(json.loads(report.read_text(encoding="utf-8")))


def triage(paths: Sequence[str]) -> tuple[list[Finding], dict[str, str]]:
    """Run the notes and sort every failing block by cause; also return the digest of each
    note as read before the run, so that ``write`` refuses notes changed since."""
    settings = _project_settings(paths)
    digests = note_digests(paths, settings.patterns)
    with tempfile.TemporaryDirectory(prefix="torchnotes-triage-") as folder:
        first = run_notes(paths, Path(folder) / "first.json")
        varying = [
            note.path
            for note in first.notes
            if any(b.outcome == "failed" and b.drift in ("value", "text") for b in note.blocks)
        ]
        second = run_notes(varying, Path(folder) / "second.json", SECOND_SEED) if varying else None
    again = {note.path: note for note in second.notes} if second is not None else {}
    findings: list[Finding] = []
    for note in first.notes:
        findings.extend(classify_note(note, again.get(note.path), settings.note_format))
    return findings, digests


def _project_settings(paths: Sequence[str]) -> Settings:
    """The settings of the configuration file the pytest run finds (it runs where the
    command runs, on the same paths): the notes are read as that run reads them."""
    from pytest_torchnotes.commands.project import project_settings
    from pytest_torchnotes.settings import SettingsError

    try:
        return project_settings(paths)
    except SettingsError as error:
        raise TriageError(str(error)) from None


def note_digests(paths: Sequence[str], patterns: Sequence[str] | None = None) -> dict[str, str]:
    """The digest of every note in ``paths`` (files given by name, and in the folders given
    the files that match the project's ``torchnotes_patterns``, or ``patterns``), so that a
    note changed during the run is not written."""
    if patterns is None:
        patterns = _project_settings(paths).patterns
    digests: dict[str, str] = {}
    for file in note_files(paths, patterns):
        data = _note_bytes(file)
        if data is not None:  # else the run reports it as a note that cannot be read
            digests[os.path.realpath(file)] = digest(data)
    return digests


def _note_bytes(file: Path) -> bytes | None:
    try:
        return read_note(file)
    except UnreadableNote:
        return None
