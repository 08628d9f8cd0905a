"""Evaluate a block that has its expected output in a section of its own (a marker, an
output fence, an ``output`` directive): run it, compare what it printed, say what drifted.

The expected output is the first ``output`` directive whose versions hold here, else the
visible section; a traceback there says which exception the block raises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.comparison.ellipsis import only_ellipsis
from pytest_torchnotes.comparison.failures import render_output_failure
from pytest_torchnotes.comparison.tracebacks import read_traceback
from pytest_torchnotes.markdown.blocks import Block, OutputSection
from pytest_torchnotes.markdown.indented import without_blank_lines
from pytest_torchnotes.markdown.magics import Prepared
from pytest_torchnotes.markdown.magics import prepare as prepare_magics
from pytest_torchnotes.markdown.requirements import unmet_reason
from pytest_torchnotes.notelines import location
from pytest_torchnotes.run.exceptions import error_headline, exception_failure, raises_mismatch
from pytest_torchnotes.run.magics import (
    compared_output,
    shell_output,
    shell_output_note,
    with_timing_lines,
)
from pytest_torchnotes.run.magics import refusal as magics_refusal
from pytest_torchnotes.run.planning import plan, under_a_label
from pytest_torchnotes.run.results import (
    COMPARED,
    COMPARISON_DRIFT,
    FAILED,
    IGNORED,
    BlockResult,
    from_execution,
)
from pytest_torchnotes.run.shell_escapes import shell_hint, shell_lines, without_shell_lines
from pytest_torchnotes.run.tracebacks import check_traceback, compares_with

if TYPE_CHECKING:
    from pytest_torchnotes.run.evaluate import BlockEvaluator
    from pytest_torchnotes.run.execute import Execution

#: Why an ``output`` directive closed on its last output line is not rewritten.
CLOSE_ON_OWN_LINE = "put the --> of the output directive on a line of its own"


def run_block(
    evaluator: BlockEvaluator, block: Block, timeout: float | None, options: CompareOptions
) -> BlockResult:
    """Run ``block`` and judge it by its ``raises`` directive and its expected output."""
    prepared = prepare_magics(block.code)
    refused = magics_refusal(block, prepared, evaluator.magics, evaluator.context)
    if refused is not None:
        return refused
    execution = evaluator.execute(
        block.code if prepared is None else prepared.code,
        block.code_line,
        timeout,
        display=evaluator.display and (prepared is None or prepared.display),
        where=f"{location(evaluator.executor.filename, block.first_line)}: {block.describe()}",
    )
    result = from_execution(block, execution)
    result.expected = block.expected
    result.notes = prepared.notes(block.code_line) if prepared is not None else []
    error = execution.error
    traceback = _traceback(evaluator, block, result, options, prepared)
    if traceback is not None:
        return traceback
    raises = evaluator.directives.raises
    if raises is not None:
        mismatch = raises_mismatch(raises, error)
        if mismatch is not None:
            return exception_failure(result, evaluator.context, mismatch)
        result.checked = COMPARED
    elif error is not None:
        return exception_failure(result, evaluator.context, error_headline(error))
    output, variant = expected_output(block)
    if output is None:
        return result
    shell = shell_output(prepared, execution.stdout) if output.text.strip() else None
    if shell is not None:  # the output of a command the run does not run: not compared
        result.checked = IGNORED
        note = shell.note(block.code_line + shell.offset)
        result.notes = [
            shell_output_note(shell, block.code_line) if text == note else text
            for text in result.notes
        ]
        return result
    written, output = output, compared_output(output, prepared)
    result.timing_lines = len(written.lines) - len(output.lines)
    result.expected = output.text
    result.variant = variant
    comparator = evaluator.comparator(options)
    if not output.blank_lines_compared:
        comparator = without_blank_lines(comparator)
    comparison = comparator.compare(output.text, execution.stdout)
    escapes = None if comparison.matched else shell_lines(block.code, prepared)
    if escapes is not None:  # the lines they printed may open or close the output
        apart = without_shell_lines(comparator, output.text, execution.stdout, escapes)
        comparison, result.shell_lines = apart or (comparison, 0)
    result.comparison = comparison
    # nothing but ``...`` compares nothing, as ``compare ignore`` does not
    elides_all = options.mode == "ellipsis" and only_ellipsis(comparator.prepare(output.text))
    result.checked = IGNORED if options.mode == "ignore" or elides_all else COMPARED
    if comparison.drift is not None:
        result.drift = COMPARISON_DRIFT[comparison.drift]
    if comparison.matched:
        return result
    result.outcome = FAILED
    result.summary = _drift_summary(result)
    result.message = render_output_failure(
        result, evaluator.context, output, variant, evaluator.directives.compare
    )
    if escapes is not None:  # update would erase lines no run makes
        hint = shell_hint(comparator, output.text, execution.stdout, escapes, block.code_line)
        if hint is not None:
            result.not_updated = hint
            result.message += f"\n  {hint}\nNot updated: {hint}."
            return result
    if output.kind == "comment" and output.lines and output.lines[-1].line == output.end:
        result.not_updated = CLOSE_ON_OWN_LINE
        result.message += f"\nNot updated: {result.not_updated}."
        return result
    parts = by_source(written, execution) if prepared is None else None
    if parts is not None:  # each part in its own section: what it printed, then its value
        for section, actual in parts:
            if not comparator.compare(section.text, actual).matched:  # the part that drifted
                plan(evaluator.writes, result, section, actual, comparator, block.first_line)
        return result
    plan(
        evaluator.writes,
        result,
        written,
        with_timing_lines(written, execution.stdout, prepared),
        comparator,
        block.first_line,
        verify=under_a_label(evaluator.writes, block, written),
        code=block.code,
    )
    return result


def by_source(
    written: OutputSection, execution: Execution
) -> tuple[tuple[OutputSection, str], tuple[OutputSection, str]] | None:
    """What the block printed and the value its last line showed, each with the section it
    goes in, when the output is written in one section of each and the run's output splits
    the same way (the value last); else ``None``, and update refuses as the section says."""
    displayed = execution.displayed
    if written.by_source is None or displayed is None:
        return None
    value = displayed + "\n"
    if not execution.stdout.endswith(value):
        return None  # something printed after the value: no split by source
    printed_section, value_section = written.by_source
    return (
        (printed_section, execution.stdout[: -len(value)]),
        (value_section, value),
    )


def _traceback(
    evaluator: BlockEvaluator,
    block: Block,
    result: BlockResult,
    options: CompareOptions,
    prepared: Prepared | None,
) -> BlockResult | None:
    """The result of a block whose expected output is a traceback, judged by it."""
    written, variant = expected_output(block)
    if written is None or evaluator.directives.raises is not None:
        return None
    output = compared_output(written, prepared)
    expected = read_traceback(output.text)
    if expected is None or not compares_with(expected, result.error):
        return None
    comparator = evaluator.comparator(options)
    if result.error is None and comparator.compare(output.text, result.actual).matched:
        # The block printed the traceback (``traceback.print_exc(file=sys.stdout)``): it is
        # compared as the text it is.
        return None
    result.expected, result.variant = output.text, variant
    new = check_traceback(result, expected, output, comparator, evaluator.context)
    if result.checked is not None and options.mode == "ignore":
        result.checked = IGNORED
    if (
        new is not None
        and written.kind == "comment"
        and written.lines[-1:]
        and written.lines[-1].line == written.end
    ):
        result.not_updated = CLOSE_ON_OWN_LINE
        result.message += f"\nNot updated: {result.not_updated}."
    elif new is not None:
        plan(evaluator.writes, result, written, new, comparator, block.first_line)
    return result


def expected_output(block: Block) -> tuple[OutputSection | None, str | None]:
    """The output to compare with: the first ``output`` directive whose versions hold here,
    else the visible output section; and the versions it is for."""
    for alternative in block.alternatives:
        if all(unmet_reason(requirement) is None for requirement in alternative.requirements):
            return alternative.output, alternative.describe()
    return block.output, None


def _drift_summary(result: BlockResult) -> str:
    comparison = result.comparison
    if comparison is not None and comparison.numbers:
        return f"{result.drift} drift: {comparison.numbers[0].describe()}"
    return f"{result.drift} drift"
