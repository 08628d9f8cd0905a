"""The findings of one note: each failing block's cause (:mod:`.causes`) or the block it
follows on from (:mod:`.followon`), checked against the directives already on the block."""

from __future__ import annotations

import itertools
import re

from pytest_torchnotes.commands.triage.causes import classify
from pytest_torchnotes.commands.triage.findings import (
    MISSING_IMPORT,
    NOTE_ERROR,
    RANDOM,
    Finding,
)
from pytest_torchnotes.commands.triage.followon import (
    SETS_DEFAULT_DEVICE,
    device_follow_on,
    file_follow_on,
    follow_on,
    keep_what_later_blocks_use,
    lose,
    not_run_follow_on,
    skipped_by_requires,
)
from pytest_torchnotes.commands.triage.pasted import pasted_finding
from pytest_torchnotes.commands.triage.printed import printed_finding
from pytest_torchnotes.markdown.blocks import Block, NotRun
from pytest_torchnotes.markdown.cellopts import run_options_by_line
from pytest_torchnotes.markdown.document import NoteReadError, decode_note
from pytest_torchnotes.markdown.inforce import Options
from pytest_torchnotes.markdown.parsers import NoteFormat, NoteParser
from pytest_torchnotes.notefiles import read_note
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.reporting.report import BlockRecord, NoteRecord


def classify_note(
    note: NoteRecord, second: NoteRecord | None, note_format: NoteFormat | None = None
) -> list[Finding]:
    """The findings of one note, from its first run and its run with another seed; the note
    is read with ``note_format``, the project's settings the run used (the defaults when
    not given), so that its blocks are those pytest ran."""
    if note.outcome == "error":
        line = re.match(r"line (\d+)", note.reason or "")
        return [
            Finding(note.path, int(line.group(1)) if line else 1, NOTE_ERROR, note.reason or "")
        ]
    if note.outcome != "failed":
        return []
    blocks, options, lines, not_run = _parsed_blocks(note.path, note_format)
    records = {record.line: record for record in note.blocks if record.kind == "block"}
    order = sorted(blocks)
    before = {
        line: (blocks[earlier], records.get(earlier)) for earlier, line in itertools.pairwise(order)
    }
    other = {record.key: record for record in second.blocks} if second is not None else {}
    findings: list[Finding] = []
    #: Names defined by earlier blocks that did not run to their end, with the finding.
    lost: dict[str, tuple[BlockRecord, Finding | None]] = {}
    #: The imports a setup comment proposed above an earlier block makes, by that block.
    imported: dict[str, int] = {}
    setter: BlockRecord | None = None  # the last block that set torch's default device
    for record in note.blocks:
        block = blocks.get(record.line)
        if block is not None and SETS_DEFAULT_DEVICE.search(block.code):
            setter = record
        if record.outcome == "skipped" and block is not None:
            skipped = skipped_by_requires(note.path, record)
            lose(lost, block.code, (record, skipped))
        if record.outcome == "passed" and block is not None and options[record.line].raises:
            # it raised, as its raises directive or #| error: true expects: not to its end
            lose(lost, block.code, (record, None))
        if record.outcome != "failed":
            continue
        if record.kind != "block":
            findings.append(_setup_finding(note.path, record))
            continue
        finding = (
            printed_finding(
                note.path,
                record,
                block,
                before.get(record.line),
                lines,
                note_format or NoteFormat(),
            )
            or pasted_finding(note.path, record, block)
            or follow_on(note.path, record, lost)
            or device_follow_on(note.path, record, setter if setter is not record else None)
            or not_run_follow_on(note.path, record, not_run)
            or file_follow_on(note.path, record)
            or classify(note.path, record, other.get(record.key), block)
        )
        finding = _imported_once(finding, imported)
        if block is not None:
            finding = _with_conflict(finding, options[record.line])
            if finding.cause != RANDOM and record.drift not in ("value", "text"):
                lose(lost, block.code, (record, finding))
        findings.append(finding)
    ordered = [blocks[record.line] for record in note.blocks if record.line in blocks]
    return keep_what_later_blocks_use(note.path, ordered, findings, options)


def _imported_once(finding: Finding, imported: dict[str, int]) -> Finding:
    """A missing import is proposed once, in a setup comment above the first block that
    needs it: it runs before every later block."""
    if finding.cause != MISSING_IMPORT:
        return finding
    statement = finding.setup[0]
    if statement not in imported:
        imported[statement] = finding.line
        return finding
    detail = f"{finding.detail}: the setup comment above line {imported[statement]} imports it"
    return Finding(finding.path, finding.line, finding.cause, detail)


def _setup_finding(path: str, record: BlockRecord) -> Finding:
    """Setup code that fails: its cause, named; a directive before it would apply to the
    next block, so none is written."""
    finding = classify(path, record, None)
    if finding.directive is None:
        return finding
    spec = finding.directive.split(";")[0].strip()
    region = spec.replace("requires", "requires start", 1)
    return Finding(
        path,
        record.line,
        finding.cause,
        f"setup code: {finding.detail}",
        finding.directive,
        f"a directive applies to the next block, not to setup code: put the setup and the "
        f"blocks that need it between <!-- torchnotes: {region} --> "
        "and <!-- torchnotes: requires end -->"
        if spec.startswith("requires")
        else "a directive applies to the next block, not to setup code",
    )


def _parsed_blocks(
    path: str, note_format: NoteFormat | None
) -> tuple[dict[int, Block], dict[int, Options], list[str], list[NotRun]]:
    """The note's blocks and what their directives say, by the 1-based line of their
    opening fence, as the run report names them; the note's lines; its Python blocks that
    are not run."""
    try:
        text = decode_note(read_note(path)).text
    except (OSError, NoteReadError):
        return {}, {}, [], []
    note = NoteParser(note_format).parse(text)
    options = {shown(line): value for line, value in run_options_by_line(note).items()}
    blocks = {shown(block.first_line): block for block in note.blocks}
    return blocks, options, note.lines, note.not_run


def _with_conflict(finding: Finding, directives: Options) -> Finding:
    """A directive of the kind proposed already on the block (``directives``: what its
    directives say) cannot be added beside it."""
    if finding.directive is None:
        return finding
    name = finding.directive.split()[0]
    present = {
        "requires": bool(directives.requires),
        "compare": directives.compare is not None,
        "skip": directives.skip is not None,
    }
    if not present.get(name):
        return finding
    conflict = f"the block already has a {name} directive: change it to {finding.directive}"
    return Finding(
        finding.path, finding.line, finding.cause, finding.detail, finding.directive, conflict
    )
