"""Options: every command-line flag has an ini twin; precedence is resolved here, once.

A command-line value wins over the ini file, which wins over the default. Values are parsed
by small typed functions; a bad value raises :class:`SettingsError` naming where it came from.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pytest_torchnotes.comparison.compare import (
    CompareOptions,
    CompareSpecError,
    parse_compare_spec,
)
from pytest_torchnotes.comparison.normalize import parse_sanitizer
from pytest_torchnotes.defaults import CACHE_KEEP_RUNS
from pytest_torchnotes.markdown.directives import MAX_TIMEOUT
from pytest_torchnotes.markdown.frontmatter import check_seed
from pytest_torchnotes.markdown.magics import MODES as MAGICS_MODES
from pytest_torchnotes.markdown.parsers import OUTPUT_LABEL, OUTPUT_MARKER, NoteFormat
from pytest_torchnotes.notefiles import DEFAULT_PATTERNS, is_note
from pytest_torchnotes.options import BARE, DEFAULT, NONE, OFF, ON, Option, option, parse_bool
from pytest_torchnotes.run.runner import RunSettings
from pytest_torchnotes.run.xdoctest import TRANSCRIPT_RULES


class SettingsError(ValueError):
    """A bad option value; the message names the flag or ini key it came from."""


#: Looks up an option: returns the raw value and where it came from (a flag or an ini key).
Lookup = Callable[[Option], tuple[Any, str]]


@dataclass(frozen=True)
class Settings:
    """All settings of a session."""

    paths: tuple[Path, ...] = ()
    collect_all: bool = False
    patterns: tuple[str, ...] = DEFAULT_PATTERNS
    note_format: NoteFormat = field(default_factory=NoteFormat)
    run: RunSettings = field(default_factory=RunSettings)
    isolate_cwd: bool = True
    #: Where to write the run report, if anywhere.
    report: Path | None = None
    #: How many runs in a row may leave an entry of the parse and code caches unused before
    #: it is removed; ``None``: the caches are not used (``--torchnotes-cache=off``).
    cache_runs: int | None = CACHE_KEEP_RUNS

    def is_note(self, path: Path) -> bool:
        """Whether ``path``'s name matches the note patterns."""
        return is_note(path, self.patterns)

    def should_collect(self, path: Path) -> bool:
        """Collection is opt-in: under ``torchnotes_paths``, or everywhere when asked."""
        if not self.is_note(path):
            return False
        if self.collect_all:
            return True
        return any(path == root or root in path.parents for root in self.paths)


