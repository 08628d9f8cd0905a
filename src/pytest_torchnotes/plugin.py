"""pytest glue: options, collection of notes, one item per note, a report per block.

A note is one pytest item, so selecting it (``-k``, ``--lf``, a node id) always runs its
blocks from the first, in one namespace, and costs one item however many blocks it has.
Each block still gets its own result: blocks that fail, are skipped or expected to fail are
reported on their own (``-rs`` lists every skip with its note line), and ``-v`` shows every
block with its line and heading.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import warnings
from collections.abc import Generator, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from _pytest.fixtures import TopRequest

from pytest_torchnotes.notefiles import DEFAULT_PATTERNS
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.options import OPTIONS, Option
from pytest_torchnotes.quoting import LINE_LIMIT, cut
from pytest_torchnotes.readablenames import readable

if TYPE_CHECKING:
    from pytest_torchnotes.markdown.blocks import Problem
    from pytest_torchnotes.markdown.document import NoteDocument
    from pytest_torchnotes.markdown.noteformat import NoteFormat
    from pytest_torchnotes.markdown.parsers import NoteParser
    from pytest_torchnotes.markdown.regions import KindParser
    from pytest_torchnotes.notenames import NoteNames
    from pytest_torchnotes.reporting.report import NoteRecord, RunReport
    from pytest_torchnotes.run.results import BlockResult, NoteResult
    from pytest_torchnotes.run.runner import NoteRunner
    from pytest_torchnotes.run.watchdog import Faulthandler
    from pytest_torchnotes.settings import Settings

SETTINGS: pytest.StashKey[Settings] = pytest.StashKey()
RUNNER: pytest.StashKey[NoteRunner] = pytest.StashKey()
PARSERS: pytest.StashKey[list[KindParser]] = pytest.StashKey()
#: The folder of pytest's cache (``.pytest_cache/d/...``) that keeps the notes' parses.
PARSE_CACHE = "torchnotes-parse"
#: The folder of pytest's cache that keeps the blocks' compiled code.
CODE_CACHE = "torchnotes-code"
#: The keys of the entries of each of those folders that this session used.
CACHE_USED: pytest.StashKey[dict[str, set[bytes]]] = pytest.StashKey()
NAMES: pytest.StashKey[NoteNames] = pytest.StashKey()


class TorchnotesWarning(UserWarning):
    """Something in a note that is not run as it may look: reported, never dropped silently."""


class NoteError(Exception):
    """A note that cannot run: it could not be read, or its Markdown or directives are wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


class NoteFailed(Exception):
    """Some blocks of a note failed; each was reported on its own."""

    def __init__(self, failures: list[BlockResult]) -> None:
        super().__init__(failures)
        self.failures = failures


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("torchnotes", "torchnotes: verify the Python blocks of Markdown notes")
    for option in OPTIONS:
        parser.addini(
            option.ini,
            option.help,
            type=option.ini_type,  # type: ignore[arg-type]
            default=option.default,
        )
        if not option.cli:
            continue
        if option.flag:
            group.addoption(
                option.cli,
                action="store_const",
                const="true",
                dest=option.ini,
                default=None,
                help=f"{option.help} (ini: {option.ini})",
            )
        else:
            group.addoption(
                option.cli,
                action="append" if option.repeat else "store",
                dest=option.ini,
                default=None,
                metavar="VALUE",
                help=f"{option.help} (ini: {option.ini})",
            )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, args: list[str]) -> None:
    """``--torchnotes-report PATH`` with an existing PATH: see :mod:`.cmdline`."""
    if not any(arg.startswith("--torchnotes-") for arg in args):
        return
    from pytest_torchnotes.cmdline import repair_setup

    repair_setup(early_config, args)


def _in_use(config: pytest.Config) -> bool:
    """Whether this session may collect notes: a torchnotes ini key or flag is set."""
    return any(
        config.getini(option.ini) != option.default
        or (option.cli and config.getoption(option.ini, None) is not None)
        for option in OPTIONS
    )


#: Where the paths a run collects come from when a person named them: the command line or
#: ``testpaths``, not the folder pytest was started in.
_NAMED = (pytest.Config.ArgsSource.ARGS, pytest.Config.ArgsSource.TESTPATHS)


def _named_notes(
    config: pytest.Config, patterns: tuple[str, ...], roots: tuple[Path, ...]
) -> frozenset[Path]:
    """The notes named on the command line or in ``testpaths`` outside ``roots`` (a folder
    named there gets a hint instead: :func:`_uncollected_hints`)."""
    if config.args_source not in _NAMED:
        return frozenset()
    from pytest_torchnotes.defaults import NAMED_NOTE_PATTERNS
    from pytest_torchnotes.optin import named_notes

    patterns = (*patterns, *NAMED_NOTE_PATTERNS)
    return named_notes(config.args, config.invocation_params.dir, patterns, roots)


def _build_settings(config: pytest.Config) -> Settings:
    from pytest_torchnotes.settings import SettingsError, build_settings

    inifile = config.inipath.name if config.inipath is not None else "the ini file"

    def lookup(option: Option) -> tuple[Any, str]:
        value = config.getoption(option.ini, default=None) if option.cli else None
        if value is not None:
            return value, option.cli
        return config.getini(option.ini), f"{option.ini} in {inifile}"

    try:
        return build_settings(lookup)
    except SettingsError as error:
        raise pytest.UsageError(f"torchnotes: {error}") from None


#: The line that says how many workers ``-n auto`` started for the notes, and why.
AUTO_WORKERS: pytest.StashKey[str] = pytest.StashKey()


@pytest.hookimpl(optionalhook=True, tryfirst=True)  # before xdist's own count
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """pytest-xdist's ``-n auto`` and ``-n logical``: one worker for each worker's start of
    notes to run, none when that is fewer than two (:mod:`.workercount`). A run that also
    collects Python test modules, or where ``PYTEST_XDIST_AUTO_NUM_WORKERS`` is set, gets
    xdist's own count."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    named = _named_notes(config, DEFAULT_PATTERNS, ())
    if not _in_use(config) and not named:
        return None
    from xdist.plugin import (  # type: ignore[import-untyped]
        pytest_xdist_auto_num_workers as xdist_count,
    )

    from pytest_torchnotes import workercount

    settings = _build_settings(config)
    included = None if settings.collect_all else settings.paths + tuple(named)
    paths = [Path(config.invocation_params.dir, arg.partition("::")[0]) for arg in config.args]
    durations: dict[str, float] = {}
    start = None
    cache_dir = cache_folder(config)
    if cache_dir is not None:
        durations = workercount.read_durations(cache_dir)
        start = workercount.read_worker_start(cache_dir)
    estimate = workercount.estimate(
        paths,
        included,
        settings.patterns,
        config.getini("norecursedirs"),
        config.getini("python_files"),
        config.rootpath,
        durations,
        start,
    )
    if estimate.modules or not estimate.notes:
        return None
    most = xdist_count(config)
    workers = estimate.workers(most)
    config.stash[AUTO_WORKERS] = estimate.line(workers, most)
    return workers


def cache_folder(config: pytest.Config) -> Path | None:
    """pytest's cache folder, found as pytest finds it, for a hook that runs before
    ``config.cache`` exists (pytest-xdist asks how many workers ``-n auto`` starts first);
    ``None`` without pytest's cache, and under ``--cache-clear``, which empties it first."""
    if not config.pluginmanager.has_plugin("cacheprovider"):  # else no cache_dir ini key either
        return None
    if config.getoption("cacheclear", False):
        return None
    return pytest.Cache.cache_dir_from_config(config, _ispytest=True)


