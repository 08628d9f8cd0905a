"""Evaluate a ``>>>`` transcript example by example, as doctest reads it, with the xdoctest
directives of PyTorch's docstrings (:mod:`.xdoctest`).

Each example is judged as :mod:`.examples` says. The first example that fails fails the
block; in update mode the others still run, so each gets its new output, or the exception
it now raises (:mod:`.transcript_raises`), or its output where its traceback was.
"""

from __future__ import annotations

import doctest
from contextlib import nullcontext
from functools import partial
from typing import TYPE_CHECKING

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.comparison.display import output_diff
from pytest_torchnotes.comparison.failures import FailureContext, closing_line
from pytest_torchnotes.comparison.gpuoutput import device_query_hint
from pytest_torchnotes.comparison.missing import missing_hint
from pytest_torchnotes.comparison.saysraises import comment_above_says_it_raises
from pytest_torchnotes.comparison.timings import timing_hint
from pytest_torchnotes.comparison.torchdefaults import changed_defaults
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.continuation import examples_of
from pytest_torchnotes.notelines import location, shown
from pytest_torchnotes.run import xdoctest
from pytest_torchnotes.run.cachedimports import cached_import_hint
from pytest_torchnotes.run.compiling import CompiledCode, compile_single
from pytest_torchnotes.run.errors import ErrorInfo, describe_error
from pytest_torchnotes.run.examples import (
    OUTPUT_DIFFERS,
    ComparatorChecker,
    check_example,
    example_checked,
    option_flags,
)
from pytest_torchnotes.run.exceptions import error_headline, exception_failure
from pytest_torchnotes.run.execute import Execution
from pytest_torchnotes.run.malformed import malformed_message
from pytest_torchnotes.run.planning import plan_example
from pytest_torchnotes.run.pseudocode import example_hint
from pytest_torchnotes.run.results import (
    EXCEPTION,
    FAILED,
    PASSED,
    SKIPPED,
    TEXT,
    BlockResult,
    from_execution,
)
from pytest_torchnotes.run.silenthints import (
    lone_ellipsis_hint,
    silent_statement_hint,
    uninitialized_hint,
)
from pytest_torchnotes.run.tracebacks import raised_another
from pytest_torchnotes.run.transcript_raises import plan_raised
from pytest_torchnotes.run.wanthints import directive_hint, random_hint, want_hint

if TYPE_CHECKING:
    from pytest_torchnotes.run.evaluate import BlockEvaluator


