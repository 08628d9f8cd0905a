"""Run a parsed note: its blocks in order, in one namespace, isolated from other notes."""

from __future__ import annotations

import doctest
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_torchnotes import isolation
from pytest_torchnotes.blocks import Block, ParsedNote, SetupBlock
from pytest_torchnotes.compare import Comparator, CompareOptions
from pytest_torchnotes.directives import Raises
from pytest_torchnotes.execute import (
    CompiledCode,
    ErrorInfo,
    Execution,
    Executor,
    compile_block,
    compile_single,
    describe_error,
    forget_source,
    register_source,
)
from pytest_torchnotes.failures import FailureContext, render_exception, render_output_failure
from pytest_torchnotes.normalize import Step
from pytest_torchnotes.requirements import Requirement, unmet_reason
from pytest_torchnotes.results import (
    COMPARISON_DRIFT,
    EXCEPTION,
    FAILED,
    MISSING_MODULE,
    PASSED,
    SKIPPED,
    TIMEOUT,
    XFAILED,
    BlockResult,
    NoteResult,
)

#: ``# xdoctest: +SKIP`` as PyTorch's own docstrings write it.
XDOCTEST_SKIP = re.compile(r"#\s*xdoctest\s*:\s*\+SKIP\b", re.IGNORECASE)


class SessionInterrupted(KeyboardInterrupt):
    """The person running the session pressed Ctrl-C while a block ran."""


@dataclass(frozen=True)
class RunSettings:
    """Everything that decides how notes run, resolved from ini, command line and defaults."""

    compare: CompareOptions = field(default_factory=CompareOptions)
    sanitizers: tuple[Step, ...] = ()
    display: bool = True
    seed: int = 0
    setup: str = ""
    timeout: float | None = None
    capture_fd: bool = True
    #: Where scratch directories of notes are made; ``None`` runs notes in place.
    workspace: Path | None = None
    #: Whether a file beside a note is itself a note (not copied into scratch directories).
    is_note: Callable[[Path], bool] = lambda path: path.suffix == ".md"


def _raises_matches(expected: Raises, error: ErrorInfo) -> bool:
    if expected.exception not in error.names:
        return False
    if expected.pattern is None:
        return True
    if expected.pattern in error.message:
        return True
    try:
        return re.search(expected.pattern, error.message) is not None
    except re.error:
        return False


def _first_unmet(requirements: Sequence[Requirement]) -> str | None:
    for requirement in requirements:
        reason = unmet_reason(requirement)
        if reason is not None:
            return reason
    return None


