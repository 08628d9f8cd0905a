"""Run a parsed note: its blocks in order, in one namespace, isolated from other notes."""

from __future__ import annotations

import dataclasses
import gc
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager as ContextManager
from contextlib import ExitStack, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from sybil import Example
from sybil.example import NotEvaluated, SybilFailure

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.failures import FailureContext
from pytest_torchnotes.comparison.normalize import Step
from pytest_torchnotes.markdown.blocks import Block, ParsedNote, SetupBlock
from pytest_torchnotes.markdown.document import NoteDocument, RawNote
from pytest_torchnotes.markdown.inforce import Options, fold
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER
from pytest_torchnotes.markdown.requirements import Requirement, unmet_reason
from pytest_torchnotes.notefiles import is_note
from pytest_torchnotes.notelines import location
from pytest_torchnotes.run import (
    atexits,
    directives,
    exiting,
    folders,
    knobs,
    note_modules,
    patches,
    processes,
    start,
    torch_configs,
    workspace,
    writeguard,
)
from pytest_torchnotes.run.capture import FileDescriptorCapture
from pytest_torchnotes.run.evaluate import BlockEvaluator
from pytest_torchnotes.run.execute import (
    INTERRUPTED,
    Executor,
    compile_block,
    forget_source,
    register_source,
)
from pytest_torchnotes.run.followon import FollowOn
from pytest_torchnotes.run.planning import NoteSource
from pytest_torchnotes.run.results import EXCEPTION, FAILED, SKIPPED, BlockResult, NoteResult
from pytest_torchnotes.run.timers import Faulthandler
from pytest_torchnotes.run.watcher import Watcher
from pytest_torchnotes.update.rewrite import digest, raw_lines

#: Global state the runner itself changes for every note: not worth reporting.
OURS = frozenset(
    {
        "working directory",
        "sys.path",
        "sys.displayhook",
        "os._exit",
        "signal handler SIGINT",
        "random state",
        "torch CPU random state",
    }
)


