"""Run notes one after the other with the same settings: each note opened (isolated by
run/sandbox.py, its setup code run), its blocks evaluated in order (run/noterun.py), closed."""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sybil.example import SybilFailure

from pytest_torchnotes import defaults
from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.failures import FailureContext
from pytest_torchnotes.comparison.normalize import Step
from pytest_torchnotes.markdown.blocks import Block, ParsedNote
from pytest_torchnotes.markdown.document import NoteDocument, RawNote
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER
from pytest_torchnotes.notefiles import is_note
from pytest_torchnotes.run import directives, folders, unaudited, workspace, writeguard
from pytest_torchnotes.run.capture import FileDescriptorCapture
from pytest_torchnotes.run.codecache import CodeCache
from pytest_torchnotes.run.compiling import compile_block, register_source
from pytest_torchnotes.run.continuity import Continuity
from pytest_torchnotes.run.evaluate import BlockEvaluator
from pytest_torchnotes.run.execute import Executor
from pytest_torchnotes.run.faulttimer import HeldTimer
from pytest_torchnotes.run.freezing import ImportFreezer
from pytest_torchnotes.run.noterun import NoteRun as NoteRun
from pytest_torchnotes.run.noterun import skipped_whole
from pytest_torchnotes.run.planning import NoteSource
from pytest_torchnotes.run.repowatch import FolderWatch
from pytest_torchnotes.run.results import BlockResult, NoteResult
from pytest_torchnotes.run.sandbox import SessionInterrupted as SessionInterrupted
from pytest_torchnotes.run.sandbox import sandbox
from pytest_torchnotes.run.watchdog import Faulthandler
from pytest_torchnotes.run.watcher import CrashPlan, Watcher
from pytest_torchnotes.update.apply import raw_lines
from pytest_torchnotes.update.rewrite import digest


@dataclass(frozen=True)
class RunSettings:
    """Everything that decides how notes run, resolved from ini, command line and defaults."""

    compare: CompareOptions = field(default_factory=CompareOptions)
    sanitizers: tuple[Step, ...] = ()
    display: bool = True
    seed: int = defaults.SEED
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
    update_max_bytes: int = defaults.UPDATE_MAX_BYTES
    #: Start a watcher that names the running block if the process dies (serial runs).
    watch_crashes: bool = False
    #: What blocks with IPython magics do: ``run``, ``skip`` or ``error`` (see magics.py).
    magics: str = defaults.MAGICS
    #: How ``>>>`` transcripts are checked: ``doctest`` or ``xdoctest`` (see xdoctest.py).
    transcripts: str = defaults.TRANSCRIPTS
    #: Info strings of fences read as a block's output (``torchnotes_output_fence``), for
    #: the flag a message names to read one more (``fence_option.py``).
    output_fences: frozenset[str] = frozenset(defaults.OUTPUT_FENCES)


