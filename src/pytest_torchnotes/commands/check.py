"""``torchnotes check``: find what is wrong in notes without running them."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pytest_torchnotes.comparison.pasted_output import pasted_output_hint
from pytest_torchnotes.comparison.resultlines import result_line_hint
from pytest_torchnotes.markdown.blocks import Problem
from pytest_torchnotes.markdown.cellopts import run_options_by_line
from pytest_torchnotes.markdown.document import NoteDocument
from pytest_torchnotes.markdown.magics import prepare as prepare_magics
from pytest_torchnotes.markdown.otherlanguages import other_language
from pytest_torchnotes.markdown.parsers import NoteFormat
from pytest_torchnotes.markdown.regions import note_parsers
from pytest_torchnotes.notefiles import DEFAULT_PATTERNS, note_files
from pytest_torchnotes.notelines import from_shown, shown
from pytest_torchnotes.run.compiling import compile_block
from pytest_torchnotes.run.errors import describe_error
from pytest_torchnotes.run.exceptions import raises_mismatch
from pytest_torchnotes.words import plural


@dataclass(frozen=True)
class Finding:
    path: str
    #: 1-based, as the command shows it.
    line: int
    message: str
    severity: str

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


def check_note(path: Path, note_format: NoteFormat | None = None) -> list[Finding]:
    """Every problem of one note, syntax errors of its blocks included."""
    display = str(path)
    if not path.exists():
        link = f" (a symlink to {os.readlink(path)})" if path.is_symlink() else ""
        return [Finding(display, 1, f"no such file{link}", "error")]
    document = NoteDocument.parse(str(path), *note_parsers(note_format))
    problems: list[Problem] = list(document.note.problems)
    if document.note.config.skip is None:  # a note skipped as a whole runs no block
        problems.extend(_syntax_problems(document, display))
    problems.sort(key=lambda problem: problem.line_index)
    return [Finding(display, shown(p.line_index), p.message, p.severity) for p in problems]


def _syntax_problems(document: NoteDocument, display: str) -> Iterator[Problem]:
    options = run_options_by_line(document.note)
    for item in document.note.items:
        if (
            options[item.first_line].skip is not None
            or getattr(item, "doctest", False)
            or getattr(item, "refused", None) is not None  # its error is among the problems
        ):
            continue
        prepared = prepare_magics(item.code)
        if prepared is not None and prepared.not_run is not None:
            magic = prepared.not_run
            yield Problem(
                item.code_line + magic.offset,
                f"{item.describe()} is not run: {magic.describe()} {magic.why.split(':')[0]} "
                f"(mark it <!-- torchnotes: skip {magic.describe()} --> to say so)",
                "warning",
            )
            continue
        try:
            code = item.code if prepared is None else prepared.code
            compile_block(code, display, item.code_line, display=False)
        except SyntaxError as error:
            raises = options[item.first_line].raises
            if (
                raises is not None
                and raises_mismatch(raises, describe_error(error, display)) is None
            ):
                continue  # the block is expected to raise this (raises, #| error: true)
            language = other_language(item.code)
            line = from_shown(error.lineno) if error.lineno else item.first_line
            position = line - item.code_line
            code_lines = item.code.split("\n")
            arrow = (
                result_line_hint(code_lines[position], shown(line))
                if 0 <= position < len(code_lines)
                else None
            )
            pasted = pasted_output_hint(item.code, item.code_line) if language is None else None
            yield Problem(
                line,
                f"{item.describe()} is not valid Python: {error.msg} ("
                + (f"{pasted}; or " if pasted is not None else "")
                + (f"{language}; or " if language is not None else "")
                + (f"{arrow}; or " if arrow is not None else "")
                + "mark it <!-- torchnotes: skip why --> if it is not meant to run)",
            )


def check(
    paths: Sequence[str],
    note_format: NoteFormat | None = None,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
) -> list[Finding]:
    """Check every note named by ``paths``."""
    return check_notes(paths, note_format, patterns)[1]


def check_notes(
    paths: Sequence[str],
    note_format: NoteFormat | None = None,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
) -> tuple[int, list[Finding]]:
    """Check every note named by ``paths`` (in folders, the files whose names match
    ``patterns``): how many notes there were, and the findings."""
    findings: list[Finding] = []
    count = 0
    for path in note_files(paths, patterns):
        count += 1
        findings.extend(check_note(path, note_format))
    return count, findings


def summary(notes: int, findings: Sequence[Finding]) -> str:
    """The last line of ``torchnotes check``.

    >>> summary(1, [])
    '1 note checked, no problems'
    >>> summary(3, [Finding("x.md", 1, "bad", "error"), Finding("x.md", 2, "odd", "warning")])
    '3 notes checked: 1 error, 1 warning'
    """
    checked = f"{plural(notes, 'note')} checked"
    if not findings:
        return f"{checked}, no problems"
    errors = sum(1 for finding in findings if finding.severity == "error")
    warnings = len(findings) - errors
    return f"{checked}: {plural(errors, 'error')}, {plural(warnings, 'warning')}"
