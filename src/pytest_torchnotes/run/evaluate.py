"""Evaluate one block: run it, check what it printed and raised, say what drifted.

In update mode, a block whose output drifted also gets the :class:`~.rewrite.Edit` that
writes its new output into the note.
"""

from __future__ import annotations

import doctest
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.failures import (
    FailureContext,
    closing_line,
    cut_line,
    output_diff,
    render_exception,
    render_output_failure,
    render_warning_failure,
)
from pytest_torchnotes.markdown.blocks import Block, OutputSection, SetupBlock
from pytest_torchnotes.markdown.directives import Raises, Warns
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.markdown.requirements import unmet_reason
from pytest_torchnotes.run import xdoctest
from pytest_torchnotes.run.execute import (
    OWN_FAILURES,
    CompiledCode,
    ErrorInfo,
    Execution,
    Executor,
    WarningInfo,
    compile_block,
    compile_single,
    describe_error,
)
from pytest_torchnotes.run.results import (
    COMPARED,
    COMPARISON_DRIFT,
    EXCEPTION,
    FAILED,
    IGNORED,
    MISSING_MODULE,
    PASSED,
    SKIPPED,
    TEXT,
    TIMEOUT,
    WARNING,
    XFAILED,
    BlockResult,
)
from pytest_torchnotes.update.rewrite import Edit, RewriteError, section_edit
from pytest_torchnotes.update.wants import as_want, reread


@dataclass(frozen=True)
class NoteSource:
    """The note file as read, for planning rewrites of its expected output."""

    path: str
    raw_lines: list[str]
    digest: str
    marker: re.Pattern[str]
    #: Largest expected output written, in bytes (0: no limit).
    max_bytes: int = 0


