"""``torchnotes triage``: sort the failing blocks of an existing corpus by cause.

The notes run twice, as pytest runs them (a ``pytest`` subprocess writing a run report), the
second time with another seed. Every failing block gets a cause and, where the cause is one
a directive states, that directive with its reason: a missing module, a device this machine
lacks, output that changes with the seed, a block that is not Python. A block that fails
because an earlier one did is named as a follow-on; everything else is real drift and is
left failing. With ``write``, the directives go into the notes with the same guarantees as
``--torchnotes-update`` (:func:`pytest_torchnotes.update.writer.update_file`).

The modules: ``running`` (the two runs, the notes' digests), ``classify`` (the findings of a
note), ``causes`` (the cause of one block), ``followon`` (blocks that build on a failing or
skipped one), ``findings`` (the causes and :class:`Finding`), ``edits`` (writing the
directives), ``output`` (the table and the details the command prints).
"""

from __future__ import annotations

from pytest_torchnotes.commands.triage.causes import (
    DEVICE_ERRORS,
    DEVICE_NAMES,
    MISSING,
    SYNTAX,
)
from pytest_torchnotes.commands.triage.classify import classify_note
from pytest_torchnotes.commands.triage.edits import directive_edits, write
from pytest_torchnotes.commands.triage.findings import (
    CANNOT_RUN,
    CAUSES,
    DEVICE,
    DRIFT,
    FOLLOW_ON,
    MISSING_IMPORT,
    MISSING_MODULE,
    NETWORK,
    NOT_PYTHON,
    NOTE_ERROR,
    RAISES,
    RANDOM,
    Finding,
)
from pytest_torchnotes.commands.triage.followon import SKIPPED_BY_REQUIRES, UNDEFINED
from pytest_torchnotes.commands.triage.output import details, table
from pytest_torchnotes.commands.triage.running import SECOND_SEED, TriageError, run_notes, triage
from pytest_torchnotes.comparison.gpuoutput import EXPECTED_DEVICE

__all__ = [
    "CANNOT_RUN",
    "CAUSES",
    "DEVICE",
    "DEVICE_ERRORS",
    "DEVICE_NAMES",
    "DRIFT",
    "EXPECTED_DEVICE",
    "FOLLOW_ON",
    "MISSING",
    "MISSING_IMPORT",
    "MISSING_MODULE",
    "NETWORK",
    "NOTE_ERROR",
    "NOT_PYTHON",
    "RAISES",
    "RANDOM",
    "SECOND_SEED",
    "SKIPPED_BY_REQUIRES",
    "SYNTAX",
    "UNDEFINED",
    "Finding",
    "TriageError",
    "classify_note",
    "details",
    "directive_edits",
    "run_notes",
    "table",
    "triage",
    "write",
]
