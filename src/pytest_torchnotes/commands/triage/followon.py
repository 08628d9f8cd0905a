"""Blocks that fail because an earlier one did not run to its end (follow-ons), and what
later blocks use of a block a directive skips: its imports move into a setup comment, any
other name takes the same directive to the blocks that use it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from pytest_torchnotes.commands.names import defined_names, importable_imports, used_names
from pytest_torchnotes.commands.triage.findings import FOLLOW_ON, NOT_PYTHON, Finding
from pytest_torchnotes.markdown.blocks import Block, NotRun
from pytest_torchnotes.markdown.inforce import Options
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.reporting.report import BlockRecord
from pytest_torchnotes.run.followon import not_run_binds, star_imports
from pytest_torchnotes.run.starnames import star_binds
from pytest_torchnotes.run.unwritten import missing_file

#: A name the block used that nothing defined.
UNDEFINED = re.compile(r"NameError: name '(?P<name>\w+)' is not defined")


def keep_what_later_blocks_use(
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


def skipped_by_requires(path: str, record: BlockRecord) -> Finding | None:
    """A block skipped for a requirement: what builds on it needs the same."""
    match = SKIPPED_BY_REQUIRES.match(record.reason or "")
    if match is None:
        return None
    spec = match.group("spec")
    return Finding(path, record.line, f"requires {spec}", "", f"requires {spec}")


#: What :func:`~pytest_torchnotes.commands.names.defined_names` says a star import binds
#: (``from fastai.vision.all import *``): the names only running it tells. :func:`lose`
#: keeps the module after it (``*fastai.vision.all``).
STAR_IMPORT = "*"

#: An earlier block that did not run to its end, and what triage found of it.
Cause = tuple[BlockRecord, Finding | None]


def lose(lost: dict[str, Cause], code: str, cause: Cause) -> None:
    """Keep in ``lost`` the names ``code`` binds, and the modules it star-imports, as lost
    by ``cause`` (the first block that lost a name keeps it)."""
    for name in defined_names(code):
        lost.setdefault(name, cause)
    for module in star_imports(code):
        lost.setdefault(STAR_IMPORT + module, cause)


def _star_cause(name: str, lost: Mapping[str, Cause]) -> Cause | None:
    """The first block whose star import did not run and may bind ``name``: not one whose
    module is known not to bind it (:mod:`~pytest_torchnotes.run.starnames`)."""
    return next(
        (
            cause
            for key, cause in lost.items()
            if key.startswith(STAR_IMPORT)
            and key != STAR_IMPORT
            and star_binds(key.removeprefix(STAR_IMPORT), name) is not False
        ),
        None,
    )


def follow_on(path: str, record: BlockRecord, lost: Mapping[str, Cause]) -> Finding | None:
    """The follow-on of a block that fails with a ``NameError`` for a name that an earlier
    block that did not run to its end defines, or may define with a star import."""
    match = UNDEFINED.search(record.reason or "")
    if match is None:
        return None
    name = match.group("name")
    found = lost.get(name) or _star_cause(name, lost)
    if found is None:
        return None
    cause, finding = found
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
    state = {"skipped": "was skipped", "passed": "raised before its end, as expected"}.get(
        cause.outcome, "failed"
    )
    return Finding(
        path, record.line, FOLLOW_ON, f"uses {name!r} from the block at {where}, which {state}"
    )


def not_run_follow_on(path: str, record: BlockRecord, not_run: Sequence[NotRun]) -> Finding | None:
    """A block that fails for a name the last Python block above it that is not run (the
    parser's: another framework's tab, a cell option) would have defined: no directive
    helps it, the block not run says why."""
    match = UNDEFINED.search(record.reason or "")
    if match is None:
        return None
    name = match.group("name")
    cause = next(
        (
            block
            for block in reversed(not_run)
            if shown(block.line_index) < record.line and name in not_run_binds(block.code)
        ),
        None,
    )
    if cause is None:
        return None
    return Finding(
        path,
        record.line,
        FOLLOW_ON,
        f"uses {name!r} from the block at {path}:{shown(cause.line_index)}, which is not run: "
        f"{cause.why}",
    )


#: What the run says of a block that misses a file a line not run names: ``follows from the
#: shell escape !cc (line 11): the block raised OSError: ...``.
FOLLOWS_FROM = re.compile(r"^follows from (?P<cause>.+?) \(line (?P<line>\d+)\): ")


def file_follow_on(path: str, record: BlockRecord) -> Finding | None:
    """A block that opens a file that a line above it, not run, names (``!cc -o lib.so``,
    ``%%writefile demo.c``, a skipped block): the run marked it as a follow-on of that line.
    No directive makes the file: the block is skipped, saying what makes it."""
    reason = record.reason or ""
    match = FOLLOWS_FROM.match(reason)
    name = missing_file(reason)
    if record.status != FOLLOW_ON or match is None or name is None:
        return None
    cause, line = match.group("cause"), match.group("line")
    return Finding(
        path,
        record.line,
        FOLLOW_ON,
        f"opens {name!r}, which {cause} at {path}:{line} names and did not make: it did not run",
        f"skip needs {name}, which {cause} at line {line} makes and the run does not",
    )


#: What a failure says when torch's default device was not its own
#: (:mod:`~pytest_torchnotes.comparison.torchdefaults`).
DEFAULT_DEVICE_CHANGED = "default device is '"

#: A call that sets torch's default device for the rest of the note.
SETS_DEFAULT_DEVICE = re.compile(r"\bset_default_device\(")


def device_follow_on(path: str, record: BlockRecord, setter: BlockRecord | None) -> Finding | None:
    """A block that failed while torch's default device was one an earlier block set
    (``torch.set_default_device('cuda')``, as that function's docstring does): it needs no
    device of its own, and passes once the block that set it is left out."""
    if setter is None or DEFAULT_DEVICE_CHANGED not in (record.reason or ""):
        return None
    return Finding(
        path,
        record.line,
        FOLLOW_ON,
        f"runs on the default device the block at {path}:{setter.line} set "
        "(torch.set_default_device), not on a device of its own",
    )