def parse_seed(text: str) -> int:
    try:
        seed = int(str(text).strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an integer") from None
    return check_seed(seed)


def parse_timeout_option(text: str) -> float | None:
    try:
        seconds = float(str(text).strip() or 0)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if seconds < 0:
        raise ValueError(f"{text!r}: a timeout cannot be negative")
    if not seconds <= MAX_TIMEOUT:  # nan and inf too
        raise ValueError(f"{text!r}: a timeout is at most {MAX_TIMEOUT:g} seconds (0 for none)")
    return seconds or None


def parse_size(text: str) -> int:
    """A number of bytes, ``0`` for no limit.

    >>> parse_size(" 65536 ")
    65536
    """
    try:
        size = int(str(text).strip() or 0)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of bytes") from None
    if size < 0:
        raise ValueError(f"{text!r}: a size cannot be negative")
    return size


def parse_cache(text: str) -> int | None:
    """Whether the caches are used, as the number of runs an unused entry is kept.

    >>> parse_cache(" On "), parse_cache("off"), parse_cache("3")
    (10, None, 3)
    """
    word = str(text).strip().lower()
    if word == ON:
        return CACHE_KEEP_RUNS
    if word == OFF:
        return None
    if word.isdigit() and int(word) > 0:
        return int(word)
    raise ValueError(
        f"{text!r} is not {ON}, {OFF} or a number of runs (a whole number, at least 1)"
    )


def parse_transcripts(text: str) -> str:
    """How ``>>>`` transcripts are checked.

    >>> parse_transcripts(" XDoctest ")
    'xdoctest'
    """
    word = str(text).strip().lower()
    if word not in TRANSCRIPT_RULES:
        raise ValueError(f"{text!r} is not one of {', '.join(TRANSCRIPT_RULES)}")
    return word


def parse_magics(text: str) -> str:
    """What blocks with IPython magics do.

    >>> parse_magics(" Skip ")
    'skip'
    """
    word = str(text).strip().lower()
    if word not in MAGICS_MODES:
        raise ValueError(f"{text!r} is not one of {', '.join(MAGICS_MODES)}")
    return word


def parse_regex(text: str, default: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern option: ``default`` for the built-in one, ``none`` for none."""
    text = str(text).strip()
    if text.lower() in (DEFAULT, ""):
        return default
    if text.lower() == NONE:
        return None
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"{text!r} is not a regular expression: {error}") from None


def parse_report_path(text: str) -> Path | None:
    from pytest_torchnotes.reporting.render import report_format

    if not str(text).strip():
        return None
    path = Path(str(text).strip())
    report_format(path)
    return path.resolve()


def parse_compare(text: str) -> CompareOptions:
    try:
        return parse_compare_spec(str(text))
    except CompareSpecError as error:
        raise ValueError(str(error)) from None


def parse_output_fences(words: Sequence[str]) -> frozenset[str]:
    if any(word.lower() == NONE for word in words):
        return frozenset()
    return frozenset("" if word.lower() == BARE else word.lower() for word in words)


def parse_languages(words: Sequence[str]) -> frozenset[str]:
    """The languages run as Python blocks, compared without case as fences are read;
    ``bare`` is a fence without info string (run when its text reads as Python)."""
    if not words:
        raise ValueError("no language given: name at least one, such as python")
    return frozenset("" if word.lower() == BARE else word.lower() for word in words)


def _words(value: Any) -> list[str]:
    """The words of an option's value: a repeated flag gives one item per flag, and an item
    may hold several (``--torchnotes-languages "python bare"``, as the ini file writes them:
    read as one language, it ran no block and said nothing)."""
    if isinstance(value, str):
        return value.split()
    return [word for item in value or () for word in str(item).split()]


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        return [line for line in value.splitlines() if line.strip()]
    return [str(item) for item in value or () if str(item).strip()]


def build_settings(lookup: Lookup) -> Settings:
    """Resolve every option through ``lookup`` and parse it."""

    def get(name: str, parse: Callable[[Any], Any]) -> Any:
        value, source = lookup(option(name))
        try:
            return parse(value)
        except ValueError as error:
            raise SettingsError(f"{source}: {error}") from None

    marker = get("marker", lambda value: parse_regex(value, OUTPUT_MARKER)) or OUTPUT_MARKER
    note_format = NoteFormat(
        languages=get("languages", lambda value: parse_languages(_words(value))),
        marker=marker,
        output_fences=get("output_fence", lambda value: parse_output_fences(_words(value))),
        output_label=get("output_label", lambda value: parse_regex(value, OUTPUT_LABEL)),
        indented_output=get("indented_output", parse_bool),
        indented_sessions=get("indented_sessions", parse_bool),
        comment_output=get("comment_output", parse_bool),
    )
    if not note_format.output_fences:  # output fences turned off: none after a label either
        note_format = replace(note_format, labeled_fences=frozenset())
    sanitizers = tuple(
        get("sanitize", lambda value: [parse_sanitizer(line) for line in _lines(value)])
    )
    patterns = tuple(get("patterns", _words)) or ("*.md",)
    isolate = get("isolate_cwd", parse_bool)
    run = RunSettings(
        compare=get("compare", parse_compare),
        sanitizers=sanitizers,
        display=get("display", parse_bool),
        seed=get("seed", parse_seed),
        setup="\n".join(get("setup", _lines)),
        timeout=get("timeout", parse_timeout_option),
        capture_fd=get("capture_fd", parse_bool),
        is_note=functools.partial(is_note, patterns=patterns),
        update=get("update", parse_bool),
        strict_warnings=get("strict_warnings", parse_bool),
        marker=marker,
        update_max_bytes=get("update_max_bytes", parse_size),
        magics=get("magics", parse_magics),
        transcripts=get("transcripts", parse_transcripts),
        output_fences=note_format.output_fences,
    )
    paths = tuple(Path(path).resolve() for path in get("paths", lambda value: list(value or ())))
    settings = Settings(
        report=get("report", parse_report_path),
        paths=paths,
        collect_all=get("collect_all", parse_bool),
        patterns=patterns,
        note_format=note_format,
        run=run,
        isolate_cwd=isolate,
        cache_runs=get("cache", parse_cache),
    )
    _check_report_path(settings, lookup(option("report"))[1])
    return settings


def _check_report_path(settings: Settings, source: str) -> None:
    """A report is never written over a note, or over a file that is not a report."""
    from pytest_torchnotes.reporting.render import overwrite_problem

    path = settings.report
    if path is None:
        return
    if not settings.collect_all and settings.should_collect(path):
        raise SettingsError(
            f"{source}: {path} is a note this run collects (it matches torchnotes_patterns "
            "under torchnotes_paths); write the report outside the notes"
        )
    problem = overwrite_problem(path)
    if problem is not None:
        raise SettingsError(f"{source}: {problem}")