def pytest_configure(config: pytest.Config) -> None:
    in_use = _in_use(config)
    if not in_use and not _named_notes(config, DEFAULT_PATTERNS, ()):
        return  # a project that keeps no notes pays nothing more
    # pytest calls a plugin registered later first: this is added before pytest's own
    # plugins add their clean-ups, and runs after them (after the garbage collections of
    # its last clean-up; tests/test_plugin_leaks.py checks it).
    config.add_cleanup(partial(_unfreeze, config))
    from pytest_torchnotes.markdown.regions import note_parsers

    settings = _build_settings(config)
    import dataclasses

    from pytest_torchnotes.notenames import NoteNames, linked_roots

    # A link to a folder of notes named on the command line holds notes as the folder does.
    linked = linked_roots(config.args, config.invocation_params.dir, settings.paths)
    if linked:
        settings = dataclasses.replace(settings, paths=settings.paths + linked)
    config.stash[SETTINGS] = settings
    if settings.cache_runs is not None and getattr(config, "cache", None) is not None:
        used: dict[str, set[bytes]] = {PARSE_CACHE: set(), CODE_CACHE: set()}
        config.stash[CACHE_USED] = used
        pruning = CachePruning(config, used, settings.cache_runs)
        config.pluginmanager.register(pruning, "torchnotes-cache-pruning")
    config.stash[PARSERS] = note_parsers(reader=_reader(config, settings.note_format))
    if not settings.collect_all:
        named = _named_notes(config, settings.patterns, settings.paths)
        if named:
            config.pluginmanager.register(NamedNotes(named), "torchnotes-named-notes")

    config.stash[NAMES] = NoteNames()
    config.pluginmanager.register(OnceEach(config.stash[NAMES]), "torchnotes-once-each")
    if settings.run.update:
        config.pluginmanager.register(Updates(config), "torchnotes-update")
    config.pluginmanager.register(Reporting(config, settings.report), "torchnotes-reporting")
    if getattr(config.option, "xmlpath", None) and not hasattr(config, "workerinput"):
        config.pluginmanager.register(JunitNoteCounts(config), "torchnotes-junit-counts")


def _reader(config: pytest.Config, note_format: NoteFormat) -> NoteParser:
    """The reader of the session's notes: one that keeps each note's parse in pytest's
    cache, where there is one (not under ``-p no:cacheprovider`` or
    ``--torchnotes-cache=off``), for the next run."""
    from pytest_torchnotes.markdown.parsers import NoteParser

    used = config.stash.get(CACHE_USED, None)
    if used is None:
        return NoteParser(note_format)
    from pytest_torchnotes.markdown.parsecache import CachedNoteParser, ParseCache, code_fingerprint

    cache = ParseCache(
        partial(config.cache.mkdir, PARSE_CACHE), code_fingerprint, used[PARSE_CACHE]
    )
    return CachedNoteParser(note_format, cache)


class CachePruning:
    """At the end of the session, the entries of the parse and code caches that no recent
    run used are removed (:mod:`pytest_torchnotes.cachepruning`): in a serial run, or on the
    pytest-xdist controller, with the entries every worker used; a worker sends those."""

    def __init__(self, config: pytest.Config, used: dict[str, set[bytes]], keep_runs: int) -> None:
        self.config = config
        self.used = used
        self.keep_runs = keep_runs

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        from pytest_torchnotes.cacheentries import DIGEST_SIZE

        sent = getattr(node, "workeroutput", {}).get("torchnotes_cache_used")
        for name, keys in sent.items() if isinstance(sent, dict) else ():
            if name in self.used and isinstance(keys, bytes):
                self.used[name].update(
                    keys[start : start + DIGEST_SIZE] for start in range(0, len(keys), DIGEST_SIZE)
                )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        if hasattr(self.config, "workerinput"):
            output = self.config.workeroutput  # type: ignore[attr-defined]
            output["torchnotes_cache_used"] = {
                name: b"".join(sorted(keys)) for name, keys in self.used.items()
            }
            return
        for name, keys in self.used.items():
            if keys:  # a session that used no entry of a folder ages none of them
                self._prune(name, keys)

    def _prune(self, name: str, keys: set[bytes]) -> None:
        from pytest_torchnotes.cachepruning import prune

        if name == PARSE_CACHE:
            from pytest_torchnotes.markdown.parsecache import SUFFIX
        else:
            from pytest_torchnotes.run.codecache import SUFFIX
        try:
            folder = self.config.cache.mkdir(name)
        except OSError:
            return
        prune(folder, SUFFIX, (key.hex() + SUFFIX for key in keys), self.keep_runs)


@pytest.fixture
def torchnotes_namespace() -> dict[str, Any]:
    """A dict whose names every note starts with, as ``doctest_namespace`` is for doctests.

    Fill it in a ``conftest.py`` with an autouse fixture; it applies to the notes in that
    folder and below::

        @pytest.fixture(autouse=True)
        def imports(torchnotes_namespace):
            torchnotes_namespace["torch"] = torch
    """
    return {}


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> NoteFile | None:
    settings = parent.config.stash.get(SETTINGS, None)
    if settings is None or not settings.should_collect(file_path):
        return None
    name, nodeid = _readable_node(file_path, parent)
    return NoteFile.from_parent(parent, path=file_path, name=name, nodeid=nodeid)