#: Freeze the garbage collector's view of the heap after this many new modules.
FREEZE_AFTER_MODULES = 200


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
    #: Folders notes may not change while they run in scratch directories (the rootdir).
    protected: tuple[Path, ...] = ()
    #: Whether a file beside a note is itself a note (not copied into scratch directories).
    is_note: Callable[[Path], bool] = is_note
    #: Plan rewrites of drifted expected output (``--torchnotes-update``).
    update: bool = False
    #: Fail blocks that raise warnings no ``warns`` directive declares.
    strict_warnings: bool = False
    #: The output marker, which rewritten output must not contain.
    marker: Any = OUTPUT_MARKER
    #: Largest expected output update writes, in bytes (0: no limit).
    update_max_bytes: int = 32768
    #: Start a watcher that names the running block if the process dies (serial runs).
    watch_crashes: bool = False
    #: What blocks with IPython magics do: ``run``, ``skip`` or ``error`` (see magics.py).
    magics: str = "run"


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
        self._folders: dict[Path, folders.Folder] = {}
        self._workspaces: dict[Path, workspace.Workspace] = {}
        self._fd: FileDescriptorCapture | None = None
        self._frozen_modules = 0
        self._watcher: Watcher | None = None
        #: Whether nothing was frozen before the runner froze: then it may unfreeze all.
        self._unfreeze = False
        #: Seconds the first note spent importing torch, if it did (see :meth:`took_import`).
        self.torch_import: float | None = None

    def took_import(self) -> float | None:
        """Seconds a note of this runner spent importing torch, once: reported with it."""
        seconds, self.torch_import = self.torch_import, None
        return seconds

    def comparator(self, options: CompareOptions) -> Comparator:
        if options not in self._comparators:
            self._comparators[options] = Comparator(options, self.settings.sanitizers)
        return self._comparators[options]

    def run(
        self,
        document: NoteDocument,
        path: Path,
        display_path: str,
        on_result: Callable[[BlockResult], None] = lambda result: None,
        faulthandler: Faulthandler | None = None,
        names: Mapping[str, Any] | None = None,
    ) -> NoteResult:
        """Run every block of the note ``document`` (read from ``path``) in order, as its
        Sybil examples; ``faulthandler`` is pytest's, for the note's time limits to leave it
        working; ``names`` seed the note's namespace (the ``torchnotes_namespace`` fixture)."""
        note = document.note
        run = self.open(note, path, display_path, document.raw, faulthandler, names)
        if run is None:
            return self.skipped(note, display_path)
        if run.evaluator is not None:  # the examples evaluate in the note's namespace
            document.namespace = run.evaluator.namespace
        document.push_evaluator(run)
        try:
            with run.active():
                for example in document.examples():
                    if run.interrupted:
                        break  # Ctrl-C: no further block runs
                    with suppress(SybilFailure):  # the block's result says how it failed
                        example.evaluate()
                    if not directives.is_directive(example):
                        on_result(run.result.blocks[-1])
        except SessionInterrupted:
            pass  # Ctrl-C between two blocks
        finally:
            document.pop_evaluator(run)
            directives.clear(document)
            result = run.close()
        return result

    def skipped(self, note: ParsedNote, display_path: str) -> NoteResult:
        """The result of a note none of whose blocks runs, and why (see :meth:`open`)."""
        result = NoteResult(display_path)
        if note.config.skip:
            result.skipped = note.config.skip
        elif not note.items:
            result.skipped = "no Python blocks in this note"
        else:
            result.skipped = _first_unmet(note.config.requires)
        return result

    def open(
        self,
        note: ParsedNote,
        path: Path,
        display_path: str,
        raw: RawNote | None = None,
        faulthandler: Faulthandler | None = None,
        names: Mapping[str, Any] | None = None,
    ) -> NoteRun | None:
        """Start running ``note``: isolate it and run its setup code. ``None`` when the
        whole note is skipped (:meth:`skipped` says why). Evaluate its blocks in order with
        :meth:`NoteRun.evaluate`, each inside :meth:`NoteRun.active`, then close it."""
        if self.skipped(note, display_path).skipped is not None:
            return None
        began, imported = time.perf_counter(), "torch" in sys.modules
        import torch

        if not imported:
            self.torch_import = time.perf_counter() - began

        self._freeze_imports()
        context = FailureContext(
            display_path, str(torch.__version__), self.settings.update, self.settings.marker
        )
        if faulthandler is not None and self.settings.watch_crashes:
            if self._watcher is None:
                self._watcher = Watcher(faulthandler.file)
            faulthandler = dataclasses.replace(faulthandler, file=self._watcher.file)
        executor = Executor(
            display_path, fd=self._fd_capture(), faulthandler=faulthandler, watcher=self._watcher
        )
        register_source(display_path, _code_lines(note))
        run = NoteRun(self, note, executor, context, NoteResult(display_path))
        try:
            sandbox = run.stack.enter_context(self._sandbox(note, path, executor, run.result))
            sandbox.namespace.update(names or {})
            run.evaluator = BlockEvaluator(
                executor,
                sandbox.namespace,
                context,
                self.comparator,
                display=self.settings.display,
                strict_warnings=self.settings.strict_warnings,
                magics=self.settings.magics,
                source=self._source(path, raw),
            )
            run.refusing = sandbox.refusing
            with run.active():
                run.setup_error = self._setup(note, executor, sandbox.namespace)
        except BaseException:
            run.close()
            raise
        return run

    def _fd_capture(self) -> FileDescriptorCapture | None:
        """One temporary file for fd-level capture, for the whole session."""
        if self.settings.capture_fd and self._fd is None:
            self._fd = FileDescriptorCapture()
        return self._fd

    def close(self, *, unfreeze: bool = True) -> None:
        """The session is over; ``unfreeze=False`` leaves :meth:`unfreeze` to the caller."""
        if self._fd is not None:
            self._fd.close()
            self._fd = None
        for scratch in self._workspaces.values():
            scratch.remove()
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        if unfreeze:
            self.unfreeze()

    def unfreeze(self) -> None:
        """Give what :meth:`_freeze_imports` froze back to the garbage collector, when
        nothing was frozen before. pytest collects garbage at its very end (twice, each a
        walk of torch's objects once they are unfrozen): call this after that."""
        if self._frozen_modules and self._unfreeze:
            gc.unfreeze()  # the session's objects go back to the collector
            self._frozen_modules = 0

    def _freeze_imports(self) -> None:
        """Once notes have imported many modules (torch, the first time torch.optim is used),
        collect garbage and freeze what is left for the garbage collector: a module's objects
        live as long as the process, and torch's hundreds of thousands would otherwise be
        walked by every full collection of the session."""
        if len(sys.modules) - self._frozen_modules < FREEZE_AFTER_MODULES:
            return
        if self._frozen_modules:  # notes have run: their garbage must not be frozen
            gc.collect()
        else:
            self._unfreeze = gc.get_freeze_count() == 0
        gc.freeze()
        self._frozen_modules = len(sys.modules)

    def _workspace(self, path: Path) -> workspace.Workspace | None:
        """The scratch directory of the note's folder (made once per folder)."""
        root = self.settings.workspace
        if root is None:
            return None
        folder = path.parent
        if folder not in self._workspaces:
            self._folders[folder] = folders.Folder.read(folder, self.settings.is_note)
            self._workspaces[folder] = workspace.Workspace(
                root, folder, folders.base_entries(self._folders[folder])
            )
        return self._workspaces[folder]

    def _source(self, path: Path, raw: RawNote | None) -> NoteSource | None:
        if not self.settings.update or raw is None:
            return None
        return NoteSource(
            str(path),
            raw_lines(raw.original),
            digest(raw.data),
            self.settings.marker,
            self.settings.update_max_bytes,
        )

    @contextmanager
    def _sandbox(
        self, note: ParsedNote, path: Path, executor: Executor, result: NoteResult
    ) -> Iterator[Sandbox]:
        """Isolate one note; afterwards record what global state it changed."""
        code = "\n".join(item.code for item in note.items)
        guards: list[
            patches.AttributeGuard | note_modules.ModulesGuard | torch_configs.ConfigGuard
        ] = []
        names = patches.patched_names(f"{self.settings.setup}\n{code}")
        if names is None or names:
            guards.append(patches.AttributeGuard(patches.patch_targets(), names))
        if "sys.modules" in code:
            guards.append(note_modules.ModulesGuard(code))
        if torch_configs.CONFIG_USE.search(code):
            guards.append(torch_configs.ConfigGuard())
        state = knobs.StateGuard(knobs.every_knob())
        # Torch warns every time while notes run, not once per process, so that every note
        # reports the warnings it triggers. Set before the snapshot: a note that turns it
        # off is put back and named like any other knob.
        warn_always = _torch_warn_always(True)
        state.snapshot()
        root_handlers = start.detach_root_handlers()
        threads = set(threading.enumerate())
        children = processes.descendants() if processes.adopt_orphans() else set()
        saved_main = sys.modules.get("__main__")
        modules = set(sys.modules)
        module = note_modules.new_main_module()
        scratch = self._workspace(path)
        if scratch is not None:
            folder = str(scratch.enter(folders.beside(path, self._folders[path.parent], code)))
            rule = writeguard.rule_for(
                (path.parent, *self.settings.protected), (scratch.root, tempfile.gettempdir())
            )
            refusing: Callable[[], ContextManager[None]] = partial(writeguard.refusing, rule)
        else:
            folder = str(path.parent)
            refusing = nullcontext
        interrupted = executor.interrupted
        at_exit = atexits.AtExitGuard(executor.filename)
        try:
            at_exit.start()
            sys.modules["__main__"] = module
            os.chdir(folder)
            sys.path.insert(0, folder)
            sys.displayhook = start.display
            os._exit = exiting.refusing_exit(os.getpid())  # type: ignore[assignment]
            self._catch_interrupts(interrupted)
            start.seed_everything(
                note.config.seed if note.config.seed is not None else self.settings.seed
            )
            start.reset_print_options()
            yield Sandbox(module.__dict__, refusing)
        finally:
            # Free the note's objects while its working directory and os._exit are still
            # in place: a finalizer that writes a relative path or calls os._exit acts in
            # the note's sandbox, not in the session.
            note_modules.release(module)
            result.at_exit = at_exit.stop()
            if saved_main is not None:
                sys.modules["__main__"] = saved_main
            start.reattach_root_handlers(root_handlers)
            restored = state.restore()
            _torch_warn_always(warn_always)
            for guard in guards:
                restored.extend(guard.restore())
            result.restored = [name for name in restored if name not in OURS]
            note_modules.forget_modules(modules, folder)
            result.processes = processes.end_left(children)
            result.threads = exiting.threads_left(threads)
            if scratch is not None:
                scratch.leave()

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
            (self.settings.setup, 0, "the torchnotes_setup option"),
            (note.config.setup, note.config.setup_line, "the note's front matter"),
        ):
            if not code.strip():
                continue
            try:
                compiled = compile_block(code, executor.filename, line, display=False)
            except SyntaxError as error:
                return f"setup code from {origin} does not compile: {error}"
            execution = executor.run(compiled, namespace)
            if execution.error is not None:
                failure = execution.error
                return (
                    f"setup code from {origin} raised:\n{failure.traceback or failure.describe()}"
                )
        return None

    def _not_run(
        self, item: Block | SetupBlock, reason: str, context: FailureContext
    ) -> BlockResult:
        result = BlockResult(item, FAILED, EXCEPTION, summary="setup failed")
        result.message = (
            f"{location(context.path, item.first_line)}: {item.describe()}: not run: {reason}"
        )
        return result

    def _run_item(
        self,
        item: Block | SetupBlock,
        note: ParsedNote,
        evaluator: BlockEvaluator,
        options: Options,
    ) -> BlockResult:
        """Evaluate ``item`` with the ``options`` its directives give it."""
        if options.skip is not None:
            return BlockResult(item, SKIPPED, reason=options.skip)
        unmet = _first_unmet(options.requires)
        if unmet is not None:
            return BlockResult(item, SKIPPED, reason=unmet)
        if isinstance(item, SetupBlock):
            return evaluator.setup_block(item)
        timeout = options.timeout or note.config.timeout or self.settings.timeout
        compare = options.compare or note.config.compare or self.settings.compare
        return evaluator.block(item, timeout, compare, options)