class BlockEvaluator:
    """Evaluates the blocks of one note, in its namespace."""

    def __init__(
        self,
        executor: Executor,
        namespace: dict[str, Any],
        context: FailureContext,
        comparator: Callable[[CompareOptions], Comparator],
        *,
        display: bool,
        strict_warnings: bool = False,
        source: NoteSource | None = None,
    ) -> None:
        self.executor = executor
        self.namespace = namespace
        self.context = context
        self.comparator = comparator
        self.display = display
        self.strict_warnings = strict_warnings
        #: Set in update mode: where to write new output.
        self.source = source

    def execute(
        self, code: str, first_line: int, timeout: float | None, *, display: bool, where: str = ""
    ) -> Execution:
        filename = self.executor.filename
        try:
            compiled = compile_block(code, filename, first_line, display=display)
        except SyntaxError as error:
            return Execution(error=describe_error(error, filename))
        where = where or f"{filename}:{first_line}"
        return self.executor.run(
            compiled, self.namespace, timeout=timeout, label=f"line {first_line}", where=where
        )

    def setup_block(self, item: SetupBlock) -> BlockResult:
        execution = self.execute(item.code, item.code_line + 1, None, display=False)
        result = _from_execution(item, execution)
        if execution.error is None:
            return result
        result.outcome = FAILED
        result.drift = EXCEPTION
        result.summary = f"setup code raised {execution.error.describe()}"
        result.message = render_exception(result, self.context, result.summary)
        return result

    def block(self, block: Block, timeout: float | None, options: CompareOptions) -> BlockResult:
        runner = self._doctest if block.doctest else self._block
        result = runner(block, timeout, options)
        result.comparator = self.comparator(options)
        self._check_warnings(block, result)
        return _apply_xfail(block, result, self.context)

    def _check_warnings(self, block: Block, result: BlockResult) -> None:
        """Warnings are early drift: with strict warnings, a new one, or a declared one that
        is gone, fails a block that otherwise passed."""
        unexpected = [
            warning
            for warning in result.warnings
            if not any(_warns_matches(declared, warning) for declared in block.warns)
        ]
        missing = [
            declared
            for declared in block.warns
            if not any(_warns_matches(declared, warning) for warning in result.warnings)
        ]
        if not self.strict_warnings or result.outcome != PASSED or not (unexpected or missing):
            return
        result.outcome = FAILED
        result.drift = WARNING
        result.summary = "warning drift: " + (
            f"new {unexpected[0].category}: {unexpected[0].message}"
            if unexpected
            else f"{missing[0].describe()} is no longer raised"
        )
        result.message = render_warning_failure(
            result,
            self.context,
            [warning.describe() for warning in unexpected],
            [declared.describe() for declared in missing],
        )

    def _block(self, block: Block, timeout: float | None, options: CompareOptions) -> BlockResult:
        execution = self.execute(
            block.code,
            block.code_line + 1,
            timeout,
            display=self.display,
            where=f"{self.executor.filename}:{block.line}: {block.describe()}",
        )
        result = _from_execution(block, execution)
        result.expected = block.expected
        error = execution.error
        if block.raises is not None:
            mismatch = _raises_mismatch(block.raises, error)
            if mismatch is not None:
                return _exception_failure(result, self.context, mismatch)
            result.checked = COMPARED
        elif error is not None:
            return _exception_failure(result, self.context, _error_headline(error))
        output, variant = _expected_output(block)
        if output is None:
            return result
        result.expected = output.text
        result.variant = variant
        comparator = self.comparator(options)
        comparison = comparator.compare(output.text, execution.stdout)
        result.comparison = comparison
        result.checked = IGNORED if options.mode == "ignore" else COMPARED
        if comparison.drift is not None:
            result.drift = COMPARISON_DRIFT[comparison.drift]
        if comparison.matched:
            return result
        result.outcome = FAILED
        result.summary = _drift_summary(result)
        result.message = render_output_failure(result, self.context, output, variant)
        if output.kind == "comment" and output.lines and output.lines[-1].line == output.end:
            result.not_updated = "put the --> of the output directive on a line of its own"
            result.message += f"\nNot updated: {result.not_updated}."
            return result
        self._plan(result, output, execution.stdout, comparator, block.line)
        return result

    def _plan(
        self,
        result: BlockResult,
        section: OutputSection,
        actual: str,
        comparator: Comparator,
        line: int,
        transform: Callable[[list[str]], list[str]] = lambda lines: lines,
        verify: Callable[[Edit], str | None] = lambda edit: None,
    ) -> None:
        """In update mode, plan the edit that writes ``actual`` into ``section``, unless
        ``verify`` says why the note would not read back right with it."""
        item = result.item
        if self.source is None or (isinstance(item, Block) and item.xfail is not None):
            return
        try:
            edit = section_edit(
                section,
                actual,
                raw_lines=self.source.raw_lines,
                comparator=comparator,
                marker=self.source.marker,
                path=self.source.path,
                line=line,
                file_digest=self.source.digest,
                transform=transform,
                max_bytes=self.source.max_bytes,
            )
            reason = verify(edit)
            if reason is not None:
                raise RewriteError(reason)
        except RewriteError as error:
            reason = str(error) if line == item.line else f"example at line {line}: {error}"
            if result.not_updated is not None:  # another example of the transcript
                reason = f"{result.not_updated}; {reason}"
            result.not_updated = reason
            result.message += f"\nNot updated: {error}."
            return
        result.edits.append(edit)

    def _doctest(self, block: Block, timeout: float | None, options: CompareOptions) -> BlockResult:
        """Run a ``>>>`` transcript example by example. The first example that fails fails
        the block; in update mode the others still run, so each gets its new output."""
        result = BlockResult(block, PASSED)
        try:
            examples = doctest.DocTestParser().get_examples(block.code)
        except ValueError as error:
            result.error = ErrorInfo("ValueError", frozenset({"ValueError"}), str(error), "", None)
            return _exception_failure(
                result, self.context, f"the >>> transcript is malformed: {error}"
            )
        failed: BlockResult | None = None
        directives = xdoctest.Directives(block.code)
        skipped: str | None = None
        ran = 0
        for example in examples:
            mode = directives.mode(example.lineno, example.source)
            if mode.skip or example.options.get(doctest.SKIP):
                skipped = mode.skip or skipped
                continue
            ran += 1
            line = block.code_line + 1 + example.lineno
            execution = self._run_example(example, line, timeout)
            current = _from_execution(block, execution)
            current.expected = example.want.replace("<BLANKLINE>", "")
            result.duration += execution.duration
            result.warnings.extend(execution.warnings)
            failure = self._check_example(example, execution, options, mode.ignore_want)
            result.checked = _example_checked(example, options, mode.ignore_want, result.checked)
            if failure is None:
                continue
            if failed is None:
                failed = _example_failure(current, self.context, line, example.source, failure)
                failed.duration, failed.warnings = result.duration, result.warnings
            if failure == OUTPUT_DIFFERS:
                self._plan_example(
                    failed, block, examples, examples.index(example), execution.stdout, options
                )
            if self.source is None or self.executor.interrupted.is_set():
                break
        if failed is not None:
            return failed
        if not ran and examples:
            result.outcome = SKIPPED
            result.reason = skipped or "every example is marked to skip"
        return result

    def _run_example(self, example: doctest.Example, line: int, timeout: float | None) -> Execution:
        try:
            code = compile_single(example.source, self.executor.filename, line)
        except SyntaxError as error:
            return Execution(error=describe_error(error, self.executor.filename))
        return self.executor.run(
            CompiledCode(code, interactive=True),
            self.namespace,
            timeout=timeout,
            label=f"line {line}",
            where=f"{self.executor.filename}:{line}: the example",
        )

    def _plan_example(
        self,
        result: BlockResult,
        block: Block,
        examples: list[doctest.Example],
        index: int,
        actual: str,
        options: CompareOptions,
    ) -> None:
        example = examples[index]
        body = block.fence.body
        first = example.lineno + example.source.count("\n")
        count = example.want.count("\n")
        want = body[first : first + count]
        start = body[first].line if first < len(body) else block.fence.last_line
        prompt = body[example.lineno]
        section = OutputSection(
            "transcript",
            tuple(want),
            start,
            start,
            prompt.prefix + " " * example.indent,
            block.fence.fence,
        )
        self._plan(
            result,
            section,
            actual,
            self.comparator(options),
            block.code_line + 1 + example.lineno,
            transform=as_want,
            verify=lambda edit: self._reread(
                edit, section, body, first, examples, index, actual, options
            ),
        )

    def _reread(
        self,
        edit: Edit,
        section: OutputSection,
        body: Sequence[BodyLine],
        first: int,
        examples: list[doctest.Example],
        index: int,
        actual: str,
        options: CompareOptions,
    ) -> str | None:
        """Why the transcript, with ``edit`` made, would not read back as the same examples
        with example ``index`` passing, if it would not."""
        assert self.source is not None
        kept = {self.source.raw_lines[line.line]: line.text for line in section.lines}
        want = [kept.get(raw, raw.removesuffix("\r")[len(section.prefix) :]) for raw in edit.lines]
        code = [line.text for line in body[:first]]
        code += want
        code += [line.text for line in body[first + len(section.lines) :]]
        execution = Execution(stdout=actual)
        return reread(
            code,
            index,
            examples,
            lambda example: self._check_example(example, execution, options) is None,
        )

    def _check_example(
        self,
        example: doctest.Example,
        execution: Execution,
        options: CompareOptions,
        ignore_want: bool = False,
    ) -> str | None:
        error = execution.error
        if example.exc_msg is not None:
            if error is None:
                return f"expected {example.exc_msg.strip()}, but nothing was raised"
            if example.options.get(doctest.IGNORE_EXCEPTION_DETAIL):
                matched = example.exc_msg.split(":")[0].strip().split(".")[-1] in error.names
            else:
                got = f"{error.type_name.split('.')[-1]}: {error.message}".strip()
                matched = self.comparator(options).compare(example.exc_msg, got).matched
            if matched:
                return None
            return f"expected {example.exc_msg.strip()}, got {error.describe()}"
        if error is not None:
            return _error_headline(error)
        if ignore_want:
            return None
        if example.options.get(doctest.ELLIPSIS) and options.mode != "ellipsis":
            options = CompareOptions("ellipsis", options.rtol, options.atol)
        comparison = self.comparator(options).compare(
            example.want.replace("<BLANKLINE>", ""), execution.stdout
        )
        return None if comparison.matched else OUTPUT_DIFFERS