def run_examples(
    evaluator: BlockEvaluator, block: Block, timeout: float | None, options: CompareOptions
) -> BlockResult:
    """Run the ``>>>`` transcript ``block`` example by example; the result of the first
    example that fails, else a pass (or a skip, when every example is skipped)."""
    result = BlockResult(block, PASSED)
    try:
        examples = examples_of(block.code)
    except ValueError as error:
        result.error = ErrorInfo("ValueError", frozenset({"ValueError"}), str(error), "", None)
        return exception_failure(
            result,
            evaluator.context,
            f"the >>> transcript is malformed: {malformed_message(str(error), block.code_line)}",
        )
    failed: BlockResult | None = None
    fixable = True
    directives = xdoctest.Directives(block.code)
    xdoctest_rules = evaluator.transcripts == xdoctest.XDOCTEST_RULES
    default_flags = _default_flags(evaluator)
    skipped: str | None = None
    ran = 0
    for index, example in enumerate(examples):
        mode = directives.mode(example.lineno, example.source)
        if mode.skip or example.options.get(doctest.SKIP):
            skipped = mode.skip or skipped
            continue
        ran += 1
        line = block.code_line + example.lineno
        execution = _run_example(evaluator, example, line, timeout, displayed=xdoctest_rules)
        current = from_execution(block, execution)
        current.expected = example.want.replace(doctest.BLANKLINE_MARKER, "")
        result.duration += execution.duration
        result.warnings.extend(execution.warnings)
        # xdoctest compares no output with an example that shows none
        ignore_want = mode.ignore_want or (xdoctest_rules and not example.want.strip())
        failure = check_example(
            evaluator.comparator,
            example,
            execution,
            options,
            ignore_want,
            default_flags,
            either_part=xdoctest_rules,
        )
        result.checked = example_checked(example, options, ignore_want, result.checked)
        if ignore_want and execution.stdout.strip():
            result.uncompared_examples += 1  # it printed, and nothing compared it
        if failure is None:
            continue
        if failed is None:
            hint = (
                None
                if xdoctest_rules
                else directive_hint(evaluator.comparator, example, execution, options)
            )
            if hint is None and (raised := execution.error) is not None:
                hint = example_hint(example.source, raised.names, raised.message)
                if hint is None and failure == error_headline(raised):
                    hint = comment_above_says_it_raises(
                        block.code, example.lineno, raised.type_name
                    )
                if hint is None and failure != error_headline(raised):
                    # it raised another exception than the one written: what it lacked
                    hint = missing_hint(
                        raised.type_name, raised.message, raised.traceback, block.heading
                    )
            if hint is None and failure == OUTPUT_DIFFERS:
                hint = device_query_hint(example.source)
            if hint is None:  # what doctest reads under the prompt, before what the code does
                hint = want_hint(example.want, execution)
            if hint is None and failure == OUTPUT_DIFFERS and not xdoctest_rules:
                matches = partial(
                    ComparatorChecker(evaluator.comparator, options).check_output,
                    example.want,
                    optionflags=option_flags(example, default_flags),
                )
                hint = xdoctest.printed_only_hint(
                    example.source, example.want, execution.stdout, matches
                )
            if hint is None and failure == OUTPUT_DIFFERS:
                hint = cached_import_hint(example.source, example.want, execution.stdout)
            if hint is None and failure == OUTPUT_DIFFERS:
                hint = silent_statement_hint(example.source, example.want, execution.stdout)
            if hint is None and failure == OUTPUT_DIFFERS and not example.want.strip():
                hint = lone_ellipsis_hint(block.code, example.lineno, example.source)
            if hint is None:
                before = block.code.splitlines()[: example.lineno + example.source.count("\n")]
                hint = random_hint("\n".join(before), example.want, failure)
                if hint is None and failure == OUTPUT_DIFFERS:
                    hint = uninitialized_hint("\n".join(before), example.want)
                if hint is None and failure == OUTPUT_DIFFERS:
                    hint = timing_hint(example.want, execution.stdout, transcript=True)
            if hint is None and failure == OUTPUT_DIFFERS:  # an exception's message names it
                hint = changed_defaults()
            failed = _example_failure(
                current, evaluator.context, line, example.source, failure, hint
            )
            failed.duration, failed.warnings = result.duration, result.warnings
        if failure == OUTPUT_DIFFERS:
            _plan(evaluator, failed, block, examples, index, execution, options)
        elif raised_another(example.exc_msg, execution.error):
            _plan_raised(evaluator, failed, block, examples, index, execution, options)
        elif example.exc_msg is not None and execution.error is None:
            _plan(evaluator, failed, block, examples, index, execution, options)
        else:
            fixable = False
        if evaluator.source is None or evaluator.executor.interrupted.is_set():
            break
    if failed is not None:
        # A traceback's exception is rewritten as output is: when every example that failed
        # failed by what its output or traceback says, the edits fix the block.
        failed.drift_in_output = fixable and failed.drift == EXCEPTION
        return failed
    if not ran and examples:
        result.outcome = SKIPPED
        result.reason = skipped or "every example is marked to skip"
    return result


def _default_flags(evaluator: BlockEvaluator) -> int:
    """The doctest flags every example of a transcript has on: xdoctest's under its rules."""
    return xdoctest.XDOCTEST_FLAGS if evaluator.transcripts == xdoctest.XDOCTEST_RULES else 0