def _readable_node(path: Path, parent: pytest.Collector) -> tuple[str | None, str | None]:
    """The name and node id of a file or folder whose path is not UTF-8, written so that
    they can be shown and sent (:mod:`.readablenames`); ``None`` (pytest's) for any other."""
    whole = path.as_posix()
    if readable(whole) == whole:
        return None, None
    try:
        relative = path.relative_to(parent.config.rootpath).as_posix()
    except ValueError:
        relative = whole
    return readable(path.name), readable(relative)


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A folder of notes whose path is not UTF-8 gets a node id that can be sent."""
    settings = parent.config.stash.get(SETTINGS, None)
    if settings is None or not (
        settings.collect_all or any(path == root or root in path.parents for root in settings.paths)
    ):
        return None
    _warn_not_regular(path, settings.patterns, parent.config.rootpath)
    name, nodeid = _readable_node(path, parent)
    if nodeid is None or (path / "__init__.py").is_file():
        return None  # pytest's own (a package keeps its own)
    # pytest.Dir.from_parent takes no name: the constructor of every file system node does
    directory: pytest.Dir = super(pytest.Dir, pytest.Dir).from_parent(
        parent,
        path=path,
        name=name,  # type: ignore[call-arg]
        nodeid=nodeid,
    )
    return directory


def _warn_not_regular(folder: Path, patterns: Sequence[str], root: Path) -> None:
    """Name each entry of a folder of notes that pytest leaves out without a word: named as
    a note, it is not a regular file (a FIFO, a dangling or looping link)."""
    from pytest_torchnotes.notefiles import not_regular

    for path, what in not_regular(folder, patterns):
        message = (
            f"{readable(os.path.relpath(path, root))}: not collected: it is {what}, not a "
            "regular file, and notes are read from regular files (replace it with the note's "
            "file, or rename it out of torchnotes_patterns)"
        )
        # Filed under the folder: a warning's file is read for its source line, and a FIFO
        # would wait for a writer for ever.
        warnings.warn_explicit(
            TorchnotesWarning(message), TorchnotesWarning, readable(str(folder)), 0
        )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A folder of notes that is a link back to a folder it is in is not entered."""
    settings = config.stash.get(SETTINGS, None)
    if settings is None or not (
        settings.collect_all or any(root in collection_path.parents for root in settings.paths)
    ):
        return None
    return True if config.stash[NAMES].loops_back(collection_path) else None


def pytest_report_collectionfinish(
    config: pytest.Config, start_path: Path, items: list[pytest.Item]
) -> list[str]:
    """One line on the notes and folders left out as names of what was collected; one for
    each folder named on the command line whose notes were not collected, when the run
    collected nothing or under ``-v`` (a project's docs beside its tests stay quiet)."""
    names = config.stash.get(NAMES, None)
    line = None if names is None else names.line(start_path)
    collected = [item.path for item in items if isinstance(item, NoteItem)]
    return ([] if line is None else [line]) + _uncollected_hints(config, collected, bool(items))


#: The hints of the folders of notes left out, for the xdist controller's summary (the
#: workers collect, and what they report after their collection is not shown).
CONTROLLER_HINTS: pytest.StashKey[list[str]] = pytest.StashKey()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """pytest-xdist's controller: the hints a serial run shows after its collection, from
    the node ids the first worker collected."""
    config = node.config
    if CONTROLLER_HINTS in config.stash:
        return
    suffix = f"::{NOTE_ITEM_NAME}"
    collected = [
        config.rootpath / nodeid[: -len(suffix)] for nodeid in ids if nodeid.endswith(suffix)
    ]
    config.stash[CONTROLLER_HINTS] = _uncollected_hints(config, collected, bool(ids))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for line in config.stash.get(CONTROLLER_HINTS, []):
        terminalreporter.write_line(line)


def _uncollected_hints(config: pytest.Config, collected: list[Path], any_items: bool) -> list[str]:
    """The hint of each folder named on the command line or in ``testpaths`` that holds notes
    none of which ``collected`` holds, when the run collected nothing (``any_items``
    false) or under ``-v``."""
    if config.args_source not in _NAMED:
        return []
    if any_items and config.get_verbosity() <= 0:
        return []
    settings = config.stash.get(SETTINGS, None)
    if settings is not None and settings.collect_all:
        return []
    from pytest_torchnotes.optin import uncollected_hints

    return uncollected_hints(
        config.args,
        config.invocation_params.dir,
        collected=collected,
        roots=settings.paths if settings is not None else (),
        patterns=settings.patterns if settings is not None else DEFAULT_PATTERNS,
        skipped=config.getini("norecursedirs"),
        inipath=config.inipath,
        rootpath=config.rootpath,
    )


class NamedNotes:
    """Collects a note named on the command line outside ``torchnotes_paths`` (and without
    ``--torchnotes``) when nothing else collected it: pytest would otherwise stop with "not
    found", so no run that works changes. A conftest or plugin that collects the file
    (``--doctest-glob``, Sybil) keeps it."""

    def __init__(self, paths: frozenset[Path]) -> None:
        self.paths = paths

    @pytest.hookimpl(wrapper=True)
    def pytest_collect_file(
        self, file_path: Path, parent: pytest.Collector
    ) -> Generator[None, list[pytest.Collector], list[pytest.Collector]]:
        collectors = yield
        if collectors or file_path not in self.paths:
            return collectors
        name, nodeid = _readable_node(file_path, parent)
        return [NoteFile.from_parent(parent, path=file_path, name=name, nodeid=nodeid)]


#: The name of a note's one item. Its node id is ``notes/x.md::note``: the path says which
#: note, and the short test summary keeps its room for the block's line and message.
NOTE_ITEM_NAME = "note"


class NoteFile(pytest.File):
    """A Markdown note: one item. The note is read when it runs, not when it is collected:
    collecting thousands of notes costs next to nothing, and under pytest-xdist each worker
    reads only the notes it runs."""

    def collect(self) -> Iterator[NoteItem]:
        yield NoteItem.from_parent(self, name=NOTE_ITEM_NAME)


class OnceEach:
    """Each note runs once a session: a file collected under several names (links, hard
    links) runs under the first of them that ``-k``, ``-m`` and ``--deselect`` left
    selected; its other names are deselected, so that pytest counts them, and the line
    after the collection names them (:class:`.notenames.NoteNames`)."""

    def __init__(self, names: NoteNames) -> None:
        self.names = names

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        again = [
            item for item in items if isinstance(item, NoteItem) and self.names.seen(item.path)
        ]
        if again:
            dropped = set(map(id, again))
            items[:] = [item for item in items if id(item) not in dropped]
            config.hook.pytest_deselected(items=again)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``-k`` also matches the headings of a note: read the notes when it is used."""
    if not config.getoption("keyword", ""):
        return
    for item in items:
        if isinstance(item, NoteItem):
            item.extra_keyword_matches.update(
                block.heading for block in item.document.note.blocks if block.heading
            )


#: Set when the session's items are collected: every conftest file is loaded by then, so
#: the hooks of a note's path are known for good.
COLLECTED: pytest.StashKey[bool] = pytest.StashKey()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    session.config.stash[COLLECTED] = True


def _runner(config: pytest.Config) -> NoteRunner:
    """The session's runner, made on first use (scratch directories need the base temp)."""
    runner = config.stash.get(RUNNER, None)
    if runner is None:
        import dataclasses

        from pytest_torchnotes.run.runner import NoteRunner

        settings = config.stash[SETTINGS]
        run = settings.run
        if settings.isolate_cwd:
            factory = config._tmp_path_factory  # type: ignore[attr-defined]
            root = factory.getbasetemp() / "torchnotes"
            root.mkdir(exist_ok=True)
            run = dataclasses.replace(run, workspace=root, protected=(config.rootpath,))
        # A serial run names the block running when the process dies; under pytest-xdist
        # the controller reports the crashed note.
        run = dataclasses.replace(run, watch_crashes=not hasattr(config, "workerinput"))
        runner = NoteRunner(run)
        used = config.stash.get(CACHE_USED, None)
        if used is not None:  # the blocks' compiled code kept in pytest's cache
            from pytest_torchnotes.markdown.parsecache import code_fingerprint
            from pytest_torchnotes.run.codecache import CodeCache

            runner.code_cache = CodeCache(
                partial(config.cache.mkdir, CODE_CACHE), code_fingerprint, used[CODE_CACHE]
            )
        # The plugin says what runs between notes: it forgets the state kept for the next
        # note when anything else may have changed it (pytest_runtest_protocol). Not where
        # a debugger's prompt may come between two notes.
        runner.continuity.enabled = not (
            config.getoption("usepdb", False) or config.getoption("trace", False)
        )
        config.stash[RUNNER] = runner
    return runner