def _example_checked(
    example: doctest.Example, options: CompareOptions, ignore_want: bool, so_far: str | None
) -> str | None:
    """What a transcript has checked once ``example`` ran: an exception or a non-empty
    output compared makes it :data:`COMPARED`."""
    if example.exc_msg is not None or (
        example.want.strip() and not ignore_want and options.mode != "ignore"
    ):
        return COMPARED
    if example.want.strip() and so_far is None:
        return IGNORED
    return so_far


#: What a doctest example whose output drifted says.
OUTPUT_DIFFERS = "output differs"


def _expected_output(block: Block) -> tuple[OutputSection | None, str | None]:
    """The output to compare with: the first ``output`` directive whose versions hold here,
    else the visible output section; and the versions it is for."""
    for alternative in block.alternatives:
        if all(unmet_reason(requirement) is None for requirement in alternative.requirements):
            return alternative.output, alternative.describe()
    return block.output, None


def _warns_matches(declared: Warns, warning: WarningInfo) -> bool:
    return declared.category.split(".")[-1] in warning.names and _message_matches(
        declared.pattern, warning.message
    )


def _raises_mismatch(expected: Raises, error: ErrorInfo | None) -> str | None:
    if error is None:
        return f"expected {expected.describe()}, but the block finished without raising"
    if _raises_matches(expected, error):
        return None
    return f"expected {expected.describe()}, but it raised {error.describe()}"


