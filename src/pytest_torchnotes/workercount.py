"""How many pytest-xdist workers ``-n auto`` starts for notes.

Each worker is a new Python process whose first note imports torch and warms it up (about
2 to 3 CPU seconds); a serial run pays that once. Workers pay off only when the notes give
each of them at least that much to run, so ``-n auto`` starts one worker for each
:data:`WORKER_START` seconds of notes, as many as xdist would start at most, and none (a
serial run) when that is fewer than two. The notes' time is what they took in the last
serial run that recorded it (:data:`DURATIONS_KEY` in pytest's cache), and for a note not
run before, :data:`BLOCK_SECONDS` for each of its Python fences. This runs before
collection: it reads the notes' names and text, never runs them.
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

    def workers(self, most: int) -> int:
        """Workers worth starting, at most ``most``; 0 for a serial run.

        >>> Estimate(160, 0, 3.2).workers(8)
        0
        >>> Estimate(40, 40, 27.0).workers(8)
        5
        >>> Estimate(40, 40, 12.0).workers(8)
        2
        """
        count = min(most, int(self.seconds // WORKER_START))
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
        started = f"-n {most} starts {most} worker{'' if most == 1 else 's'}"
        if workers == 0:
            return (
                f"torchnotes: -n auto runs serially: {about}, less than 2 workers' start of "
                f"{WORKER_START:g} s each (importing torch); {started} anyway"
            )
        return (
            f"torchnotes: -n auto starts {workers} of {most} workers: {about}, one worker for "
            f"each {WORKER_START:g} s (a worker's start, importing torch); {started}"
        )


def estimate(
    paths: Iterable[Path],
    included: Iterable[Path] | None,
    patterns: Sequence[str],
    skipped: Sequence[str],
    modules: Sequence[str],
    rootpath: Path,
    durations: Mapping[str, float],
) -> Estimate:
    """The notes under ``paths`` (files or folders, in the folders pytest would enter) that
    are in ``included`` (``torchnotes_paths``; ``None``: everywhere), their time, and how
    many files match ``modules`` (``python_files``)."""
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
    return Estimate(notes, measured, seconds, others)


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


def read_durations(cache_dir: Path) -> dict[str, float]:
    """The notes' durations in pytest's cache folder, as the last runs wrote them (pytest's
    ``Cache.get`` is not there yet when xdist asks how many workers to start)."""
    try:
        data = json.loads((cache_dir / "v" / DURATIONS_KEY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(key): float(value)
        for key, value in data.items()
        if isinstance(value, (int, float)) and value >= 0
    }