#: The place of each item of the session by its node id (from 1), for the crash watcher.
POSITIONS: pytest.StashKey[dict[str, int]] = pytest.StashKey()


def _outcome(result: NoteResult) -> str:
    """How a note's item ends, as the crash watcher keeps it."""
    if result.skipped is not None:
        return "skipped"
    if result.failures:
        return "failed"
    return "skipped" if result.all_skipped is not None else "passed"


def _plan_crashes(runner: NoteRunner, item: pytest.Item) -> None:
    """Tell the runner the session's items and the command that ran them (once), and the
    place of ``item`` among them: a serial run whose process dies names the items it left
    unrun."""
    positions = item.config.stash.get(POSITIONS, None)
    if positions is None:
        import shlex

        from pytest_torchnotes.run.watcher import CrashPlan

        items = tuple(other.nodeid for other in item.session.items)
        positions = {nodeid: place for place, nodeid in enumerate(items, 1)}
        item.config.stash[POSITIONS] = positions
        args = shlex.join(str(arg) for arg in item.config.invocation_params.args)
        xmlpath = item.config.getoption("xmlpath", None)
        junit = ""
        if xmlpath:  # as pytest's junitxml plugin reads it, from where pytest started
            path = os.path.expanduser(os.path.expandvars(xmlpath))
            junit = os.path.normpath(item.config.invocation_params.dir / path)
        reporting = item.config.pluginmanager.get_plugin("torchnotes-reporting")
        report = getattr(reporting, "path", None)
        # the report where the session would have written it, its notes named as its
        # records name them
        where = os.path.join(item.config.invocation_params.dir, report) if report else ""
        paths = tuple(
            other.display_path if isinstance(other, NoteItem) else ""
            for other in item.session.items
        )
        runner.crash_plan = CrashPlan(items, f"pytest {args}".rstrip(), junit, where, paths)
    runner.at_item(positions.get(item.nodeid, 0))


#: The hooks around each phase of an item that pytest's logging plugin wraps, with its
#: log capture: a handler added to the root logger and to every logger that does not
#: propagate (torch has dozens), twice a phase, six times an item.
PHASE_HOOKS = frozenset({"pytest_runtest_setup", "pytest_runtest_call", "pytest_runtest_teardown"})


#: pytest's logging plugin where the session's settings let note items go without it
#: (:func:`_logging_plugin_for_notes`), ``None`` where they do not: read once a session.
LOGGING_PLUGIN: pytest.StashKey[object | None] = pytest.StashKey()


def _logging_plugin_for_notes(config: pytest.Config, fixtures: list[str]) -> object | None:
    """pytest's logging plugin when a note item can go without its capture around each
    phase: nothing asks for it (the ``caplog`` fixture, live logging, a ``log_level``), and
    a note starts with a bare root logger anyway (its records go to its blocks' stderr).
    ``None`` when the item keeps it."""
    if "caplog" in fixtures:
        return None
    try:
        return config.stash[LOGGING_PLUGIN]
    except KeyError:
        plugin = config.stash[LOGGING_PLUGIN] = _logging_plugin_unasked(config)
        return plugin


def _logging_plugin_unasked(config: pytest.Config) -> object | None:
    """pytest's logging plugin, unless the session's settings ask for its capture (live
    logging, a ``log_level``)."""
    plugin: object | None = config.pluginmanager.get_plugin("logging-plugin")
    if plugin is None or config.getini("log_cli"):
        return None
    for name in ("log_level", "log_cli_level"):
        if config.getoption(name, None) is not None or config.getini(name):
            return None
    return plugin


#: The subset hook callers of note items, by hook and the plugins they leave out: shared by
#: the notes of a session, which mostly have the same conftest files.
SUBSETS: pytest.StashKey[dict[tuple[str, frozenset[object]], Any]] = pytest.StashKey()

#: The hooks of note items, by the conftest files their path leaves out and the plugin
#: their phases leave out: shared by the notes of a session, so that each hook is looked up
#: once, not at every note.
NOTE_HOOKS: pytest.StashKey[dict[tuple[frozenset[object], object], NoteHooks]] = pytest.StashKey()


def _note_hooks(hooks: Any, config: pytest.Config, removed: object) -> NoteHooks:
    """The :class:`NoteHooks` over ``hooks``, pytest's hooks of a note's path: the same
    object for every note whose path leaves out the same conftest files (pytest's proxy for
    such a path names them; where it does not say, the note's own)."""
    if hooks is config.hook:
        conftests: frozenset[object] = frozenset()  # every conftest file applies
    else:
        left_out = getattr(hooks, "remove_mods", None)
        if left_out is None:
            return NoteHooks(hooks, config, removed)
        conftests = frozenset(left_out)
    shared = config.stash.setdefault(NOTE_HOOKS, {})
    found = shared.get((conftests, removed))
    if found is None:
        found = shared[conftests, removed] = NoteHooks(hooks, config, removed)
    return found


class NoteHooks:
    """A note item's hooks: those of its path (its conftest files), but for the phase hooks
    (:data:`PHASE_HOOKS`) without ``removed``, through pluggy's ``subset_hook_caller``."""

    def __init__(self, hooks: Any, config: pytest.Config, removed: object) -> None:
        self._hooks = hooks
        self._manager = config.pluginmanager
        self._removed = removed
        self._subsets = config.stash.setdefault(SUBSETS, {})

    def __getattr__(self, name: str) -> Any:
        caller = getattr(self._hooks, name)
        if name in PHASE_HOOKS:
            kept = {impl.plugin for impl in caller.get_hookimpls()} - {self._removed}
            every = getattr(self._manager.hook, name).get_hookimpls()
            left_out = frozenset(impl.plugin for impl in every) - kept
            subset = self._subsets.get((name, left_out))
            if subset is None:
                subset = self._manager.subset_hook_caller(name, left_out)
                self._subsets[name, left_out] = subset
            caller = subset
        self.__dict__[name] = caller
        return caller


