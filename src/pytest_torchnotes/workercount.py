"""How many pytest-xdist workers ``-n auto`` starts for notes.

Each worker is a new Python process whose first note imports torch and warms it up (about
2 to 3 CPU seconds); a serial run pays that once. Workers pay off only when the notes give
each of them at least that much to run, so ``-n auto`` starts one worker for each worker's
start of notes, as many as xdist would start at most, and none (a serial run) when that is
fewer than two. A worker's start is what the last parallel run measured
(:data:`WORKER_START_KEY` in pytest's cache), or :data:`WORKER_START` before one did. The
notes' time is what they took in the last serial run that recorded it (:data:`DURATIONS_KEY`
in pytest's cache), and for a note not run before, :data:`BLOCK_SECONDS` for each of its
Python fences. This runs before collection: it reads the notes' names and text, never runs
them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from pytest_torchnotes.notefiles import is_note

#: Seconds a worker spends starting pytest and importing torch and torch._dynamo before its
#: first note: 2 to 3 CPU seconds on a free machine, 7 to 10 on a busy one of two cores
#: (docs/performance.md, "pytest-xdist on small notes"), where 2.5 started workers that
#: made 160 small notes slower than serial.
WORKER_START = 5.0
#: What a block of a note not run before is taken to cost: small snippets measured about
#: 2 ms a block (160 notes of 10 blocks).
BLOCK_SECONDS = 0.002
#: pytest's cache key of the notes' durations, relative path to seconds.
DURATIONS_KEY = "torchnotes/durations"
#: pytest's cache key of a worker's start as the last parallel run measured it:
#: ``{"seconds": S, "workers": N}``.
WORKER_START_KEY = "torchnotes/worker_start"
#: A start measured longer than this is not believed (a worker stopped in a debugger).
LONGEST_START = 600.0

_FENCES = (b"```python", b"```py\n", b"```{python", b"~~~python", b"```pycon", b"```ipython")


@dataclass(frozen=True)
class Estimate:
    """What the notes of a run are expected to take."""

    notes: int
    #: Notes whose time is the one the last run measured.
    measured: int
    seconds: float
    #: Python test modules beside the notes, whose time is not known here.
    modules: int = 0
    #: Seconds a worker takes to start before its notes run.
    start: float = WORKER_START
    #: Whether :attr:`start` is what the last parallel run measured.
    start_measured: bool = False

    def workers(self, most: int) -> int:
        """Workers worth starting, at most ``most``; 0 for a serial run.

        >>> Estimate(160, 0, 3.2).workers(8)
        0
        >>> Estimate(40, 40, 27.0).workers(8)
        5
        >>> Estimate(40, 40, 12.0).workers(8)
        2
        >>> Estimate(40, 40, 12.0, start=1.5, start_measured=True).workers(8)
        8
        """
        count = min(most, int(self.seconds // self.start))
        return count if count >= 2 else 0

    def line(self, workers: int, most: int) -> str:
        """The line the run shows about the choice.

        >>> print(Estimate(160, 0, 3.2).line(0, 8))
        torchnotes: -n auto runs serially: 160 notes, about 3.2 s (from their Python blocks), \
less than 2 workers' start of 5 s each (importing torch); -n 8 starts 8 workers anyway
        """
        if self.measured == self.notes:
            source = "as the last serial run took them"
        elif self.measured:
            source = f"{self.measured} as the last serial run took them, the rest from their blocks"
        else:
            source = "from their Python blocks"
        about = f"{self.notes} notes, about {self.seconds:.1f} s ({source})"
        start = f"{self.start:.3g} s"
        why = "as the last parallel run measured it" if self.start_measured else "importing torch"
        started = f"-n {most} starts {most} worker{'' if most == 1 else 's'}"
        if workers == 0:
            return (
                f"torchnotes: -n auto runs serially: {about}, less than 2 workers' start of "
                f"{start} each ({why}); {started} anyway"
            )
        return (
            f"torchnotes: -n auto starts {workers} of {most} workers: {about}, one worker for "
            f"each {start} (a worker's start, {why}); {started}"
        )


def estimate(
    paths: Iterable[Path],
    included: Iterable[Path] | None,
    patterns: Sequence[str],
    skipped: Sequence[str],
    modules: Sequence[str],
    rootpath: Path,
    durations: Mapping[str, float],
    start: float | None = None,
) -> Estimate:
    """The notes under ``paths`` (files or folders, in the folders pytest would enter) that
    are in ``included`` (``torchnotes_paths``; ``None``: everywhere), their time, and how
    many files match ``modules`` (``python_files``); ``start`` is a worker's start as the
    last parallel run measured it, if one did."""
    roots = None if included is None else tuple(included)
    notes = measured = 0
    seconds = 0.0
    found, others = _files(paths, patterns, skipped, modules)
    for note in found:
        if roots is not None and not any(note == root or root in note.parents for root in roots):
            continue
        notes += 1
        known = durations.get(_relative(note, rootpath))
        if known is not None:
            measured += 1
            seconds += known
        else:
            seconds += BLOCK_SECONDS * max(1, _fences(note))
    if start is None:
        return Estimate(notes, measured, seconds, others)
    return Estimate(notes, measured, seconds, others, start, start_measured=True)


def _files(
    paths: Iterable[Path], patterns: Sequence[str], skipped: Sequence[str], modules: Sequence[str]
) -> tuple[set[Path], int]:
    """The notes under ``paths``, and how many test modules."""
    found: set[Path] = set()
    others = 0
    for path in paths:
        if path.is_file():
            names: Iterable[Path] = [path]
        else:
            names = _walk(path, skipped)
        for name in names:
            if is_note(name, patterns):
                found.add(name)
            elif any(fnmatch(name.name, module) for module in modules):
                others += 1
    return found, others


def _walk(folder: Path, skipped: Sequence[str]) -> Iterable[Path]:
    for root, folders, files in os.walk(folder):
        folders[:] = [
            name
            for name in folders
            if not name.startswith(".") and not any(fnmatch(name, skip) for skip in skipped)
        ]
        yield from (Path(root, name) for name in files)


def _fences(note: Path) -> int:
    try:
        text = note.read_bytes()
    except OSError:
        return 0
    return sum(text.count(fence) for fence in _FENCES)


def _relative(path: Path, rootpath: Path) -> str:
    try:
        return path.relative_to(rootpath).as_posix()
    except ValueError:
        return path.as_posix()


def _cached(cache_dir: Path, key: str) -> object:
    """The value pytest's cache keeps under ``key``, read from its folder; ``None`` when there
    is none or it is not JSON."""
    try:
        return json.loads((cache_dir / "v" / key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_durations(cache_dir: Path) -> dict[str, float]:
    """The notes' durations in pytest's cache folder, as the last runs wrote them (pytest's
    ``Cache.get`` is not there yet when xdist asks how many workers to start)."""
    data = _cached(cache_dir, DURATIONS_KEY)
    if not isinstance(data, dict):
        return {}
    return {
        str(key): float(value)
        for key, value in data.items()
        if isinstance(value, (int, float)) and value >= 0
    }


def read_worker_start(cache_dir: Path) -> float | None:
    """A worker's start in seconds as the last parallel run measured it, from pytest's cache
    folder; ``None`` when none did (or what is there is not a time)."""
    data = _cached(cache_dir, WORKER_START_KEY)
    seconds = data.get("seconds") if isinstance(data, dict) else None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return None
    return float(seconds) if 0 < seconds <= LONGEST_START else None
