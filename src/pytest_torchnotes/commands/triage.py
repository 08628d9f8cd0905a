"""``torchnotes triage``: sort the failing blocks of an existing corpus by cause.

The notes run twice, as pytest runs them (a ``pytest`` subprocess writing a run report), the
second time with another seed. Every failing block gets a cause and, where the cause is one
a directive states, that directive with its reason: a missing module, a device this machine
lacks, output that changes with the seed, a block that is not Python. A block that fails
because an earlier one did is named as a follow-on; everything else is real drift and is
left failing. With ``write``, the directives go into the notes with the same guarantees as
``--torchnotes-update`` (:func:`pytest_torchnotes.update.rewrite.update_file`).
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pytest_torchnotes.commands.names import defined_names, importable_imports, used_names
from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.document import NoteReadError, decode_note
from pytest_torchnotes.markdown.inforce import Options, options_by_line
from pytest_torchnotes.markdown.lexers import QUOTE, width
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notefiles import note_files
from pytest_torchnotes.notelines import from_shown, shown
from pytest_torchnotes.reporting.report import BlockRecord, NoteRecord, RunReport
from pytest_torchnotes.update.rewrite import Edit, digest, raw_lines, update_file

#: The causes, in the order the table lists them.
MISSING_MODULE = "missing module"
DEVICE = "needs a device"
RANDOM = "random output"
NOT_PYTHON = "not Python"
FOLLOW_ON = "follow-on"
DRIFT = "real drift"
NOTE_ERROR = "note error"
CAUSES = (MISSING_MODULE, DEVICE, RANDOM, NOT_PYTHON, FOLLOW_ON, DRIFT, NOTE_ERROR)

#: The seed of the second run (the first uses the project's own settings).
SECOND_SEED = 7919

#: ``No module named 'torchinfo'`` in a block's failure.
MISSING = re.compile(r"No module named '(?P<name>[\w.]+)'")

#: Errors of torch on a machine without the device a block asks for.
DEVICE_ERRORS = {
    "cuda": re.compile(
        r"not compiled with CUDA|no NVIDIA driver|No CUDA GPUs|CUDA driver|"
        r"cuda\.is_available\(\) is False|'CUDA' backend",
        re.IGNORECASE,
    ),
    "mps": re.compile(r"\bMPS\b"),
}

#: How the reason of a ``requires`` names each device.
DEVICE_NAMES = {"cuda": "a CUDA device", "mps": "an MPS device (Apple GPU)"}

#: The device a tensor in the expected output lives on: ``device='cuda:0'``.
EXPECTED_DEVICE = re.compile(r"device='(?P<name>cuda|mps)(?::\d+)?'")

#: A name the block used that nothing defined.
UNDEFINED = re.compile(r"NameError: name '(?P<name>\w+)' is not defined")

#: What a failure caused by code that does not compile says.
SYNTAX = re.compile(r"raised (?:SyntaxError|IndentationError|TabError): (?P<message>[^\n]*)")


class TriageError(RuntimeError):
    """The notes could not be run at all; the message says why."""


@dataclass(frozen=True)
class Finding:
    """One failing block (or note) and what triage makes of it."""

    #: The note as pytest names it, relative to where the command runs.
    path: str
    #: 1-based line of the block's opening fence, as the run report shows it.
    line: int
    cause: str
    #: What was seen, in one line.
    detail: str
    #: The directive that states the cause, without the comment around it.
    directive: str | None = None
    #: Why the directive cannot be inserted (another of its kind is there).
    conflict: str | None = None
    #: Imports of the block that later blocks use: kept in a setup comment above it, since
    #: the directive skips the block.
    setup: tuple[str, ...] = ()

    @property
    def proposed(self) -> bool:
        return self.directive is not None and self.conflict is None

    @property
    def comment(self) -> str:
        return f"<!-- torchnotes: {self.directive} -->"

    @property
    def skips(self) -> bool:
        """Whether the directive keeps the block from running here."""
        return self.proposed and str(self.directive).startswith(("requires ", "skip "))

    def comments(self) -> list[str]:
        """The lines inserted above the block: the setup comment, if any, and the directive."""
        setup = ["<!-- torchnotes: setup", *self.setup, "-->"] if self.setup else []
        return [*setup, _safe(self.comment)]


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
    digests = _digests(paths)
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
        findings.extend(classify_note(note, again.get(note.path)))
    return findings, digests


def _digests(paths: Sequence[str]) -> dict[str, str]:
    """The digest of every note in ``paths`` (files given by name, and in the folders given
    the files that match the project's ``torchnotes_patterns``), so that a note changed
    during the run is not written."""
    from pytest_torchnotes.commands.project import project_settings
    from pytest_torchnotes.settings import SettingsError

    try:
        patterns = project_settings(paths).patterns
    except SettingsError as error:
        raise TriageError(str(error)) from None
    digests: dict[str, str] = {}
    for file in note_files(paths, patterns):
        if file.is_file():
            digests[os.path.realpath(file)] = digest(file.read_bytes())
    return digests


def classify_note(note: NoteRecord, second: NoteRecord | None) -> list[Finding]:
    """The findings of one note, from its first run and its run with another seed."""
    if note.outcome == "error":
        line = re.match(r"line (\d+)", note.reason or "")
        return [
            Finding(note.path, int(line.group(1)) if line else 1, NOTE_ERROR, note.reason or "")
        ]
    if note.outcome != "failed":
        return []
    blocks, options = _parsed_blocks(note.path)
    other = {record.key: record for record in second.blocks} if second is not None else {}
    findings: list[Finding] = []
    #: Names defined by earlier blocks that did not run to their end, with the finding.
    lost: dict[str, tuple[BlockRecord, Finding | None]] = {}
    for record in note.blocks:
        block = blocks.get(record.line)
        if record.outcome == "skipped" and block is not None:
            skipped = _skipped_by_requires(note.path, record)
            for name in defined_names(block.code):
                lost.setdefault(name, (record, skipped))
        if record.outcome != "failed":
            continue
        if record.kind != "block":
            findings.append(_setup_finding(note.path, record))
            continue
        finding = _follow_on(note.path, record, lost) or _classify(
            note.path, record, other.get(record.key), block
        )
        if block is not None:
            finding = _with_conflict(finding, options[record.line])
            if finding.cause != RANDOM and record.drift not in ("value", "text"):
                for name in defined_names(block.code):
                    lost.setdefault(name, (record, finding))
        findings.append(finding)
    ordered = [blocks[record.line] for record in note.blocks if record.line in blocks]
    return _keep_what_later_blocks_use(note.path, ordered, findings, options)


def _setup_finding(path: str, record: BlockRecord) -> Finding:
    """Setup code that fails: its cause, named; a directive before it would apply to the
    next block, so none is written."""
    finding = _classify(path, record, None)
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


def _keep_what_later_blocks_use(
    path: str,
    blocks: Sequence[Block],
    findings: Sequence[Finding],
    options: Mapping[int, Options],
) -> list[Finding]:
    """A block a directive skips no longer defines its names, though in the first run the
    lines before its failure did (``import torch`` above a missing ``import d2l``). Imports
    that later blocks use move into a setup comment above it; a later block that uses any
    other of its names needs what it needs: the same directive."""
    by_line = {finding.line: finding for finding in findings}
    changed = True
    while changed:
        changed = False
        for position, block in enumerate(blocks):
            own = by_line.get(shown(block.first_line))
            directives = options[shown(block.first_line)]
            if (own is not None and own.skips) or directives.skip or directives.requires:
                continue
            for name in sorted(used_names(block.code)):
                binder = next(
                    (b for b in reversed(blocks[:position]) if name in defined_names(b.code)),
                    None,
                )
                cause = by_line.get(shown(binder.first_line)) if binder is not None else None
                if binder is None or cause is None or not cause.skips:
                    continue
                statement = importable_imports(binder.code).get(name)
                if statement is not None:
                    if statement not in cause.setup:
                        by_line[shown(binder.first_line)] = dataclasses.replace(
                            cause, setup=(*cause.setup, statement)
                        )
                        changed = True
                    continue
                directive = str(cause.directive).split(";")[0].strip()
                by_line[shown(block.first_line)] = Finding(
                    path,
                    shown(block.first_line),
                    FOLLOW_ON,
                    f"uses {name!r} from the block at {path}:{shown(binder.first_line)}, which the "
                    f"directive there skips",
                    f"{directive}; uses {name} from an earlier block that needs it too",
                )
                changed = True
                break
    return [by_line[line] for line in sorted(by_line)]


#: The reason of a block skipped by a ``requires`` directive: ``requires cuda: no CUDA device``.
SKIPPED_BY_REQUIRES = re.compile(r"^requires (?P<spec>\S+): ")


def _skipped_by_requires(path: str, record: BlockRecord) -> Finding | None:
    """A block skipped for a requirement: what builds on it needs the same."""
    match = SKIPPED_BY_REQUIRES.match(record.reason or "")
    if match is None:
        return None
    spec = match.group("spec")
    return Finding(path, record.line, f"requires {spec}", "", f"requires {spec}")


def _parsed_blocks(path: str) -> tuple[dict[int, Block], dict[int, Options]]:
    """The note's blocks and what their directives say, by the 1-based line of their
    opening fence, as the run report names them."""
    try:
        text = decode_note(Path(path).read_bytes()).text
    except (OSError, NoteReadError):
        return {}, {}
    note = NoteParser().parse(text)
    options = {shown(line): value for line, value in options_by_line(note).items()}
    return {shown(block.first_line): block for block in note.blocks}, options


def _follow_on(
    path: str, record: BlockRecord, lost: dict[str, tuple[BlockRecord, Finding | None]]
) -> Finding | None:
    match = UNDEFINED.search(record.reason or "")
    if match is None or match.group("name") not in lost:
        return None
    name = match.group("name")
    cause, finding = lost[name]
    where = f"{path}:{cause.line}"
    if finding is not None and finding.directive is not None and finding.cause != NOT_PYTHON:
        # The block needs what the block it builds on needs: the same directive, or it
        # would fail once that block is skipped.
        directive = finding.directive.split(";")[0].strip()
        return Finding(
            path,
            record.line,
            FOLLOW_ON,
            f"uses {name!r} from the block at {where} ({finding.cause.removeprefix('requires ')})",
            f"{directive}; uses {name} from an earlier block that needs it too",
        )
    state = "was skipped" if cause.outcome == "skipped" else "failed"
    return Finding(
        path, record.line, FOLLOW_ON, f"uses {name!r} from the block at {where}, which {state}"
    )


def _classify(
    path: str, record: BlockRecord, second: BlockRecord | None, block: Block | None = None
) -> Finding:
    reason = record.reason or ""
    headline = reason.splitlines()[0][:200] if reason else record.drift or "failed"
    missing = "ModuleNotFoundError" in reason and MISSING.search(reason) is not None
    if record.drift == "missing module" or missing:
        match = MISSING.search(reason)
        name = match.group("name") if match else "NAME"
        return Finding(
            path,
            record.line,
            MISSING_MODULE,
            f"module {name!r} is not installed",
            f"requires module:{name}; module {name} is not installed on every machine",
        )
    device = _device(record)
    if device is not None:
        return Finding(
            path,
            record.line,
            DEVICE,
            f"needs {DEVICE_NAMES[device]}: {headline}",
            f"requires {device}; runs on {DEVICE_NAMES[device]}",
        )
    syntax = SYNTAX.search(reason)
    if syntax is not None and not _compiles(block):
        message = re.sub(r" \([^()]*, line \d+\)$", "", syntax.group("message"))
        return Finding(
            path,
            record.line,
            NOT_PYTHON,
            f"not valid Python: {message}",
            f"skip not valid Python ({message}): pseudo-code or another tool's transcript",
        )
    if (
        record.drift in ("value", "text")
        and second is not None
        and second.drift in (None, "format-only", "value", "text")
        and second.actual is not None
        and record.actual is not None
        and second.actual != record.actual
    ):
        return _random(path, record, record.actual, second.actual)
    return Finding(path, record.line, DRIFT, headline)


def _compiles(block: Block | None) -> bool:
    """Whether the block's own code is Python (a ``SyntaxError`` then came from code it ran,
    ``eval`` or ``compile``: that is drift, not pseudo-code)."""
    if block is None or block.doctest:
        return False
    try:
        ast.parse(block.code)
    except (SyntaxError, ValueError):
        return False
    return True


def _device(record: BlockRecord) -> str | None:
    text = record.reason or ""
    if record.drift not in ("value", "text", "format-only"):
        for device, pattern in DEVICE_ERRORS.items():
            if pattern.search(text):
                return device
        return None
    expected = EXPECTED_DEVICE.search(record.expected or "")
    if expected is not None and expected.group() not in (record.actual or ""):
        return expected.group("name")
    return None


def _random(path: str, record: BlockRecord, first: str, second: str) -> Finding:
    structure = Comparator(CompareOptions("structure"))
    if not structure.compare(first, second).matched:
        return Finding(
            path,
            record.line,
            RANDOM,
            "the text changes between runs with different seeds, not only the numbers",
            "compare ignore; the output changes from run to run",
        )
    if not structure.compare(record.expected or "", first).matched:
        return Finding(
            path,
            record.line,
            DRIFT,
            "numbers change with the seed, and the rest of the output differs from the note "
            "too (update it, then mark it compare structure)",
        )
    return Finding(
        path,
        record.line,
        RANDOM,
        "numbers change between runs with different seeds",
        "compare structure; random values, the layout is what matters",
    )


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


def directive_edits(
    path: str, findings: Sequence[Finding], file_digest: str, data: bytes
) -> list[Edit]:
    """Edits that insert each proposed directive on its own line above its block, at the
    block's indentation and block-quote depth, with the file's line ending."""
    lines = raw_lines(decode_note(data).original)
    edits = []
    for finding in sorted(findings, key=lambda finding: finding.line):
        if not finding.proposed:
            continue
        fence = from_shown(finding.line)
        ending = "\r" if lines[fence].endswith("\r") else ""
        quotes = QUOTE.match(lines[fence])
        quote = quotes.group() if quotes else ""
        rest = lines[fence][len(quote) :]
        indent = " " * width(rest[: len(rest) - len(rest.lstrip(" \t>0123456789.*+-"))])
        text = tuple(f"{quote}{indent}{line}{ending}" for line in finding.comments())
        edits.append(Edit(path, fence, fence, text, (), fence, file_digest))
    return edits


def _safe(comment: str) -> str:
    """A reason must not end the comment early."""
    inner = comment[len("<!-- ") : -len(" -->")].replace("--", "-").replace("\n", " ")
    return f"<!-- {inner} -->"


def write(findings: Sequence[Finding], digests: dict[str, str]) -> list[str]:
    """Insert the proposed directives into their notes; return a line per note, saying what
    was written or why it was not."""
    messages = []
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.proposed:
            by_path.setdefault(finding.path, []).append(finding)
    for path, found in sorted(by_path.items()):
        file = Path(path)
        known = digests.get(os.path.realpath(file))
        try:
            data = file.read_bytes()
        except OSError as error:
            messages.append(f"{path} not written: cannot be read: {error.strerror}")
            continue
        # A note changed since it was read before the run is refused, as
        # --torchnotes-update refuses it (update_file checks the digest again when it writes).
        if known is not None and digest(data) != known:
            messages.append(f"{path} not written: changed on disk since it was collected")
            continue
        try:
            edits = directive_edits(path, found, known or digest(data), data)
        except (NoteReadError, IndexError) as error:
            messages.append(f"{path} not written: {error}")
            continue
        reason = update_file(file, edits)
        if reason is not None:
            messages.append(f"{path} not written: {reason}")
        else:
            messages.append(f"{path}: {len(edits)} directive{'s' * (len(edits) != 1)} written")
    return messages


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
            what = _safe(finding.comment)
            if finding.setup:
                what += f" (and a setup comment above it: {'; '.join(finding.setup)})"
        else:
            what = finding.detail
        lines.append(f"{finding.path}:{finding.line}: {finding.cause}: {what}")
    return lines