class NoteItem(pytest.Item):
    """Every block of one note, run in order in one namespace."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._document: NoteDocument | None = None
        self._hooks: Any = None
        self.result: NoteResult | None = None
        #: What happened, as the run report records it.
        self.record: NoteRecord | None = None
        #: Whether only pytest's and this plugin's code runs around the note
        #: (:func:`_nothing_around`), as the item's protocol found it; ``None`` before.
        self.nothing_around: bool | None = None
        #: Whether the next item is a note with nothing but pytest's and this plugin's code
        #: between the two, and no debugger may stop between them: the hard limit's timer
        #: is left armed for it (``run/faulttimer.py``).
        self.next_note_follows = False
        # Fixtures, as pytest's DoctestItem has them: conftest.py files fill
        # torchnotes_namespace for the notes below them.
        self.obj = None
        self._fixtureinfo = self.session._fixturemanager.getfixtureinfo(
            node=self, func=None, cls=None
        )
        self.fixturenames = self._fixtureinfo.names_closure
        self.funcargs: dict[str, object] = {}
        self._request = TopRequest(self, _ispytest=True)  # type: ignore[arg-type]

    @property
    def ihook(self) -> Any:
        """The hooks of the note's path, without pytest's log capture around each phase when
        nothing asks for it (:func:`_logging_plugin_for_notes`): it walks every logger six
        times a note."""
        if self._hooks is None:
            hooks = super().ihook
            if not self.config.stash.get(COLLECTED, False):
                # Not kept: a conftest file of a folder collected later is not the note's
                # (pytest's proxy of the path leaves it out once it is loaded).
                return hooks
            removed = _logging_plugin_for_notes(self.config, self.fixturenames)
            self._hooks = hooks if removed is None else _note_hooks(hooks, self.config, removed)
        return self._hooks

    def setup(self) -> None:
        self._request._fillfixtures()

    @property
    def document(self) -> NoteDocument:
        """The note, read and parsed on first use."""
        if self._document is None:
            from pytest_torchnotes.markdown.document import NoteDocument

            self._document = NoteDocument.parse(str(self.path), *self.config.stash[PARSERS])
        return self._document

    @functools.cached_property
    def display_path(self) -> str:
        """The note's path as people type it: relative to where pytest was started (worked
        out once: a note's report and record name it several times)."""
        start = self.config.invocation_params.dir
        try:
            return readable(os.path.relpath(self.path, start))
        except ValueError:  # another drive on Windows
            return readable(str(self.path))

    def runtest(self) -> None:
        from pytest_torchnotes.reporting.problems import warn_problems
        from pytest_torchnotes.run.results import PASSED

        note = self.document.note
        warn_problems(
            self.display_path,
            readable(str(self.path)),
            note.lines,
            note.warnings,
            TorchnotesWarning,
        )
        errors = self.document.note.errors
        if errors:
            from pytest_torchnotes.reporting.records import error_record

            not_run = len(note.blocks)
            self.record = error_record(self.display_path, errors, not_run)
            raise NoteError(errors)
        verbose = self.config.get_verbosity() > 0
        capture = self.config.pluginmanager.getplugin("capturemanager")

        def report(result: BlockResult) -> None:
            if not verbose and (result.outcome == PASSED or result.rewritten):
                return
            block_report = _block_report(self, result)
            if capture is not None:
                with capture.global_and_fixture_disabled():
                    self.ihook.pytest_runtest_logreport(report=block_report)
            else:
                self.ihook.pytest_runtest_logreport(report=block_report)

        from pytest_torchnotes.reporting.records import note_record

        names = self._namespace()
        runner = _runner(self.config)
        if runner.settings.watch_crashes:
            _plan_crashes(runner, self)
        runner.next_note_follows = self.next_note_follows
        try:
            self.result = runner.run(
                self.document,
                self.path,
                self.display_path,
                report,
                faulthandler=_faulthandler(self.config),
                names=names,
            )
        finally:
            runner.next_note_follows = False
        self.record = note_record(self.result)
        self._document = None  # memory stays flat however many notes run
        if runner.settings.watch_crashes:
            runner.item_ended(_outcome(self.result))
        from pytest_torchnotes.reporting.blocktext import left_behind

        for message in left_behind(self.display_path, self.result):
            warnings.warn_explicit(
                TorchnotesWarning(message), TorchnotesWarning, readable(str(self.path)), 0
            )
        if self.result.skipped is not None:
            # Reported at the note, not at this line of the plugin.
            raise pytest.skip.Exception(
                cut(self.result.skipped, LINE_LIMIT), _use_item_location=True
            )
        failures = self.result.failures
        if failures:
            raise NoteFailed(failures)
        if self.result.all_skipped is not None:
            # Nothing ran: not a pass. Each block's skip was reported with its line.
            raise pytest.skip.Exception(
                cut(self.result.all_skipped, LINE_LIMIT), _use_item_location=True
            )

    def _namespace(self) -> dict[str, Any]:
        """The ``torchnotes_namespace`` fixture's value. Where nothing but pytest's and this
        plugin's code runs around the note (:func:`_nothing_around`: no fixture of the
        note's, no definition of the fixture but this plugin's), nothing can fill it: the
        empty namespace, without pytest's setup and teardown of a fixture for every note."""
        alone = self.nothing_around
        if alone is None:
            alone = _nothing_around(self)
        if alone and not self.fixturenames:
            return {}
        names: dict[str, Any] = self._request.getfixturevalue("torchnotes_namespace")
        return names

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, NoteError):
            from pytest_torchnotes.reporting.problems import error_text

            return error_text(self.display_path, excinfo.value.problems)
        if isinstance(excinfo.value, NoteFailed):
            from pytest_torchnotes.reporting.blocktext import failed_blocks
            from pytest_torchnotes.reporting.terminaltext import terminal_text

            total = len(self.result.blocks) if self.result is not None else 0
            return terminal_text(failed_blocks(self.display_path, total, excinfo.value.failures))
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        path = readable(str(self.path))
        return (
            (self.path if path == str(self.path) else Path(path)),
            0,
            f"{self.display_path} (note)",
        )


