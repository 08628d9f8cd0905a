"""Plan, in update mode, the edits of an IPython transcript's cells.

A cell gets its new output in IPython's form; a cell that raises another exception than its
traceback names gets that exception in the lines that name it, its header and frames kept
as written; a cell that no longer raises gets its output where its traceback was. Each edit
is kept only where the transcript, with it made, reads back as the same cells, the edited
one passing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.comparison.tracebacks import raised_exception
from pytest_torchnotes.markdown.blocks import Block, OutputSection
from pytest_torchnotes.markdown.ipython import (
    BLANKLINE,
    Cell,
    Issue,
    Transcript,
    read_transcript,
    strip_blank_end,
)
from pytest_torchnotes.markdown.ipython_split import read_split
from pytest_torchnotes.markdown.lexers import BodyLine, FenceLexeme
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run.examples import check_example
from pytest_torchnotes.run.execute import Execution
from pytest_torchnotes.run.ipython_cells import check_cell
from pytest_torchnotes.run.planning import plan
from pytest_torchnotes.run.results import BlockResult
from pytest_torchnotes.update.ipython import (
    as_ipython_want,
    exception_lines,
    ipython_output,
    split_display,
)
from pytest_torchnotes.update.refusals import IPYTHON_FIX, with_fix
from pytest_torchnotes.update.rewrite import Edit

if TYPE_CHECKING:
    from pytest_torchnotes.run.evaluate import BlockEvaluator

#: What an edit of a cell writes: its output, its exception, what it printed before it, or
#: its output over the traceback of a cell that no longer raises.
CELL, RAISED, PRINTED, UNRAISED = "cell", "raised", "printed", "unraised"


def plan_cell(
    evaluator: BlockEvaluator,
    result: BlockResult,
    block: Block,
    index: int,
    execution: Execution,
    options: CompareOptions,
    writes: str = CELL,
) -> None:
    """In update mode, plan the edit that writes the cell's new output in IPython's form
    (``writes``: :data:`PRINTED` for what a cell printed before another exception,
    :data:`UNRAISED` for the output that replaces the traceback of a cell that no longer
    raises)."""
    transcript = block.ipython
    assert transcript is not None
    if evaluator.writes is None:  # not update mode, or a block marked xfail
        return
    cell = transcript.cells[index]
    fence = transcript.output_fence or block.fence
    parts = split_display(execution)
    if cell.insert_at is None or parts is None:
        reason = unwritable(cell, fence, parts)
        example = f"example at line {shown(cell.first_line)}: {reason}"
        result.not_updated = "; ".join(filter(None, [result.not_updated, example]))
        result.message += f"\nNot updated: line {shown(cell.first_line)}: {reason}."
        return
    printed, displayed = parts
    lines = tuple(cell.output)
    if writes == UNRAISED:
        lines += tuple(strip_blank_end(list(cell.traceback)))
    section = OutputSection(
        "transcript", lines, cell.insert_at, cell.insert_at, cell.prefix, fence.fence
    )

    earlier = tuple(result.edits)  # of the cells above, made in the same write

    def verify(edit: Edit) -> str | None:
        return _with_fix(
            _reread_reason(
                evaluator,
                transcript,
                block,
                index,
                section,
                edit,
                execution,
                options,
                writes,
                earlier,
            )
        )

    plan(
        evaluator.writes,
        result,
        section,
        ipython_output(printed, displayed, cell.number),
        evaluator.comparator(options),
        cell.first_line,
        transform=lambda lines: as_ipython_want(lines, displayed is not None),
        verify=verify,
    )


def plan_exception(
    evaluator: BlockEvaluator,
    result: BlockResult,
    block: Block,
    index: int,
    execution: Execution,
    options: CompareOptions,
) -> None:
    """In update mode, plan the edit that writes the exception the cell raised over the one
    its traceback names; its header and frames stay as written."""
    transcript = block.ipython
    assert transcript is not None
    assert execution.error is not None
    if evaluator.writes is None:  # not update mode, or a block marked xfail
        return
    cell = transcript.cells[index]
    lines = exception_lines(cell)
    fence = transcript.output_fence or block.fence
    section = OutputSection(
        "transcript", lines, lines[0].line, lines[-1].line + 1, lines[0].prefix, fence.fence
    )

    earlier = tuple(result.edits)  # of the cells above, made in the same write

    def verify(edit: Edit) -> str | None:
        return _with_fix(
            _reread_reason(
                evaluator,
                transcript,
                block,
                index,
                section,
                edit,
                execution,
                options,
                RAISED,
                earlier,
            )
        )

    plan(
        evaluator.writes,
        result,
        section,
        raised_exception(execution.error.type_name, execution.error.message),
        evaluator.comparator(options),
        cell.first_line,
        verify=verify,
    )
    printed = cell.want.replace(BLANKLINE, "")
    if not evaluator.comparator(options).compare(printed, execution.stdout).matched:
        plan_cell(evaluator, result, block, index, execution, options, PRINTED)


def unwritable(cell: Cell, fence: FenceLexeme, parts: tuple[str, str | None] | None) -> str:
    """Why the new output of ``cell`` has no place in the note, or cannot be told apart into
    printed lines and the displayed value (``parts`` is ``None``)."""
    if cell.insert_at is None:
        return (
            f"{cell.prompt} has no output in the fence at line {shown(fence.open_line)}: write "
            f"its Out[{cell.number}]: line there, and update again"
        )
    assert parts is None
    return "output came after the displayed value: write it by hand"


def _with_fix(reason: str | None) -> str | None:
    """``reason``, if there is one, followed by what to do about it."""
    return None if reason is None else with_fix(reason, IPYTHON_FIX)


def _reread_reason(
    evaluator: BlockEvaluator,
    transcript: Transcript,
    block: Block,
    index: int,
    section: OutputSection,
    edit: Edit,
    execution: Execution,
    options: CompareOptions,
    writes: str = CELL,
    earlier: Sequence[Edit] = (),
) -> str | None:
    """Why the transcript, with ``edit`` made after the ``earlier`` edits of its cells, would
    not read back as the same cells with cell ``index`` passing, if it would not (the edits
    are written together: the output of a cell above can go on over a blank line into the
    next one's, when it leaves brackets open). ``writes`` says what the edit writes: the cell's
    output (:data:`CELL`), its exception (:data:`RAISED`: what it printed must read back
    the same), what it printed before another exception (:data:`PRINTED`: the exception
    is rewritten by an edit of its own), or its output where its traceback was
    (:data:`UNRAISED`: it must read back raising nothing)."""
    assert evaluator.source is not None
    kept = {evaluator.source.raw_lines[line.line]: line.text for line in section.lines}
    texts = [kept.get(raw, raw.removesuffix("\r")[len(section.prefix) :]) for raw in edit.lines]
    fence = transcript.output_fence or block.fence
    base, shift = list(fence.body), 0
    for made in sorted(earlier, key=lambda made: made.start):
        old = [raw.removesuffix("\r")[len(section.prefix) :] for raw in made.lines]
        base = _edited(base, _shifted(made, shift), old)
        shift += len(made.lines) - (made.end - made.start)
    before = transcript.cells
    if earlier:
        read, issues = _read(transcript, block, fence, base)
        if issues:  # each earlier edit was checked with those above it: not expected
            return f"the transcript would no longer read: {issues[0][1]}"
        before = read.cells
    body = _edited(base, _shifted(edit, shift), texts)
    again, issues = _read(transcript, block, fence, body)
    if issues:
        return f"the transcript would no longer read: {issues[0][1]}"
    after = again.cells
    if len(before) != len(after) or any(
        old.read() != new.read()
        for position, (old, new) in enumerate(zip(before, after, strict=True))
        if position != index
    ):
        return "the output would change the prompts the transcript holds"
    was, now = before[index], after[index]
    if writes == RAISED:
        unchanged = was.want == now.want
    else:
        unchanged = now.exc_msg is None if writes == UNRAISED else was.exc_msg == now.exc_msg
    if now.source != was.source or not unchanged:
        return "the output would read as something else than what the prompt shows"
    if writes == RAISED:
        passes = check_example(evaluator.comparator, now.example(), execution, options) is None
    elif writes == PRINTED:
        printed = now.want.replace(BLANKLINE, "")
        passes = evaluator.comparator(options).compare(printed, execution.stdout).matched
    else:
        passes = check_cell(evaluator, now, execution, options) is None
    if not passes:
        return "the output would not read back as what the prompt shows"
    return None


def _read(
    transcript: Transcript, block: Block, fence: FenceLexeme, body: Sequence[BodyLine]
) -> tuple[Transcript, list[Issue]]:
    """The transcript read from ``body``, the body of its fence (of its output fence in the
    split form), and the issues found."""
    if transcript.output_fence is None:
        return read_transcript(body)
    prompts, issues = read_transcript(block.fence.body)
    again, more = read_split(prompts, dataclasses.replace(fence, body=tuple(body)))
    return again, issues + more


def _shifted(edit: Edit, shift: int) -> Edit:
    """``edit`` on the lines of a note where ``shift`` lines were added above it."""
    return dataclasses.replace(edit, start=edit.start + shift, end=edit.end + shift)


def _edited(body: Sequence[BodyLine], edit: Edit, texts: Sequence[str]) -> list[BodyLine]:
    """``body`` with ``edit`` made, the lines after it numbered as they will be."""
    shift = len(texts) - (edit.end - edit.start)
    before = [line for line in body if line.line < edit.start]
    after = [line._replace(line=line.line + shift) for line in body if line.line >= edit.end]
    prefix = body[0].prefix if body else ""
    new = [BodyLine(edit.start + k, prefix, text) for k, text in enumerate(texts)]
    return [*before, *new, *after]