def _raises_matches(expected: Raises, error: ErrorInfo) -> bool:
    return expected.exception in error.names and _message_matches(expected.pattern, error.message)


def _message_matches(pattern: str | None, message: str) -> bool:
    """A directive's pattern matches a message as text it contains or as a regex it holds."""
    if pattern is None or pattern in message:
        return True
    try:
        return re.search(pattern, message) is not None
    except re.error:
        return False


def _from_execution(item: Block | SetupBlock, execution: Execution) -> BlockResult:
    return BlockResult(
        item,
        PASSED,
        actual=execution.stdout,
        stderr=execution.stderr,
        error=execution.error,
        warnings=execution.warnings,
        duration=execution.duration,
    )


def _error_headline(error: ErrorInfo) -> str:
    if error.type_name in OWN_FAILURES:
        return error.message
    if "ModuleNotFoundError" in error.names:
        module = re.search(r"'([\w.]+)'", error.message)
        return (
            f"{error.describe()} (install it, or mark the block "
            f"<!-- torchnotes: requires module:{module.group(1) if module else 'NAME'} -->)"
        )
    return f"the block raised {error.describe()}"


def _exception_failure(result: BlockResult, context: FailureContext, headline: str) -> BlockResult:
    result.outcome = FAILED
    error = result.error
    if error is not None and error.type_name == "Timeout":
        result.drift = TIMEOUT
    elif error is not None and "ModuleNotFoundError" in error.names:
        result.drift = MISSING_MODULE
    else:
        result.drift = EXCEPTION
    result.summary = cut_line(headline)
    result.message = render_exception(result, context, f"{headline} ({result.drift})")
    return result


def _example_failure(
    result: BlockResult, context: FailureContext, line: int, source: str, failure: str
) -> BlockResult:
    if result.error is not None and failure == _error_headline(result.error):
        return _exception_failure(result, context, f"example at line {line}: {failure}")
    result.outcome = FAILED
    result.drift = EXCEPTION if failure != OUTPUT_DIFFERS else TEXT
    result.summary = f"example at line {line}: {failure}"
    prompt = source.rstrip("\n").replace("\n", "\n... ")
    lines = [f"{context.path}:{line}: >>> {prompt}", f"  {failure}"]
    if failure == OUTPUT_DIFFERS and result.expected is not None:
        if not result.expected.strip():
            lines.append(
                "  the transcript shows no output for this example: write what it prints "
                "below it, or add '# xdoctest: +IGNORE_WANT' if it is not to be compared"
            )
        lines.extend(output_diff(result.expected, result.actual, context, line + 1))
        lines.append(closing_line(context))
    else:
        lines.append(f"On torch {context.torch_version}.")
    result.message = "\n".join(lines)
    return result


def _drift_summary(result: BlockResult) -> str:
    comparison = result.comparison
    if comparison is not None and comparison.numbers:
        return f"{result.drift} drift: {comparison.numbers[0].describe()}"
    return f"{result.drift} drift"


def _apply_xfail(block: Block, result: BlockResult, context: FailureContext) -> BlockResult:
    """``xfail`` is strict: the block must fail, and a pass is reported as a failure."""
    if block.xfail is None:
        return result
    if result.outcome == FAILED:
        result.outcome = XFAILED
        result.reason = block.xfail
        return result
    result.outcome = FAILED
    result.summary = f"marked xfail ({block.xfail}) but passed"
    result.message = (
        f"{context.path}:{block.line}: {block.describe()}: marked "
        f"<!-- torchnotes: xfail {block.xfail} --> but it passed; remove the directive"
    )
    return result