def _faulthandler(config: pytest.Config) -> Faulthandler | None:
    """pytest's faulthandler for the test about to run: its file (the terminal) and, with
    ``faulthandler_timeout``, when it dumps. pytest keeps them in its config, not in an
    API; without them, notes' time limits write to ``sys.__stderr__``."""
    from pytest_torchnotes.run.watchdog import Faulthandler

    try:
        from _pytest.faulthandler import fault_handler_stderr_fd_key
    except ImportError:  # pragma: no cover - a pytest that keeps it elsewhere
        return None
    file = config.stash.get(fault_handler_stderr_fd_key, None)
    if file is None:
        return None  # -p no:faulthandler
    timeout = float(config.getini("faulthandler_timeout") or 0.0)
    if timeout <= 0:
        return Faulthandler(file)
    try:
        exit = bool(config.getini("faulthandler_exit_on_timeout"))
    except ValueError:  # pragma: no cover - before pytest 8.4
        exit = False
    return Faulthandler(file, time.monotonic() + timeout, exit)


class BlockReport(pytest.TestReport):
    """The report of one block, under its note's node id (so ``--lf`` reruns the note).

    pytest's own counts at the end of the run count notes, its tests; blocks are counted in
    the torchnotes section. Failing blocks are still listed one by one with their diffs."""

    @property
    def count_towards_summary(self) -> bool:
        return False

    @classmethod
    def _from_json(cls, reportdict: dict[str, object]) -> BlockReport:
        from pytest_torchnotes.reporting.blocktext import BlockFailure

        report = super()._from_json(reportdict)
        block = getattr(report, "torchnotes_block", None)
        if block is not None and isinstance(report.longrepr, str) and report.failed:
            report.longrepr = BlockFailure(report.longrepr, block["short"])  # type: ignore[assignment]
        return report


@pytest.hookimpl(wrapper=True)
def pytest_report_to_serializable(
    config: pytest.Config, report: pytest.CollectReport | pytest.TestReport
) -> Any:
    """What a worker sends is UTF-8 encodable, a lone surrogate of a note's text too."""
    data = yield
    if data is None or not hasattr(config, "workerinput"):
        return data
    from pytest_torchnotes.reporting.workers import encodable

    return encodable(data)


@pytest.hookimpl(tryfirst=True)
def pytest_report_from_serializable(data: dict[str, Any]) -> pytest.TestReport | None:
    """Reports of blocks sent by xdist workers stay block reports."""
    if data.get("$report_type") == "BlockReport":
        return BlockReport._from_json(data)
    return None