def _run_example(
    evaluator: BlockEvaluator,
    example: doctest.Example,
    line: int,
    timeout: float | None,
    *,
    displayed: bool = False,
) -> Execution:
    """Run one example; with ``displayed``, keep the repr its value displayed apart, for
    xdoctest's comparison (:func:`.examples.check_example`)."""
    filename = evaluator.executor.filename
    with evaluator.executor.compiling() as warned:
        try:
            code = compile_single(example.source, filename, line)
        except SyntaxError as error:
            return Execution(error=describe_error(error, filename), warnings=warned)
    recorded: list[str] = []
    with xdoctest.displaying(recorded) if displayed else nullcontext():
        execution = evaluator.executor.run(
            CompiledCode(code, interactive=True),
            evaluator.namespace,
            timeout=timeout,
            label=f"line {shown(line)}",
            where=f"{location(filename, line)}: the example",
        )
    if len(recorded) == 1 and execution.stdout.endswith(recorded[0] + "\n"):
        execution.displayed = recorded[0]
    execution.warnings[:0] = warned
    return execution


def _plan(
    evaluator: BlockEvaluator,
    result: BlockResult,
    block: Block,
    examples: list[doctest.Example],
    index: int,
    execution: Execution,
    options: CompareOptions,
) -> None:
    """In update mode, plan the edit that writes what example ``index`` printed as its output."""
    printed = Execution(stdout=execution.stdout)
    flags = _default_flags(evaluator)

    def passes(example: doctest.Example) -> bool:
        return (
            check_example(evaluator.comparator, example, printed, options, default_flags=flags)
            is None
        )

    plan_example(
        evaluator.writes,
        result,
        block,
        examples,
        index,
        execution.stdout,
        evaluator.comparator(options),
        passes,
    )


def _plan_raised(
    evaluator: BlockEvaluator,
    result: BlockResult,
    block: Block,
    examples: list[doctest.Example],
    index: int,
    execution: Execution,
    options: CompareOptions,
) -> None:
    """In update mode, plan the edit that writes the exception example ``index`` raised."""
    assert execution.error is not None
    flags = _default_flags(evaluator)

    def passes(example: doctest.Example) -> bool:
        return (
            check_example(evaluator.comparator, example, execution, options, default_flags=flags)
            is None
        )

    plan_raised(
        evaluator.writes,
        result,
        block,
        examples,
        index,
        execution.error,
        evaluator.comparator(options),
        passes,
    )


def _example_failure(
    result: BlockResult,
    context: FailureContext,
    line: int,
    source: str,
    failure: str,
    hint: str | None = None,
) -> BlockResult:
    if result.error is not None and failure == error_headline(result.error):
        failed = exception_failure(result, context, f"example at line {shown(line)}: {failure}")
        if hint is not None:
            head, _, rest = failed.message.partition("\n")
            failed.message = "\n".join(part for part in (head, f"  {hint}", rest) if part)
        return failed
    result.outcome = FAILED
    result.drift = EXCEPTION if failure != OUTPUT_DIFFERS else TEXT
    result.summary = f"example at line {shown(line)}: {failure}"
    prompt = source.rstrip("\n").replace("\n", "\n... ")
    lines = [f"{location(context.path, line)}: >>> {prompt}", f"  {failure}"]
    if hint is not None:
        lines.append(f"  {hint}")
    if failure == OUTPUT_DIFFERS and result.expected is not None:
        if not result.expected.strip() and hint is None:
            lines.append(
                "  the transcript shows no output for this example: write what it prints "
                "below it, or add '# xdoctest: +IGNORE_WANT' if it is not to be compared "
                "(--torchnotes-transcripts=xdoctest compares no example that shows no "
                "output, as xdoctest, for which PyTorch's docstrings are written)"
            )
        # The expected output starts under the example's last line of code.
        first = line + max(1, source.count("\n"))
        lines.extend(output_diff(result.expected, result.actual, context, first))
        lines.append(closing_line(context))
    else:
        lines.append(f"On torch {context.torch_version}.")
    result.message = "\n".join(lines)
    return result