@dataclass(frozen=True)
class Sandbox:
    """What an isolated note runs in: its ``__main__`` namespace, and what refuses writes
    to the repository while one of its blocks runs."""

    namespace: dict[str, Any]
    refusing: Callable[[], ContextManager[None]]


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
        self.refusing: Callable[[], ContextManager[None]] = nullcontext
        #: Why the setup code failed, if it did: then no block runs.
        self.setup_error: str | None = None
        self.follow_on = FollowOn()
        self.closed = False

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

    def __call__(self, example: Example) -> str | None:
        """Sybil's evaluator contract: evaluate the example's block with the directives the
        evaluators above it applied; ``None`` or how it failed. A directive's example is
        left to its own evaluator."""
        if directives.is_directive(example):
            raise NotEvaluated
        result = self.evaluate(example.parsed, fold(directives.applied(example)))
        return result.message if result.outcome == FAILED else None

    def evaluate(self, item: Block | SetupBlock, options: Options | None = None) -> BlockResult:
        """Run one block with the ``options`` its directives give it (or say why it does not
        run) and add its result to the note's."""
        if self.setup_error is not None or self.evaluator is None:
            block_result = self.runner._not_run(item, self.setup_error or "", self.context)
        else:
            block_result = self.runner._run_item(
                item, self.note, self.evaluator, options or Options()
            )
            self.follow_on.check(block_result, item.code)
        self.result.blocks.append(block_result)
        return block_result

    def close(self) -> NoteResult:
        """End the note's isolation (once) and record what it left behind."""
        if self.closed:
            return self.result
        self.closed = True
        executor = self.executor
        try:
            try:
                executor.close()  # before the sandbox looks for what the note changed
            finally:
                self.result.late = [late.describe() for late in executor.late]
                if self.runner._fd is not None:  # the block's processes may hold the old one
                    self.runner._fd = executor.fd
                self.stack.close()
        except SessionInterrupted:
            pass  # Ctrl-C while the note was put back
        finally:
            forget_source(self.result.path)
        if executor.interrupted.is_set():
            raise KeyboardInterrupt(_interrupted(self.result.path, self.result))
        self.runner._freeze_imports()
        return self.result


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


def _code_lines(note: ParsedNote) -> dict[int, str]:
    lines: dict[int, str] = {}
    for item in note.items:
        for offset, text in enumerate(item.code.split("\n")):
            lines[item.code_line + offset] = text
    return lines


def _torch_warn_always(on: bool) -> bool:
    """Set ``torch.set_warn_always`` and return what it was."""
    torch = sys.modules.get("torch")
    if torch is None:  # pragma: no cover - the knobs of a note import torch first
        return False
    before = bool(torch.is_warn_always_enabled())
    torch.set_warn_always(on)
    return before