def _block_report(item: NoteItem, result: BlockResult) -> pytest.TestReport:
    """A report for one block, under the note's node id (so ``--lf`` reruns the note)."""
    from pytest_torchnotes.reporting import blocktext
    from pytest_torchnotes.reporting.terminaltext import terminal_text
    from pytest_torchnotes.run.results import FAILED, PASSED, SKIPPED, XFAILED

    line = shown(result.first_line)
    label = blocktext.label(result, line=True)
    longrepr: Any = None
    outcome = result.outcome
    extra: dict[str, Any] = {}
    short = f"line {line}: {result.summary or result.status}"
    if result.rewritten:
        outcome = PASSED
    elif outcome == FAILED:
        longrepr = blocktext.BlockFailure(result.message, short)
    elif outcome == SKIPPED:
        reason = terminal_text(result.reason or "skipped")
        longrepr = (item.display_path, line, cut(reason, LINE_LIMIT))
    elif outcome == XFAILED:
        outcome = SKIPPED
        longrepr = (item.display_path, line, terminal_text(result.reason or "xfail"))
        extra["wasxfail"] = result.reason or ""
    return BlockReport(
        nodeid=item.nodeid,
        location=(
            item.display_path,
            result.first_line,
            f"{item.display_path}:{line} {blocktext.label(result, line=False)}",
        ),
        keywords={item.name: 1},
        outcome=outcome,  # type: ignore[arg-type]
        longrepr=longrepr,
        when="call",
        duration=result.duration,
        torchnotes_block={
            "line": line,
            "label": label,
            "drift": result.drift,
            "status": result.status,
            "short": short,
            "compared_by": blocktext.compared_by(result),
        },
        **extra,
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if not isinstance(item, NoteItem) or call.when != "call" or item.record is None:
        return report
    blocks = item.result.blocks if item.result is not None else []
    runner = item.config.stash.get(RUNNER, None)
    from pytest_torchnotes.reporting.workers import note_payload

    torch_import = runner.took_import() if runner is not None else None
    report.torchnotes_note = note_payload(item.display_path, item.record, blocks, torch_import)
    # The report carries what is needed from now on; thousands of notes must not keep their
    # parsed blocks alive (the garbage collector would walk them for the rest of the run).
    item.result = None
    item.record = None
    return report


#: The hooks that run between two items: a ``conftest.py`` that implements one may change
#: global state between two notes.
BETWEEN_ITEMS = (
    "pytest_runtest_protocol",
    "pytest_runtest_logstart",
    "pytest_runtest_setup",
    "pytest_runtest_call",
    "pytest_runtest_teardown",
    "pytest_runtest_makereport",
    "pytest_runtest_logreport",
    "pytest_runtest_logfinish",
    "pytest_report_teststatus",
    "pytest_fixture_setup",
    "pytest_fixture_post_finalizer",
    "pytest_warning_recorded",
    "pytest_exception_interact",
)

#: Whether any ``conftest.py`` of the session, or a module of the project's loaded as a
#: plugin (``pytest_plugins``, ``-p``), implements a hook of :data:`BETWEEN_ITEMS`.
CONFTEST_HOOKS: pytest.StashKey[bool] = pytest.StashKey()


def _projects_plugins(config: pytest.Config) -> Iterator[object]:
    """The plugins of the project's rather than pytest's or an installed plugin's: every
    ``conftest.py``, the modules named by ``pytest_plugins`` or ``-p``, and the objects
    they register, by the module that defines them (an installed plugin is registered by
    its entry point, or lives with the installed packages)."""
    import sysconfig

    paths = sysconfig.get_paths()
    installed = tuple(
        os.path.join(os.path.realpath(paths[key]), "")
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if key in paths
    )
    entry_points = {id(plugin) for plugin, _ in config.pluginmanager.list_plugin_distinfo()}
    for plugin in config.pluginmanager.get_plugins():
        if id(plugin) in entry_points:
            continue
        if isinstance(plugin, type(sys)):
            module: Any = plugin
        else:
            module = sys.modules.get(type(plugin).__module__)
        name = str(getattr(module, "__name__", ""))
        if name == "pytest_torchnotes" or name.startswith(("_pytest.", "pytest_torchnotes.")):
            continue
        file = getattr(module, "__file__", None)
        if file and not os.path.realpath(file).startswith(installed):
            yield plugin


def _nothing_around(item: pytest.Item) -> bool:
    """Whether only pytest's and this plugin's code runs between the previous item and the
    note ``item``: it has no fixture but this plugin's ``torchnotes_namespace``, and no
    ``conftest.py`` or plugin module of the project's has a hook that runs between items
    (:data:`BETWEEN_ITEMS`)."""
    if not isinstance(item, NoteItem):
        return False
    if any(name != "torchnotes_namespace" for name in item.fixturenames):
        return False
    # Asked for by name when the note runs, so not among its fixture names.
    try:  # pytest's own (private: its argument was a node id before pytest 8.1)
        definitions = item.session._fixturemanager.getfixturedefs("torchnotes_namespace", item)
        if any(definition.func.__module__ != __name__ for definition in definitions or ()):
            return False  # a conftest.py gives its own
    except Exception:  # not known: read the state anew
        return False
    config = item.config
    found = config.stash.get(CONFTEST_HOOKS, None)
    if found is None:  # once: every conftest.py is loaded when items run
        found = config.stash[CONFTEST_HOOKS] = any(
            any(hasattr(plugin, name) for name in BETWEEN_ITEMS)
            for plugin in _projects_plugins(config)
        )
    return not found


def _alone(item: pytest.Item) -> bool:
    """:func:`_nothing_around`, worked out once a note item: the protocol of the item before
    asks it too, for the timer it may leave armed."""
    if not isinstance(item, NoteItem):
        return False
    if item.nothing_around is None:
        item.nothing_around = _nothing_around(item)
    return item.nothing_around


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[Any]:
    """A note's isolation reads the state anew when anything but pytest's and this plugin's
    code may have changed it since the previous note ended (``run/continuity.py``): before
    such an item, and after it, as a note's fixtures are torn down once it ended. A note
    followed at once by another leaves the hard limit's timer armed for it
    (``run/faulttimer.py``)."""
    around = not _alone(item)
    if isinstance(item, NoteItem):
        config = item.config
        debugged = config.getoption("usepdb", False) or config.getoption("trace", False)
        item.next_note_follows = (
            not around and not debugged and nextitem is not None and _alone(nextitem)
        )
    runner = item.config.stash.get(RUNNER, None)
    if around and runner is not None:
        runner.continuity.forget()
    try:
        return (yield)
    finally:
        runner = item.config.stash.get(RUNNER, None)
        if around and runner is not None:
            runner.continuity.forget()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """A note run through Sybil's own items (:mod:`pytest_torchnotes.sybil`) ends its
    isolation when the next item is not one of its blocks: its last block may be deselected."""
    entry = sys.modules.get("pytest_torchnotes.sybil")
    if entry is not None and entry.OPEN:
        entry.finish_notes_but(None if nextitem is None else nextitem.path)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    runner = session.config.stash.get(RUNNER, None)
    if runner is not None:
        runner.close(unfreeze=False)  # after pytest's last garbage collections: _unfreeze


def _unfreeze(config: pytest.Config) -> None:
    runner = config.stash.get(RUNNER, None)
    if runner is not None:
        runner.unfreeze()


class Reporting:
    """Collects the record of every note (sent with the reports by xdist workers), shows
    the torchnotes summary at the end of the run and writes ``--torchnotes-report``."""

    def __init__(self, config: pytest.Config, path: Path | None) -> None:
        self.config = config
        self.path = path
        self.notes: list[NoteRecord] = []
        #: Under xdist, the environment as the workers that ran the notes saw it.
        self.environment: dict[str, Any] | None = None
        self.ran_notes = False
        from pytest_torchnotes.reporting.parallel import WorkerStarts

        self.starts = WorkerStarts()
        self.durations: dict[str, float] = {}
        self.serial = config.getoption("dist", "no") == "no"
        #: When the controller launched the pytest-xdist workers (seconds since the epoch,
        #: the clock of a report's ``start``).
        self.launched: float | None = None

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_setupnodes(self) -> None:
        self.launched = time.time()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        from pytest_torchnotes.reporting.report import note_from_json

        note = getattr(report, "torchnotes_note", None)
        if note is None:
            return
        if hasattr(self.config, "workerinput"):
            self.ran_notes = True
            return  # workers send reports to the controller, which keeps the records
        self.notes.append(note_from_json(note.pop("record")))
        torch_import = note.get("torch_import")
        first = torch_import is not None
        began: float = getattr(report, "start", 0.0)  # not in every pytest 8
        waited = None
        if first and self.launched is not None and began:
            waited = began - self.launched
        self.starts.add(report.duration, first, waited)
        # what -n auto estimates the next run from: the note's own time in a serial run
        # (workers sharing the cores take longer each), its import of torch left out
        if self.serial:
            self.durations[report.nodeid.partition("::")[0]] = report.duration - (torch_import or 0)

    @pytest.hookimpl(optionalhook=True)
    def pytest_handlecrashitem(self, crashitem: str, report: pytest.TestReport) -> None:
        """pytest-xdist: the worker running a note died (a segfault, an abort, a kill);
        the note is recorded as ``error``, with the cause."""
        from pytest_torchnotes.reporting.records import crash_record
        from pytest_torchnotes.reporting.workers import worker_exit

        path = self.config.rootpath / crashitem.split("::")[0]
        settings = self.config.stash.get(SETTINGS, None)
        if settings is None or not settings.should_collect(path):
            return
        display = os.path.relpath(path, self.config.invocation_params.dir)
        self.notes.append(crash_record(display, str(report.longrepr), worker_exit(report)))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        data = getattr(node, "workeroutput", {}).get("torchnotes_environment")
        if data is None:
            return
        # a worker that found a GPU wins, and one that probed over one that never loaded torch
        known = self.environment is not None and self.environment["cuda_available"] is not None
        if not known or data["cuda_available"]:
            self.environment = data

    def report(self) -> RunReport:
        from datetime import datetime, timezone

        from pytest_torchnotes.reporting import workers
        from pytest_torchnotes.reporting.report import Environment, RunReport

        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        data = self.environment or workers.environment_data()
        return RunReport(Environment(**data), self.notes, created)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        if hasattr(self.config, "workerinput"):
            if self.ran_notes:  # tell the controller, which never loads torch, the versions
                output = self.config.workeroutput  # type: ignore[attr-defined]
                from pytest_torchnotes.reporting.workers import environment_data

                output["torchnotes_environment"] = environment_data()
            return
        self._keep_durations()
        self._keep_worker_start()
        updates = self.config.pluginmanager.get_plugin("torchnotes-update")
        if updates is not None:
            updates.book.correct(self.notes)
        if self.path is None:
            return
        from pytest_torchnotes.reporting.render import write_report

        write_report(self.report(), self.path)

    def _keep_durations(self) -> None:
        """The notes' durations, kept in pytest's cache for ``-n auto``'s next estimate."""
        cache = getattr(self.config, "cache", None)
        if cache is None or not self.durations:
            return
        from pytest_torchnotes.workercount import DURATIONS_KEY

        kept = cache.get(DURATIONS_KEY, {})
        cache.set(DURATIONS_KEY, {**(kept if isinstance(kept, dict) else {}), **self.durations})

    def _keep_worker_start(self) -> None:
        """A worker's start as this parallel run measured it, kept in pytest's cache for
        ``-n auto``'s next count."""
        cache = getattr(self.config, "cache", None)
        start = self.starts.measured_start()
        if cache is None or start is None:
            return
        from pytest_torchnotes.workercount import WORKER_START_KEY

        cache.set(WORKER_START_KEY, {"seconds": round(start, 3), "workers": len(self.starts.waits)})

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        auto = self.config.stash.get(AUTO_WORKERS, None)
        if not self.notes:
            if auto is not None:
                terminalreporter.write_line(auto)
            return
        from pytest_torchnotes.reporting.render import summary_lines
        from pytest_torchnotes.reporting.terminaltext import terminal_text

        terminalreporter.write_sep("=", "torchnotes")
        if auto is not None:
            terminalreporter.write_line(auto)
        for line in summary_lines(self.report()):
            terminalreporter.write_line(terminal_text(line))
        if self.path is not None:
            terminalreporter.write_line(f"report written to {self.path}")
        elapsed = None if self.launched is None else time.time() - self.launched
        advice = self.starts.advice(elapsed)
        if advice is not None:
            terminalreporter.write_line(advice, yellow=True)


class Updates:
    """``--torchnotes-update``: rewrites planned during the run are applied once per file at
    its end, by the xdist controller (which receives them with the reports) when there are
    workers. Blocks whose output is rewritten count as updated, not failed; the run ends with
    one section that lists them, and the blocks it could not fix with the reason."""

    def __init__(self, config: pytest.Config) -> None:
        from pytest_torchnotes.update.session import UpdateSession

        self.config = config
        self.book = UpdateSession()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        note = getattr(report, "torchnotes_note", None)
        if note is not None:
            self.book.collect(note)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            return
        from pytest_torchnotes.markdown.parsers import NoteParser
        from pytest_torchnotes.update.reread import reread_check

        reader = NoteParser(self.config.stash[SETTINGS].note_format)
        written = self.book.apply(reread_check(reader))
        if not written and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        from pytest_torchnotes.update.summary import summary_lines

        lines = summary_lines(self.book, verbose=self.config.get_verbosity() > 0)
        if lines:
            terminalreporter.write_sep("=", "torchnotes update")
        for text, markup in lines:
            terminalreporter.write_line(text, **markup)


class JunitNoteCounts:
    """``--junitxml``: the counts of the test suite are those of notes, as pytest's line gives
    them. pytest's junitxml counts every report it gets, and a note sends one for each block
    that failed or was skipped (and, with ``-v``, passed) besides its own: a note with two
    failing blocks counted as three failures. Each failing block stays a ``<failure>`` of its
    note's test case, with its line and diff; only the suite's counts leave blocks out.

    A block skipped by a directive, or expected to fail, does not make its note a skipped
    test: junitxml writes a ``<skipped>`` into the note's test case for its report, which CI
    dashboards read as a skipped test where pytest's line says the note passed (or failed).
    Before junitxml closes the test case, those elements become properties of the test case
    (``torchnotes_skipped_block``, ``torchnotes_xfailed_block``: the block's line and why);
    the ``<skipped>`` of a note that is itself skipped stays."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.blocks: dict[str, int] = {}
        #: Skipped and xfailed block reports, by the junitxml test case they went into.
        self.skipped_blocks: dict[tuple[str, object], int] = {}

    @pytest.hookimpl(tryfirst=True)  # before junitxml closes the note's test case
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        key = (report.nodeid, getattr(report, "node", None))
        if getattr(report, "torchnotes_block", None) is None:
            if report.when == "teardown" and key in self.skipped_blocks:
                self._blocks_not_skips(report, self.skipped_blocks.pop(key))
            return
        if report.skipped:
            self.skipped_blocks[key] = self.skipped_blocks.get(key, 0) + 1
        # what junitxml adds for the report (LogXML.pytest_runtest_logreport)
        if report.failed:
            counted = "failure" if report.when == "call" else "error"
        elif report.skipped:
            counted = "skipped"
        elif report.when == "call":
            counted = "passed"
        else:
            return
        self.blocks[counted] = self.blocks.get(counted, 0) + 1

    def _blocks_not_skips(self, report: pytest.TestReport, blocks: int) -> None:
        """Turn the first ``blocks`` ``<skipped>`` elements of the test case of ``report``
        (the blocks' reports came before the note's own) into properties."""
        node_reporter = getattr(self._xml(), "node_reporter", None)
        reporter = node_reporter(report) if callable(node_reporter) else None
        nodes = getattr(reporter, "nodes", None)
        if reporter is None or not isinstance(nodes, list):  # pragma: no cover - another junitxml
            return
        for element in [node for node in nodes if node.tag == "skipped"][:blocks]:
            nodes.remove(element)
            xfail = element.get("type") == "pytest.xfail"
            name = "torchnotes_xfailed_block" if xfail else "torchnotes_skipped_block"
            reporter.add_property(name, element.get("message") or "")

    def _xml(self) -> object:
        try:
            from _pytest.junitxml import xml_key
        except ImportError:  # pragma: no cover - a pytest that moved it
            return None
        return self.config.stash.get(xml_key, None)

    @pytest.hookimpl(tryfirst=True)  # before junitxml writes the file
    def pytest_sessionfinish(self) -> None:
        try:
            from _pytest.junitxml import xml_key
        except ImportError:  # pragma: no cover - a pytest that moved it: counts stay its own
            return
        xml = self.config.stash.get(xml_key, None)
        stats = getattr(xml, "stats", None)
        if not isinstance(stats, dict):  # pragma: no cover - another junitxml
            return
        for counted, blocks in self.blocks.items():
            if counted in stats:
                stats[counted] = max(stats[counted] - blocks, 0)


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> Any:
    if report.when != "call":
        return None
    block = getattr(report, "torchnotes_block", None)
    if block is not None:
        from pytest_torchnotes.reporting.blocktext import STATUS_WORDS

        # -v shows which block a line is about; short summaries name the note line anyway.
        label = f" {block['label']}" if config.get_verbosity() > 0 else ""
        if label and block.get("compared_by"):  # a match under rules that accept more
            label += f" ({block['compared_by']})"
        word, markup = STATUS_WORDS.get(block.get("status", ""), ("PASSED", {"green": True}))
        if report.failed:
            return "failed", "F", (f"{word}{label}", markup)
        if hasattr(report, "wasxfail"):
            return "xfailed", "x", (f"{word}{label}", markup)
        if report.skipped:
            return "skipped", "s", (f"{word}{label}", markup)
        return "", "", (f"{word}{label}", markup)
    note = getattr(report, "torchnotes_note", None)
    if note is not None and report.failed and note["failed"]:
        # Its failing blocks were shown one by one (each with its F): count the note, once.
        return "failed", "", ("FAILED", {"red": True})
    return None
