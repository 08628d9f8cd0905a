"""The record of a note: what happened to each of its blocks, from its results.

A record keeps lines as they are shown (1-based), output cut at :data:`MAX_OUTPUT`
characters, and warnings without what differs between builds of torch; a note that could
not run, or whose process died, has a record too.
"""

from __future__ import annotations

import hashlib
import re
import signal
from typing import Any

from pytest_torchnotes.comparison.compare import Comparator
from pytest_torchnotes.comparison.normalize import Sanitizer
from pytest_torchnotes.markdown.blocks import Block, Problem
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.reporting.blocktext import loosely
from pytest_torchnotes.reporting.report import BlockRecord, NoteRecord, WarningRecord
from pytest_torchnotes.run.results import BlockResult, NoteResult
from pytest_torchnotes.words import plural

#: Longest output kept in a report, per block.
MAX_OUTPUT = 10_000


def output_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()[:16]


def _raised_line(block: BlockResult) -> int | None:
    """The note's line a block that failed raised on (triage reads its comment)."""
    error = block.error if block.outcome == "failed" else None
    return None if error is None or error.line_index is None else shown(error.line_index)


def note_record(result: NoteResult) -> NoteRecord:
    """The record of a note that ran (or was skipped as a whole)."""
    if result.skipped is not None:
        return NoteRecord(result.path, "skipped", result.skipped)
    blocks = []
    for block in result.blocks:
        item = block.item
        blocks.append(
            BlockRecord(
                kind="block" if isinstance(item, Block) else "setup",
                index=item.index if isinstance(item, Block) else 0,
                line=shown(item.first_line),
                heading=item.heading,
                outcome=block.outcome,
                drift=block.drift,
                reason=block.reason or block.summary or None,
                expected=_cut(block.expected),
                actual=_cut(block.actual) if block.outcome != "skipped" else None,
                output_digest=output_digest(block.actual),
                warnings=[
                    WarningRecord(
                        warning.category,
                        _plain(warning.message),
                        None if warning.note_line_index is None else shown(warning.note_line_index),
                    )
                    for warning in block.warnings
                ],
                duration=round(block.duration, 6),
                compare=_compare_record(block.comparator),
                status=block.status,
                notes=list(block.notes),
                raised_line=_raised_line(block),
                loosely=loosely(block),
            )
        )
    if result.all_skipped is not None:
        return NoteRecord(result.path, "skipped", result.all_skipped, blocks, list(result.restored))
    outcome = "failed" if result.failures else "passed"
    return NoteRecord(result.path, outcome, None, blocks, list(result.restored))


def _compare_record(comparator: Comparator | None) -> dict[str, Any] | None:
    if comparator is None:
        return None
    options = comparator.options
    sanitize = [
        f"{step.pattern.pattern} => {step.replacement}"
        for step in comparator.sanitizers
        if isinstance(step, Sanitizer)
    ]
    return {"mode": options.mode, "rtol": options.rtol, "atol": options.atol, "sanitize": sanitize}


#: Where in torch's C++ sources a warning came from: differs between builds, says nothing
#: to the reader of a note.
TRIGGERED_INTERNALLY = re.compile(r"\s*\(Triggered internally at [^()]*\.\)\s*$")


def _plain(message: str) -> str:
    """
    >>> _plain("bad (Triggered internally at /src/aten/Reduce.cpp:12.)")
    'bad'
    """
    return TRIGGERED_INTERNALLY.sub("", message)


def _cut(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_OUTPUT:
        return text
    return text[:MAX_OUTPUT] + f"\n... {plural(len(text) - MAX_OUTPUT, 'more character')}"


def error_record(path: str, problems: list[Problem], blocks: int = 0) -> NoteRecord:
    """The record of a note that could not run, whose ``blocks`` blocks did not run."""
    reason = "; ".join(f"line {shown(p.line_index)}: {p.message}" for p in problems)
    return NoteRecord(path, "error", reason, not_run=blocks)


def crash_record(path: str, message: str, status: int | None) -> NoteRecord:
    """The record of a note whose process died while it ran (under pytest-xdist)."""
    return NoteRecord(path, "error", f"{message}: {describe_exit(status)}")


def describe_exit(status: int | None) -> str:
    """
    >>> describe_exit(-11)
    'the process was killed by signal SIGSEGV (Segmentation fault)'
    >>> describe_exit(1)
    'the process ended with exit status 1'
    """
    if status is None:
        return "the process died (its exit status is unknown)"
    if status >= 0:
        return f"the process ended with exit status {status}"
    try:
        name = signal.Signals(-status).name
        text = signal.strsignal(-status)
    except ValueError:
        return f"the process was killed by signal {-status}"
    return f"the process was killed by signal {name} ({text})"
