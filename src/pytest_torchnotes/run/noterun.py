"""One note being run: its blocks evaluated one at a time, in order, in one namespace."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager as ContextManager
from contextlib import ExitStack, contextmanager, nullcontext
from typing import TYPE_CHECKING

from sybil import Document, Example
from sybil.example import NotEvaluated

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.comparison.failures import FailureContext
from pytest_torchnotes.comparison.pasted_output import pasted_output_hint
from pytest_torchnotes.markdown.blocks import Block, ParsedNote, Problem, SetupBlock
from pytest_torchnotes.markdown.cellopts import with_cell_options
from pytest_torchnotes.markdown.inforce import Options, fold
from pytest_torchnotes.markdown.otherlanguages import other_language
from pytest_torchnotes.markdown.requirements import Requirement, unmet_reason
from pytest_torchnotes.notelines import location, shown
from pytest_torchnotes.run import directives, repowatch
from pytest_torchnotes.run.cachedimports import cached_import_hint
from pytest_torchnotes.run.compiling import forget_source
from pytest_torchnotes.run.errors import INTERRUPTED, WarningInfo
from pytest_torchnotes.run.evaluate import BlockEvaluator
from pytest_torchnotes.run.execute import Executor
from pytest_torchnotes.run.followon import FollowOn
from pytest_torchnotes.run.packagenames import warned_missing_hint
from pytest_torchnotes.run.pseudocode import pseudocode_hint
from pytest_torchnotes.run.repowatch import FolderWatch, describe
from pytest_torchnotes.run.results import (
    CANNOT_RUN,
    EXCEPTION,
    FAILED,
    REPOSITORY,
    SKIPPED,
    BlockResult,
    NoteResult,
)
from pytest_torchnotes.run.sandbox import SessionInterrupted
from pytest_torchnotes.run.selfsignal import XDIST_WORKER
from pytest_torchnotes.run.unread_traceback import unread_traceback
from pytest_torchnotes.run.unwritten import MISSING_RELATIVE_FILE, scratch_hint

if TYPE_CHECKING:
    from pytest_torchnotes.run.groups import GroupNamespaces
    from pytest_torchnotes.run.kinds import Kind
    from pytest_torchnotes.run.runner import NoteRunner


def first_unmet(requirements: Sequence[Requirement]) -> str | None:
    """Why the first of ``requirements`` that is not met is not met, if one is not."""
    for requirement in requirements:
        reason = unmet_reason(requirement)
        if reason is not None:
            return reason
    return None


def skipped_whole(note: ParsedNote) -> str | None:
    """Why none of ``note``'s blocks runs (front matter ``skip`` or ``requires``, or no
    Python block at all), if so."""
    if note.config.skip:
        return note.config.skip
    if not note.items:
        warned = sum(problem.severity == "warning" for problem in note.problems)
        if warned:
            # code the note holds in a form that is not run (a Liquid highlight block, a
            # <pre><code>) is warned about: the skip says where to look
            which = "1 warning names" if warned == 1 else f"{warned} warnings name"
            return (
                f"no Python blocks in this note ({which} what is not run: torchnotes check "
                "lists them)"
            )
        return "no Python blocks in this note"
    return first_unmet(note.config.requires)


class NoteRun:
    """One note being run (made by :meth:`NoteRunner.open`): its blocks are evaluated one
    at a time, in order, in one namespace; :meth:`close` ends the isolation and returns the
    note's result. The plugin evaluates every block inside one :meth:`active`; an
    evaluator driven by someone else (Sybil's items) enters it for each block."""

    def __init__(
        self,
        runner: NoteRunner,
        note: ParsedNote,
        executor: Executor,
        context: FailureContext,
        result: NoteResult,
    ) -> None:
        self.runner = runner
        self.note = note
        self.executor = executor
        self.context = context
        self.result = result
        self.stack = ExitStack()
        self.evaluator: BlockEvaluator | None = None
        #: The namespaces of the groups of Sphinx's doctest, once a block names one.
        self.groups: GroupNamespaces | None = None
        self.refusing: Callable[[], ContextManager[None]] = nullcontext
        #: Why the setup code failed, if it did: then no block runs.
        self.setup_error: str | None = None
        self.follow_on = FollowOn(note.not_run, note.lines, note.items)
        #: The note runs in a scratch copy of its folder (``torchnotes_isolate_cwd``).
        self.scratch = False
        #: The note's folder in the repository, looked at after each block (isolated notes).
        self.watch: FolderWatch | None = None
        self.closed = False
        #: Sybil's answer for a block's result: the plugin's is the failure message or
        #: ``None`` (it reads the whole result from :attr:`result`).
        self.answers: Callable[[BlockResult], str | None] = failure_message

    @property
    def interrupted(self) -> bool:
        """Whether the person running the session pressed Ctrl-C."""
        return self.executor.interrupted.is_set()

    @contextmanager
    def active(self) -> Iterator[None]:
        """While blocks run: warnings go to the running block, writes to the repository are
        refused, the note's own faulthandler calls do what they say."""
        with (
            self.executor.recording_warnings(),
            self.refusing(),
            self.executor.time_limit.watching_faulthandler(),
        ):
            yield

    def __call__(self, example: Example) -> None:
        """Pushed onto the note's document while it runs, the run leaves every example to
        the evaluator its region carries (the kind's, :mod:`.kinds`, or a directive's),
        which finds the run with :func:`running`."""
        raise NotEvaluated

    def answer(self, example: Example, kind: Kind) -> str | None:
        """Evaluate ``example``'s block as ``kind`` with the directives the evaluators above
        it applied; Sybil's answer (:attr:`answers`)."""
        return self.answers(self.evaluate(kind, example.parsed, fold(directives.applied(example))))

    def evaluate(
        self, kind: Kind, item: Block | SetupBlock, options: Options | None = None
    ) -> BlockResult:
        """Run one block of ``kind`` with the ``options`` its directives give it (or say why
        it does not run) and add its result to the note's."""
        if self.setup_error is not None or self.evaluator is None:
            block_result = self._not_run(item, self.setup_error or "")
        else:
            self.executor.fd_shared = []
            block_result = self._run_item(kind, item, options or Options())
            self.follow_on.check(block_result, item.code)
            self._not_python(block_result, item)
            self._not_in_scratch(block_result)
            self._cached_import(block_result, item)
            self._unread_traceback(block_result, item)
            self._check_folder(block_result)
            self._check_shared_fd(block_result)
            self._warned_missing(block_result)
        self.result.blocks.append(block_result)
        return block_result

    def _not_in_scratch(self, block_result: BlockResult) -> None:
        """Say that notes run in a scratch copy of their folder when a block did not find
        a relative file and no line of its note that did not run names it (the follow-on
        says that one)."""
        error = block_result.error
        if (
            self.scratch
            and block_result.outcome == FAILED
            and error is not None
            and block_result.follows is None
            and MISSING_RELATIVE_FILE.search(error.message)
        ):
            block_result.add_hint(scratch_hint(error.message))

    def _cached_import(self, block_result: BlockResult, item: Block | SetupBlock) -> None:
        """Say why a block that only imports printed nothing its note writes: the modules
        were imported already (:mod:`.cachedimports`)."""
        if (
            block_result.outcome != FAILED
            or block_result.error is not None
            or not isinstance(item, Block)
            or item.doctest
            or item.ipython is not None
        ):
            return
        hint = cached_import_hint(item.code, block_result.expected or "", block_result.actual)
        if hint is not None:
            block_result.add_hint(hint)

    def _not_python(self, block_result: BlockResult, item: Block | SetupBlock) -> None:
        """Name the directive that leaves unrun a block whose code is not Python
        (:mod:`.pseudocode`)."""
        error = block_result.error
        if block_result.outcome != FAILED or error is None or not isinstance(item, Block):
            return
        if item.doctest or item.ipython is not None:
            return  # an example's SyntaxError is its own: the transcript compiles each one
        hint = pseudocode_hint(item.code, error.names, error.message, shown(item.first_line))
        if hint is not None:
            pasted = (
                None if other_language(item.code) else pasted_output_hint(item.code, item.code_line)
            )
            block_result.add_hint(hint if pasted is None else f"{pasted}; else, {hint}")

    def _unread_traceback(self, block_result: BlockResult, item: Block | SetupBlock) -> None:
        """Name the fence after a block that raised, with no output of its own, when that
        fence shows the exception (:mod:`.unread_traceback`)."""
        error = block_result.error
        if (
            block_result.outcome != FAILED
            or error is None
            or block_result.follows is not None
            or not isinstance(item, Block)
            or item.output is not None
            or item.doctest
            or item.ipython is not None
        ):
            return
        read_now = self.runner.settings.output_fences
        hint = unread_traceback(item, error.type_name, self.note.lines, read_now)
        if hint is not None:
            block_result.add_hint(hint)

    def _check_folder(self, block_result: BlockResult) -> None:
        """Fail the block, and warn at its line, when the note's folder in the repository
        changed while it ran: what the write guard cannot refuse (:mod:`.repowatch`)."""
        if self.watch is None:
            return
        changed = self.watch.check()
        if not changed:
            return
        path, line = self.context.path, block_result.first_line
        worker = os.environ.get(XDIST_WORKER) or None
        if repowatch.blamed(self.watch, worker):
            message = describe(changed, self.watch.shown) + repowatch.seen_by(worker)
            wrote_into_repository(
                block_result, self.context, repowatch.failure(changed, self.watch.shown, worker)
            )
        else:
            assert worker is not None
            message = repowatch.not_blamed(changed, self.watch.shown, worker)
        warning = WarningInfo("RepositoryChanged", message, path, line + 1, path, line)
        block_result.warnings.append(warning)

    def _warned_missing(self, block_result: BlockResult) -> None:
        """Name the directive for a block that failed after a library warned that a package
        it uses is not installed (:mod:`.packagenames`)."""
        if block_result.outcome != FAILED or not block_result.warnings:
            return
        hint = warned_missing_hint(block_result.warnings)
        if hint is not None:
            block_result.add_hint(hint)

    def _check_shared_fd(self, block_result: BlockResult) -> None:
        """Warn at the block's line when a thread an earlier note left running ran while
        the block wrote to fd 1: what reached fd 1 is the block's output, and part of it
        may be the thread's (:func:`.routing.ran_since`). Update mode does not write that
        output into the note: the thread's text would land there as the block's."""
        if self.executor.fd_shared and block_result.edits:
            block_result.edits = []
            block_result.not_updated = (
                f"not written: {self.executor.fd_shared[0]} ran while the block wrote to file "
                "descriptor 1, and part of what reached it may be the thread's: end the "
                "thread in its own note and run again"
            )
        for thread in self.executor.fd_shared:
            path, line = self.context.path, block_result.first_line
            message = (
                f"{thread} ran while the block wrote to file descriptor 1 (C code, os.write), "
                "and fd 1 cannot tell one writer from another: part of the output compared "
                "may be the thread's. End the thread in its own note (join it, or stop its "
                "loop with a threading.Event before the note ends)"
            )
            warning = WarningInfo("EarlierNoteThread", message, path, line + 1, path, line)
            block_result.warnings.append(warning)

    def block_evaluator(self, options: Options) -> BlockEvaluator:
        """What the block being evaluated with ``options`` runs with."""
        assert self.evaluator is not None
        self.evaluator.directives = options
        return self.evaluator

    def timeout(self, options: Options) -> float | None:
        """A block's time limit: its directive's, else the note's, else the session's."""
        return options.timeout or self.note.config.timeout or self.runner.settings.timeout

    def compare(self, options: Options, block: Block | None = None) -> CompareOptions:
        """How a block's output is compared: as its directive, its markup
        (:attr:`.Block.compare`), the note or the session say."""
        return (
            options.compare
            or (block.compare if block is not None else None)
            or self.note.config.compare
            or self.runner.settings.compare
        )

    def not_evaluated(self, item: Block | SetupBlock) -> BlockResult:
        """The failure of a block whose example was evaluated without reaching
        :meth:`evaluate`: the note's code replaced what evaluates it (Sybil's
        ``Example.evaluate``, an evaluator of its document). Its output was not compared."""
        result = BlockResult(item, FAILED, EXCEPTION, summary="not evaluated")
        result.message = (
            f"{location(self.context.path, item.first_line)}: {item.describe()}: not run: "
            "the note's code replaced what evaluates its blocks (Sybil's Example.evaluate or "
            "an evaluator of the note's document); its output was not compared"
        )
        return result

    def _not_run(self, item: Block | SetupBlock, reason: str) -> BlockResult:
        result = BlockResult(item, FAILED, EXCEPTION, summary="setup failed")
        result.message = (
            f"{location(self.context.path, item.first_line)}: {item.describe()}: not run: {reason}"
        )
        return result

    def _refused(self, item: Block, why: Problem) -> BlockResult:
        """A block that cannot run as written fails alone, at the line that says why: the
        rest of the note runs (one broken example of a long page hides none of the others)."""
        result = BlockResult(item, FAILED, CANNOT_RUN, summary=f"not run: {why.message}")
        where = location(self.context.path, why.line_index)
        result.message = f"{where}: {why.message} ({item.describe()} is not run)"
        return result

    def _run_item(self, kind: Kind, item: Block | SetupBlock, options: Options) -> BlockResult:
        """Evaluate ``item`` as ``kind`` with the ``options`` its directives give it."""
        if options.skip is not None:
            return BlockResult(item, SKIPPED, reason=options.skip)
        unmet = first_unmet(options.requires)
        if unmet is not None:
            return BlockResult(item, SKIPPED, reason=unmet)
        if isinstance(item, Block) and item.refused is not None:
            return self._refused(item, item.refused)
        # Quarto's #| error: true, unless a directive says more
        return kind.run(self, item, with_cell_options(options, item))

    def close(self) -> NoteResult:
        """End the note's isolation (once) and record what it left behind."""
        if self.closed:
            return self.result
        self.closed = True
        executor = self.executor
        try:
            try:
                # Before the sandbox looks for what the note changed. The watchdog stays
                # armed: the note's objects are freed under the same limit
                # (run/freeing.py), and faulthandler's thread costs a start and a join
                # (a wake-up of a sleeping thread: up to a millisecond on a busy machine)
                # each time it is armed and disarmed.
                executor.close(disarm=False)
            finally:
                self.result.late = [late.describe() for late in executor.late]
                if self.runner._fd is not None:  # the block's processes may hold the old one
                    self.runner._fd = executor.fd
                try:
                    self.stack.close()
                finally:
                    # Whatever the sandbox reached; left armed for a note that follows
                    # at once (run/faulttimer.py), not after Ctrl-C.
                    follows = self.runner.next_note_follows and not self.interrupted
                    executor.time_limit.watchdog.disarm(keep=follows)
        except SessionInterrupted:
            pass  # Ctrl-C while the note was put back
        finally:
            forget_source(self.result.path)
            if self.watch is not None:
                self.watch.stop()
            if self.evaluator is not None and self.evaluator.kept is not None:
                self.evaluator.kept.save()  # after the watch: the cache is the session's
        if executor.interrupted.is_set():
            raise KeyboardInterrupt(_interrupted(self.result.path, self.result))
        self.runner._freeze_imports()
        return self.result


def wrote_into_repository(result: BlockResult, context: FailureContext, why: str) -> None:
    """Fail ``result``'s block, which changed the repository (``why``): whatever else it
    did, it is not verified; a failure it had already keeps its message, this one follows."""
    where = f"{location(context.path, result.first_line)}: {result.item.describe()}"
    if result.outcome == FAILED and result.message:
        result.message += f"\n{where}: also {why}"
    else:
        result.message = f"{where}: {why}"
        result.summary = why.split(":", 1)[0]
    result.outcome = FAILED
    result.drift = REPOSITORY


def failure_message(result: BlockResult) -> str | None:
    """The message of a failed block, ``None`` for any other outcome."""
    return result.message if result.outcome == FAILED else None


def running(document: Document) -> NoteRun | None:
    """The run pushed onto ``document``'s evaluators, if its note is running."""
    for evaluator in reversed(document.evaluators):
        if isinstance(evaluator, NoteRun):
            return evaluator
    return None


def _interrupted(path: str, result: NoteResult) -> str:
    """What pytest shows when Ctrl-C stops the session in a note."""
    last = result.blocks[-1] if result.blocks else None
    if last is not None and last.error is not None and last.error.type_name == INTERRUPTED:
        where = f"{location(path, last.first_line)}: {last.item.describe()} was interrupted"
    elif last is not None:
        where = f"{path}: interrupted after {last.item.describe()}"
    else:
        where = f"{path}: interrupted before its first block"
    return f"{where} (Ctrl-C); no further block or note runs"
