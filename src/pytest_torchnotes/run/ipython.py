"""Run an IPython transcript prompt by prompt, as a ``>>>`` transcript runs example by example.

Each cell runs as IPython runs it: its statements, then the value of its last expression
displayed, unless ``;`` ends it. What it printed and displayed is compared with the output
under its prompt by the rules of ``>>>`` examples; a traceback under the prompt says which
exception it raises. The first cell that fails fails the block; in update mode the others
still run, so that each gets its new output, written in IPython's form, or the exception it
now raises, or its output where its traceback was (:mod:`.ipython_plans`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.comparison.display import output_diff
from pytest_torchnotes.comparison.failures import FailureContext, closing_line
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.ipython import BLANKLINE, Cell
from pytest_torchnotes.markdown.magics import RUN
from pytest_torchnotes.notelines import location, shown
from pytest_torchnotes.run.examples import OUTPUT_DIFFERS, example_checked
from pytest_torchnotes.run.exceptions import error_headline, exception_failure
from pytest_torchnotes.run.ipython_cells import check_cell, with_magics
from pytest_torchnotes.run.ipython_plans import UNRAISED, plan_cell, plan_exception
from pytest_torchnotes.run.results import (
    EXCEPTION,
    FAILED,
    PASSED,
    TEXT,
    BlockResult,
    from_execution,
)
from pytest_torchnotes.run.tracebacks import raised_another

if TYPE_CHECKING:
    from pytest_torchnotes.run.evaluate import BlockEvaluator


def run_transcript(
    evaluator: BlockEvaluator, block: Block, timeout: float | None, options: CompareOptions
) -> BlockResult:
    """Run the cells of ``block`` in order; the result of the first that fails, else a pass."""
    transcript = block.ipython
    assert transcript is not None
    result = BlockResult(block, PASSED)
    failed: BlockResult | None = None
    fixable = True
    filename = evaluator.executor.filename
    for index, written in enumerate(transcript.cells):
        cell, display = with_magics(written) if evaluator.magics == RUN else (written, True)
        example = cell.example()
        execution = evaluator.execute(
            cell.source,
            cell.first_line,
            timeout,
            display=display,
            where=f"{location(filename, cell.first_line)}: {cell.prompt}",
        )
        current = from_execution(block, execution)
        current.expected = cell.want.replace(BLANKLINE, "")
        result.duration += execution.duration
        result.warnings.extend(execution.warnings)
        failure = check_cell(evaluator, cell, execution, options)
        result.checked = example_checked(example, options, False, result.checked)
        if failure is None:
            continue
        if failed is None:
            failed = _cell_failure(current, evaluator.context, cell, failure)
            failed.duration, failed.warnings = result.duration, result.warnings
        if failure == OUTPUT_DIFFERS:
            plan_cell(evaluator, failed, block, index, execution, options)
        elif raised_another(cell.exc_msg, execution.error):
            plan_exception(evaluator, failed, block, index, execution, options)
        elif cell.exc_msg is not None and execution.error is None:
            plan_cell(evaluator, failed, block, index, execution, options, UNRAISED)
        else:
            fixable = False
        if evaluator.source is None or evaluator.executor.interrupted.is_set():
            break
    if failed is None:
        return result
    # A traceback's exception is rewritten as printed output is: when every cell that failed
    # failed by what its output or traceback says, the edits fix the block.
    failed.drift_in_output = fixable and failed.drift == EXCEPTION
    return failed


def _cell_failure(
    result: BlockResult, context: FailureContext, cell: Cell, failure: str
) -> BlockResult:
    where = f"{cell.prompt} at line {shown(cell.first_line)}"
    if result.error is not None and failure == error_headline(result.error):
        return exception_failure(result, context, f"{where}: {failure}")
    result.outcome = FAILED
    result.drift = TEXT if failure == OUTPUT_DIFFERS else EXCEPTION
    result.summary = f"{where}: {failure}"
    source = cell.source.rstrip("\n").replace("\n", "\n   ...: ")
    lines = [f"{location(context.path, cell.first_line)}: {cell.prompt}: {source}", f"  {failure}"]
    if failure == OUTPUT_DIFFERS and result.expected is not None:
        if not result.expected.strip():
            lines.append(
                "  the transcript shows no output for this prompt: write what it prints under it"
            )
        lines.extend(output_diff(result.expected, result.actual, context, _first_output(cell)))
        lines.append(closing_line(context))
    else:
        lines.append(f"On torch {context.torch_version}.")
    result.message = "\n".join(lines)
    return result


def _first_output(cell: Cell) -> int:
    """0-based note line of the cell's first output line, or of where it would go."""
    if cell.output:
        return cell.output[0].line
    return cell.insert_at if cell.insert_at is not None else cell.first_line
