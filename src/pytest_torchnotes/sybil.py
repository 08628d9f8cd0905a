"""Notes for people who already use Sybil: the plugin's parsers and evaluators as Sybil's.

In a ``conftest.py``::

    from sybil import Sybil
    from pytest_torchnotes.sybil import parsers

    pytest_collect_file = Sybil(parsers=parsers(), patterns=["*.md"]).pytest()

Each Python block (or setup comment) of a note is a Sybil region whose ``parsed`` is the
:class:`~pytest_torchnotes.markdown.blocks.Block` and whose evaluator runs it with the plugin's own
machinery (:class:`~pytest_torchnotes.run.noterun.NoteRun`): one pytest item per block, the same
verdicts and the same failure messages as ``pytest --torchnotes``. Each directive is a region
too, an item that passes when it is applied (as Sybil's own skip directives); a block selected
without its directives' items (``-k``, ``--deselect``) still gets them. The plugin's settings
are keyword arguments of :func:`parsers`, written as in the ini file.

A note is isolated as under the plugin (scratch copy of its folder, global state put back,
seeds, a fresh ``__main__``): the isolation opens when its first example is evaluated and
closes after its last one, or, if that one is not run (``-k``), when the next note starts,
when pytest tears the file down (with :func:`torchnotes_sybil`'s ``teardown``), or at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest import SkipTest
from weakref import WeakSet

from sybil import Document, Example, Region
from sybil.example import NotEvaluated
from sybil.typing import Parser

from pytest_torchnotes.markdown.blocks import Block, ParsedNote, SetupBlock
from pytest_torchnotes.markdown.directives import Directive
from pytest_torchnotes.markdown.document import NoteDocument
from pytest_torchnotes.markdown.inforce import in_force
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.markdown.regions import note_parsers
from pytest_torchnotes.markdown.regions.reading import read, settle
from pytest_torchnotes.notelines import location
from pytest_torchnotes.options import Option
from pytest_torchnotes.reporting.problems import warn_problems
from pytest_torchnotes.run.directives import replay
from pytest_torchnotes.run.noterun import skipped_whole
from pytest_torchnotes.run.results import FAILED, SKIPPED, XFAILED, BlockResult
from pytest_torchnotes.run.runner import NoteRun, NoteRunner, RunSettings
from pytest_torchnotes.settings import Settings, build_settings

#: The settings :func:`parsers` accepts (the ini keys without ``torchnotes_``). Which files
#: are notes is Sybil's ``patterns``; update mode and run reports need the plugin.
SETTINGS = (
    "compare",
    "sanitize",
    "languages",
    "output_fence",
    "output_label",
    "indented_output",
    "indented_sessions",
    "comment_output",
    "marker",
    "display",
    "seed",
    "setup",
    "timeout",
    "capture_fd",
    "strict_warnings",
    "isolate_cwd",
    "magics",
    "transcripts",
)


class TorchnotesSybilWarning(UserWarning):
    """Something in a note that is not run as it may look (as the plugin's warning)."""


def parse_settings(**values: Any) -> Settings:
    """The plugin's settings from keyword arguments, parsed as the ini values are.

    >>> parse_settings(timeout="5").run.timeout
    5.0
    """
    unknown = sorted(set(values) - set(SETTINGS))
    if unknown:
        raise TypeError(
            f"parsers() got unknown settings {', '.join(unknown)}; it accepts: "
            + ", ".join(SETTINGS)
        )

    def lookup(setting: Option) -> tuple[Any, str]:
        if setting.name in values:
            return values[setting.name], f"parsers({setting.name}=...)"
        return setting.default, f"the default of {setting.name}"

    return build_settings(lookup)


def parsers(**settings: Any) -> list[Parser]:
    """Sybil parsers that read and run notes as ``pytest --torchnotes`` does: the plugin's
    parser of each kind of region and output convention
    (:func:`~pytest_torchnotes.markdown.regions.note_parsers`)
    and the :class:`NoteRunParser` that runs each note's blocks as the plugin does.

    ``settings`` are the plugin's ini settings without ``torchnotes_`` (``compare=``,
    ``timeout=``, ``output_fence=`` ...; see :data:`SETTINGS`), as strings or lists of
    strings; a bad value raises :class:`~pytest_torchnotes.settings.SettingsError`.
    """
    run_parser = NoteRunParser(parse_settings(**settings))
    return [*note_parsers(reader=run_parser.reader), run_parser]


def torchnotes_sybil(**settings: Any) -> dict[str, Any]:
    """Keyword arguments for ``Sybil(**torchnotes_sybil(), patterns=[...])``: the parsers,
    a document type that reports unreadable notes as failures (not collection errors), and a
    ``teardown`` that ends a note's isolation even when its last block is deselected."""
    run_parser = NoteRunParser(parse_settings(**settings))
    return {
        "parsers": [*note_parsers(reader=run_parser.reader), run_parser],
        "document_types": {".md": SybilNoteDocument, ".markdown": SybilNoteDocument},
        "teardown": lambda namespace: run_parser.notes.finish(),
    }


class SybilNoteDocument(NoteDocument):
    """A note read as the plugin reads it (BOM, CRLF, bad bytes named by line); a note that
    cannot be read is still given to the parsers, which report it as a failing example."""

    parse_unreadable = True


class NoteRunParser:
    """A Sybil parser that runs each note's examples as the plugin does: it pushes the note's
    :class:`NoteEvaluator` onto the document, and yields no region but the one of a note
    whose Markdown or directives are wrong, which fails with every problem (as the plugin's
    note item does). The regions of the blocks come from the parsers of each kind."""

    def __init__(self, settings: Settings) -> None:
        #: What reads the note, shared with the parsers of each kind.
        self.reader = NoteParser(settings.note_format)
        self.notes = Notes(settings)

    def __repr__(self) -> str:
        return "NoteRunParser()"

    def __call__(self, document: Document) -> Iterator[Region]:
        note = read(document, self.reader).note
        evaluator = NoteEvaluator(self.notes, note, _display_path(document.path))
        document.push_evaluator(evaluator)
        if note.errors:
            start, end = _line_span(note, note.errors[0].line_index, document.end)
            yield Region(start, end, note, evaluator)


def _line_span(note: ParsedNote, line: int, end: int) -> tuple[int, int]:
    """Where the 0-based ``line`` of the note starts and ends in its text."""
    start = min(sum(len(text) + 1 for text in note.lines[:line]), end)
    length = len(note.lines[line]) if 0 <= line < len(note.lines) else 0
    return start, min(start + length, end)


def _display_path(path: str) -> str:
    """The note's path as the plugin shows it: relative to where pytest was started."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path


class NoteEvaluator:
    """Sybil's evaluator of one note's examples, pushed onto its document: it opens the
    note's run with the first block evaluated and closes it after the last, gives a block
    the directives in force at it, and leaves the block to its region's evaluator (its
    kind's, :mod:`pytest_torchnotes.run.kinds`), whose answer is ``None`` or the failure
    message the plugin shows, :class:`~unittest.SkipTest` for a skipped block, and pytest's
    xfail outcome for a block that fails as its ``xfail`` directive says."""

    def __init__(self, notes: Notes, note: ParsedNote, display_path: str) -> None:
        self.notes = notes
        self.note = note
        self.display_path = display_path
        self.evaluated = 0
        #: The directives in force at each block, should their own items not be evaluated.
        self.in_force = in_force(note) if not note.errors else {}

    def __repr__(self) -> str:
        return f"<torchnotes evaluator of {self.display_path}>"

    def __call__(self, example: Example) -> str | None:
        item = example.parsed
        if not isinstance(item, (Block, SetupBlock, Directive, ParsedNote)):
            raise NotEvaluated  # another parser's region
        settle(example.document)  # a part no parser read is a problem of the note
        if self.note.errors:
            return "\n".join(
                f"{location(self.display_path, problem.line_index)}: {problem.message}"
                for problem in self.note.errors
            )
        if not isinstance(item, (Block, SetupBlock)):  # a directive
            whole = skipped_whole(self.note)
            if whole is not None:  # its blocks are skipped: it applies to nothing
                raise SkipTest(whole)
            raise NotEvaluated  # the directive's own evaluator applies it
        kind = example.region.evaluator
        assert kind is not None
        run = self.notes.start(self, Path(example.path), example.document)
        self.evaluated += 1
        try:
            if run is None:
                reason = self.notes.runner.skipped(self.note, self.display_path).skipped
                raise SkipTest(reason or "skipped")
            if run.evaluator is not None:  # names Sybil gives the document: setup, fixtures
                run.evaluator.namespace.update(example.namespace)
            replay(example, self.in_force.get(item.first_line, ()))
            with run.active():
                return kind(example)  # its kind's evaluator: run.answer
        finally:
            if self.evaluated >= len(self.note.items) or (run is not None and run.interrupted):
                self.notes.finish()


def sybil_answer(result: BlockResult) -> str | None:
    """Sybil's answer for a block's result: ``None``, the failure message, a skip, or
    pytest's "expected to fail"."""
    if result.outcome == FAILED:
        return result.message
    if result.outcome == SKIPPED:
        raise SkipTest(result.reason or "skipped")
    if result.outcome == XFAILED:
        raise _xfail(result.reason or "xfail")
    return None


def _xfail(reason: str) -> BaseException:
    """pytest's "expected to fail" outcome; a skip under other runners."""
    try:
        import pytest
    except ImportError:  # pragma: no cover - Sybil's unittest integration without pytest
        return SkipTest(f"xfail: {reason}")
    return pytest.xfail.Exception(reason)


#: The :class:`Notes` with a note open now, in this process.
OPEN: WeakSet[Notes] = WeakSet()


def finish_notes_but(path: Path | None) -> None:
    """End the isolation of every open note but the one read from ``path``: the plugin calls
    this after each pytest item with the next item's file (``None`` after the last), so a note
    whose last block is deselected ends before the next test, not at the next note or exit."""
    for notes in list(OPEN):
        if path is None or notes.path != path:
            notes.finish()


class Notes:
    """The runner shared by a :func:`parsers` call's notes, and the one note open now."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._runner: NoteRunner | None = None
        self.workspace: Path | None = None
        self.current: NoteEvaluator | None = None
        self.run: NoteRun | None = None
        #: The file of the note open now, and its document.
        self.path: Path | None = None
        self.document: Document | None = None

    @property
    def runner(self) -> NoteRunner:
        if self._runner is None:
            run: RunSettings = self.settings.run
            if self.settings.isolate_cwd:
                self.workspace = Path(tempfile.mkdtemp(prefix="torchnotes-"))
                run = replace(run, workspace=self.workspace)
            self._runner = NoteRunner(run)
            atexit.register(self.close)
        return self._runner

    def start(self, evaluator: NoteEvaluator, path: Path, document: Document) -> NoteRun | None:
        """The open run of ``evaluator``'s note: opened (closing another note's) on first use
        and pushed onto its ``document``, where its regions' evaluators find it."""
        if self.current is evaluator:
            return self.run
        self.finish()
        self.current = evaluator
        warn_problems(
            evaluator.display_path,
            str(path),
            evaluator.note.lines,
            evaluator.note.warnings,
            TorchnotesSybilWarning,
        )
        self.run = self.runner.open(evaluator.note, path, evaluator.display_path)
        if self.run is not None:
            self.run.answers = sybil_answer
            self.path, self.document = path, document
            document.push_evaluator(self.run)
            OPEN.add(self)
        return self.run

    def finish(self) -> None:
        """End the open note's isolation, if a note is open."""
        run, self.run, self.current, self.path = self.run, None, None, None
        document, self.document = self.document, None
        OPEN.discard(self)
        if document is not None and run is not None:
            document.pop_evaluator(run)
        if run is not None:
            run.close()

    def close(self) -> None:
        self.finish()
        if self._runner is not None:
            self._runner.close()
            self._runner = None
        if self.workspace is not None:
            shutil.rmtree(self.workspace, ignore_errors=True)
            self.workspace = None