class NoteRunner:
    """Runs notes one after the other with the same settings."""

    def __init__(self, settings: RunSettings) -> None:
        self.settings = settings
        self._comparators: dict[CompareOptions, Comparator] = {}
        self._listings: dict[Path, list[Path]] = {}

    def comparator(self, options: CompareOptions) -> Comparator:
        if options not in self._comparators:
            self._comparators[options] = Comparator(options, self.settings.sanitizers)
        return self._comparators[options]

    def run(
        self,
        note: ParsedNote,
        path: Path,
        display_path: str,
        on_result: Callable[[BlockResult], None] = lambda result: None,
    ) -> NoteResult:
        """Run every block of ``note`` (read from ``path``) in order."""
        result = NoteResult(display_path)
        config = note.config
        if config.skip:
            result.skipped = config.skip
            return result
        unmet = _first_unmet(config.requires)
        if unmet is not None:
            result.skipped = unmet
            return result
        import torch

        context = FailureContext(display_path, str(torch.__version__))
        executor = Executor(display_path, capture_fd=self.settings.capture_fd)
        register_source(display_path, _code_lines(note))
        try:
            with self._sandbox(note, path, executor, result) as namespace:
                setup_error = self._setup(note, executor, namespace)
                for item in note.items:
                    if setup_error is not None:
                        block_result = self._not_run(item, setup_error, context)
                    else:
                        block_result = self._run_item(item, note, executor, namespace, context)
                    result.blocks.append(block_result)
                    on_result(block_result)
        finally:
            executor.close()
            forget_source(display_path)
        return result

    @contextmanager
    def _sandbox(
        self, note: ParsedNote, path: Path, executor: Executor, result: NoteResult
    ) -> Iterator[dict[str, Any]]:
        """Isolate one note; afterwards record what global state it changed."""
        code = "\n".join(item.code for item in note.items)
        guards: list[isolation.AttributeGuard | isolation.ModulesGuard] = []
        names = isolation.patched_names(f"{self.settings.setup}\n{code}")
        if names is None or names:
            guards.append(isolation.AttributeGuard(isolation.patch_targets(), names))
        if "sys.modules" in code:
            guards.append(isolation.ModulesGuard())
        state = isolation.StateGuard(
            [*isolation._python_knobs(), *isolation._torch_knobs(), *isolation._numpy_knobs()]
        )
        state.snapshot()
        saved_main = sys.modules.get("__main__")
        module = isolation.new_main_module()
        workspace = None
        if self.settings.workspace is not None:
            notes_folder = path.parent
            if notes_folder not in self._listings:  # listed once per session, not per note
                self._listings[notes_folder] = isolation.listing(notes_folder)
            entries = isolation.beside(
                path, self._listings[notes_folder], code, self.settings.is_note
            )
            workspace = isolation.Workspace(self.settings.workspace, path, entries)
        folder = str(workspace.path if workspace is not None else path.parent)
        interrupted = threading.Event()
        try:
            sys.modules["__main__"] = module
            os.chdir(folder)
            sys.path.insert(0, folder)
            sys.displayhook = isolation.display
            os._exit = isolation._refuse_exit  # type: ignore[assignment]
            self._catch_interrupts(interrupted)
            isolation.seed_everything(
                note.config.seed if note.config.seed is not None else self.settings.seed
            )
            isolation.reset_print_options()
            with executor.recording_warnings():
                yield module.__dict__
        finally:
            if saved_main is not None:
                sys.modules["__main__"] = saved_main
            restored = state.restore()
            for guard in guards:
                restored.extend(guard.restore())
            ours = {
                "working directory",
                "sys.path",
                "sys.displayhook",
                "os._exit",
                "signal handler SIGINT",
            }
            result.restored = [name for name in restored if name not in ours]
            module.__dict__.clear()
            if workspace is not None:
                workspace.remove()
        if interrupted.is_set():
            raise SessionInterrupted

    @staticmethod
    def _catch_interrupts(interrupted: threading.Event) -> None:
        """Tell a Ctrl-C of the person running the session from a block raising
        ``KeyboardInterrupt`` itself."""
        if threading.current_thread() is not threading.main_thread():
            return

        def on_interrupt(signum: int, frame: Any) -> None:
            interrupted.set()
            raise SessionInterrupted

        signal.signal(signal.SIGINT, on_interrupt)

    def _setup(self, note: ParsedNote, executor: Executor, namespace: dict[str, Any]) -> str | None:
        """Run ini and front matter setup code; return why it failed, if it did."""
        for code, line, origin in (
            (self.settings.setup, 1, "the torchnotes_setup option"),
            (note.config.setup, note.config.setup_line + 1, "the note's front matter"),
        ):
            if not code.strip():
                continue
            try:
                compiled = compile_block(code, executor.filename, line, display=False)
            except SyntaxError as error:
                return f"setup code from {origin} does not compile: {error}"
            execution = executor.run(compiled, namespace)
            if execution.error is not None:
                return f"setup code from {origin} raised:\n{execution.error.traceback}"
        return None

    def _not_run(
        self, item: Block | SetupBlock, reason: str, context: FailureContext
    ) -> BlockResult:
        result = BlockResult(item, FAILED, EXCEPTION, summary="setup failed")
        result.message = f"{context.path}:{item.line}: {item.describe()}: not run: {reason}"
        return result

    def _run_item(
        self,
        item: Block | SetupBlock,
        note: ParsedNote,
        executor: Executor,
        namespace: dict[str, Any],
        context: FailureContext,
    ) -> BlockResult:
        if item.skip is not None:
            return BlockResult(item, SKIPPED, reason=item.skip)
        if isinstance(item, SetupBlock):
            return self._run_setup_block(item, executor, namespace, context)
        unmet = _first_unmet(item.requires)
        if unmet is not None:
            return BlockResult(item, SKIPPED, reason=unmet)
        timeout = item.timeout or note.config.timeout or self.settings.timeout
        options = item.compare or note.config.compare or self.settings.compare
        if item.doctest:
            result = self._run_doctest(item, executor, namespace, context, timeout, options)
        else:
            result = self._run_block(item, executor, namespace, context, timeout, options)
        return _apply_xfail(item, result, context)

    def _run_setup_block(
        self,
        item: SetupBlock,
        executor: Executor,
        namespace: dict[str, Any],
        context: FailureContext,
    ) -> BlockResult:
        execution = self._execute(item.code, item.code_line + 1, executor, namespace, None, False)
        result = _from_execution(item, execution)
        if execution.error is None:
            return result
        result.outcome = FAILED
        result.drift = EXCEPTION
        result.summary = f"setup code raised {execution.error.describe()}"
        result.message = render_exception(result, context, result.summary)
        return result

    def _execute(
        self,
        code: str,
        first_line: int,
        executor: Executor,
        namespace: dict[str, Any],
        timeout: float | None,
        display: bool,
    ) -> Execution:
        try:
            compiled = compile_block(code, executor.filename, first_line, display=display)
        except SyntaxError as error:
            return Execution(error=describe_error(error, executor.filename))
        return executor.run(compiled, namespace, timeout=timeout)

    def _run_block(
        self,
        block: Block,
        executor: Executor,
        namespace: dict[str, Any],
        context: FailureContext,
        timeout: float | None,
        options: CompareOptions,
    ) -> BlockResult:
        execution = self._execute(
            block.code, block.code_line + 1, executor, namespace, timeout, self.settings.display
        )
        result = _from_execution(block, execution)
        result.expected = block.expected
        error = execution.error
        if block.raises is not None:
            if error is None:
                return _exception_failure(
                    result,
                    context,
                    f"expected {block.raises.describe()}, but the block finished without raising",
                )
            if not _raises_matches(block.raises, error):
                return _exception_failure(
                    result,
                    context,
                    f"expected {block.raises.describe()}, but it raised {error.describe()}",
                )
        elif error is not None:
            return _exception_failure(result, context, _error_headline(error))
        if block.output is None:
            return result
        comparison = self.comparator(options).compare(block.output.text, execution.stdout)
        result.comparison = comparison
        if comparison.drift is not None:
            result.drift = COMPARISON_DRIFT[comparison.drift]
        if comparison.matched:
            return result
        result.outcome = FAILED
        result.summary = _drift_summary(result)
        result.message = render_output_failure(result, context)
        return result

    def _run_doctest(
        self,
        block: Block,
        executor: Executor,
        namespace: dict[str, Any],
        context: FailureContext,
        timeout: float | None,
        options: CompareOptions,
    ) -> BlockResult:
        """Run a ``>>>`` transcript example by example; stop at the first that fails."""
        result = BlockResult(block, PASSED)
        try:
            examples = doctest.DocTestParser().get_examples(block.code)
        except ValueError as error:
            result.error = ErrorInfo("ValueError", frozenset({"ValueError"}), str(error), "", None)
            return _exception_failure(result, context, f"the >>> transcript is malformed: {error}")
        for example in examples:
            if example.options.get(doctest.SKIP) or XDOCTEST_SKIP.search(example.source):
                continue
            line = block.code_line + 1 + example.lineno
            try:
                code = compile_single(example.source, executor.filename, line)
            except SyntaxError as error:
                execution = Execution(error=describe_error(error, executor.filename))
            else:
                execution = executor.run(CompiledCode(code), namespace, timeout=timeout)
            result.duration += execution.duration
            result.warnings.extend(execution.warnings)
            result.actual, result.stderr, result.error = (
                execution.stdout,
                execution.stderr,
                execution.error,
            )
            want = example.want.replace("<BLANKLINE>", "")
            result.expected = want
            failure = self._check_example(example, execution, options)
            if failure is not None:
                return _example_failure(result, context, line, example.source, failure)
        return result

    def _check_example(
        self, example: doctest.Example, execution: Execution, options: CompareOptions
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
            return (
                None if matched else f"expected {example.exc_msg.strip()}, got {error.describe()}"
            )
        if error is not None:
            return _error_headline(error)
        if example.options.get(doctest.ELLIPSIS) and options.mode != "ellipsis":
            options = CompareOptions("ellipsis", options.rtol, options.atol)
        comparison = self.comparator(options).compare(
            example.want.replace("<BLANKLINE>", ""), execution.stdout
        )
        if comparison.matched:
            return None
        return "output differs"


def _code_lines(note: ParsedNote) -> dict[int, str]:
    lines: dict[int, str] = {}
    for item in note.items:
        for offset, text in enumerate(item.code.split("\n")):
            lines[item.code_line + 1 + offset] = text
    return lines


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
    if error.type_name == "Timeout":
        return error.message
    if "ModuleNotFoundError" in error.names:
        return (
            f"{error.describe()} (install it, or mark the block "
            f"<!-- torchnotes: requires module:{_module_name(error.message)} -->)"
        )
    return f"the block raised {error.describe()}"


def _module_name(message: str) -> str:
    match = re.search(r"'([\w.]+)'", message)
    return match.group(1) if match else "NAME"


def _exception_failure(result: BlockResult, context: FailureContext, headline: str) -> BlockResult:
    result.outcome = FAILED
    error = result.error
    if error is not None and error.type_name == "Timeout":
        result.drift = TIMEOUT
    elif error is not None and "ModuleNotFoundError" in error.names:
        result.drift = MISSING_MODULE
    else:
        result.drift = EXCEPTION
    result.summary = headline
    result.message = render_exception(result, context, f"{headline} ({result.drift})")
    return result


def _example_failure(
    result: BlockResult, context: FailureContext, line: int, source: str, failure: str
) -> BlockResult:
    result.outcome = FAILED
    if result.error is not None and failure == _error_headline(result.error):
        return _exception_failure(result, context, f"example at line {line}: {failure}")
    result.drift = EXCEPTION if "expected" in failure and result.error is not None else None
    prompt = source.rstrip("\n").replace("\n", "\n... ")
    if result.drift is None:
        result.drift = COMPARISON_DRIFT["text"]
    result.summary = f"example at line {line}: {failure}"
    lines = [f"{context.path}:{line}: >>> {prompt}", f"  {failure}"]
    if result.expected is not None and failure == "output differs":
        from pytest_torchnotes.failures import output_diff

        lines.extend(output_diff(result.expected, result.actual, context, line + 1))
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