class NoteRunner:
    """Runs notes one after the other with the same settings."""

    def __init__(self, settings: RunSettings) -> None:
        self.settings = settings
        self._comparators: dict[CompareOptions, Comparator] = {}
        self._folders: dict[Path, folders.Folder] = {}
        self._workspaces: dict[Path, workspace.Workspace] = {}
        self._fd: FileDescriptorCapture | None = None
        self._freezer = ImportFreezer()
        self._watcher: Watcher | None = None
        #: The session's items and command, for the watcher to name those a crash left
        #: unrun, and the place of the note about to run among them (:meth:`at_item`).
        self.crash_plan: CrashPlan | None = None
        self._position = 0
        #: Seconds the first note spent importing torch, if it did (see :meth:`took_import`).
        self.torch_import: float | None = None
        #: The state a note found, for the next one when nothing ran between them: off
        #: until the driver, which knows what runs between notes, turns it on.
        self.continuity = Continuity()
        #: faulthandler's timer, the hard limit of the notes' blocks (:mod:`.faulttimer`).
        self.held_timer = HeldTimer()
        #: Whether the next item is a note that follows at once, with nothing but the
        #: session's code before it: the note about to run then leaves the hard limit's
        #: timer armed for it. Set by the driver, which knows the next item.
        self.next_note_follows = False
        #: Where the compiled code of the blocks is kept between runs (``None``: nowhere;
        #: the driver gives one when it has a cache folder).
        self.code_cache: CodeCache | None = None

    def at_item(self, position: int) -> None:
        """The note about to run is item ``position`` (from 1) of :attr:`crash_plan`."""
        self._position = position

    def item_ended(self, outcome: str) -> None:
        """The note of :meth:`at_item` ended ``passed``, ``failed`` or ``skipped``: the
        watcher's JUnit XML says so if the process dies later."""
        if self._watcher is not None:
            self._watcher.ended(self._position, outcome)

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
                    evaluated = len(run.result.blocks)
                    with suppress(SybilFailure):  # the block's result says how it failed
                        example.evaluate()
                    if not directives.is_directive(example):
                        if len(run.result.blocks) == evaluated:  # never reached the run
                            run.result.blocks.append(run.not_evaluated(example.parsed))
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
        result.skipped = skipped_whole(note)
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
                self._watcher = Watcher(faulthandler.file, self.crash_plan)
            self._watcher.at(self._position)
            faulthandler = dataclasses.replace(faulthandler, file=self._watcher.file)
        executor = Executor(
            display_path,
            fd=self._fd_capture(),
            faulthandler=faulthandler,
            watcher=self._watcher,
            held=self.held_timer,
        )
        register_source(display_path, _code_lines(note))
        run = NoteRun(self, note, executor, context, NoteResult(display_path))
        run.scratch = self.settings.workspace is not None
        try:
            scratch = self._workspace(path)
            if scratch is not None:
                # Writers that the write guard wraps, on for the session (until close):
                # before anything the note may patch is saved (classes, attributes, os).
                unaudited.session_writers(self)
            isolated = run.stack.enter_context(
                sandbox(
                    self.settings,
                    note,
                    path,
                    executor,
                    run.result,
                    scratch,
                    self._folders,
                    self.continuity,
                )
            )
            isolated.namespace.update(names or {})
            run.evaluator = BlockEvaluator(
                executor,
                isolated.namespace,
                context,
                self.comparator,
                display=self.settings.display,
                strict_warnings=self.settings.strict_warnings,
                magics=self.settings.magics,
                transcripts=self.settings.transcripts,
                source=self._source(path, raw),
                kept=None if self.code_cache is None else self.code_cache.note(display_path),
            )
            run.refusing = isolated.refusing
            with run.active():
                run.setup_error = self._setup(note, executor, isolated.namespace)
            run.watch = self._folder_watch(path, display_path)
            if run.watch is not None:
                run.watch.start()
        except BaseException:
            run.close()
            raise
        return run

    def _folder_watch(self, path: Path, display_path: str) -> FolderWatch | None:
        """The note's folder looked at after each block, where the write guard protects it."""
        root = self.settings.workspace
        if root is None:
            return None
        rule = writeguard.rule_for(
            (path.parent, *self.settings.protected), (root, tempfile.gettempdir())
        )
        if not rule.refuses(os.path.realpath(path.parent)):
            return None
        return FolderWatch.of(str(path.parent), os.path.dirname(display_path))

    def _fd_capture(self) -> FileDescriptorCapture | None:
        """One temporary file for fd-level capture, for the whole session."""
        if self.settings.capture_fd and self._fd is None:
            self._fd = FileDescriptorCapture()
        return self._fd

    def close(self, *, unfreeze: bool = True) -> None:
        """The session is over; ``unfreeze=False`` leaves :meth:`unfreeze` to the caller."""
        self.held_timer.close()
        if self._fd is not None:
            self._fd.close()
            self._fd = None
        for scratch in self._workspaces.values():
            scratch.remove()
        unaudited.release(self)
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        if unfreeze:
            self.unfreeze()

    def unfreeze(self) -> None:
        """Give what :meth:`_freeze_imports` froze back to the garbage collector
        (:meth:`.ImportFreezer.unfreeze`): call this after pytest's last collections."""
        self._freezer.unfreeze()

    def _freeze_imports(self) -> None:
        """Freeze the modules notes imported, once they are many (:class:`.ImportFreezer`)."""
        self._freezer.freeze()

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


#: A ``>>>`` or ``...`` prompt and the space after it, at the start of a transcript's line.
PROMPTS = (">>> ", "... ")


def _code_lines(note: ParsedNote) -> dict[int, str]:
    """The source of each note line that holds code, for tracebacks and ``inspect``: a
    ``>>>`` transcript's lines with their prompts blanked, as the code runs (PyTorch's
    docstrings hand a function or class they define to ``torch.jit.script``, which reads
    its source back), and none of its output."""
    lines: dict[int, str] = {}
    for item in note.items:
        transcript = isinstance(item, Block) and item.doctest
        for offset, text in enumerate(item.code.split("\n")):
            if transcript:  # string methods: a regular expression per line cost 4 times more
                code = text.lstrip(" \t")
                code = "    " + code[4:] if code[:4] in PROMPTS else ""
                text = text[: len(text) - len(text.lstrip(" \t"))] + code if code else ""
            lines[item.code_line + offset] = text
    return lines
