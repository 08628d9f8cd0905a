"""Entries of the plugin's caches that no recent run used, removed at the end of a session.

A note's reading is kept under a digest of its text (:mod:`.markdown.parsecache`), so each
edit of the note leaves the entry of its old text behind; a renamed or deleted note leaves
its code (:mod:`.run.codecache`), and a new version of the plugin leaves every entry of the
old one. Each folder keeps a record of the run that last used each of its entries
(:data:`RECORD`): at the end of a session that used any of them, the entries it used are
marked as used by this run, and an entry that no run of the last ``keep_runs`` used is
removed. A run of a few notes (``pytest notes/a.md``) does not take the entries of the
others at once: they go only when ``keep_runs`` runs in a row left them unused.

The work is done once a session, on the process that ends it (a serial run, or the
pytest-xdist controller once every worker has sent the entries it used): one listing of the
folder and one record read and written, nothing while the notes run but a key added to a set.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from pytest_torchnotes import cacheentries, defaults

#: The record of a cache folder: ``{"run": N, "last_used": {entry file name: run}}``.
RECORD = "last-used.json"

#: How many runs in a row may leave an entry unused before it is removed.
KEEP_RUNS = defaults.CACHE_KEEP_RUNS


def prune(folder: Path, suffix: str, used: Iterable[str], keep_runs: int = KEEP_RUNS) -> list[str]:
    """Mark the entries named ``used`` as used by this run, and remove the entries (files of
    ``folder`` named ``*suffix``) that none of the last ``keep_runs`` runs used; returns the
    names removed. An entry the record does not name (written by another session as this
    one ran, or before the record was kept) counts as used by this run. A folder or a record
    that cannot be read or written removes nothing and keeps the record as it was."""
    try:
        listed = os.listdir(folder)
    except OSError:
        return []
    names = [name for name in listed if name.endswith(suffix)]
    _remove_stale_temporaries(folder, listed)
    run, last_used = _read_record(folder / RECORD)
    run += 1
    for name in used:
        last_used[name] = run
    kept: dict[str, int] = {}
    removed: list[str] = []
    for name in names:
        last = last_used.get(name, run)
        if run - last < keep_runs:
            kept[name] = last
            continue
        try:
            os.unlink(folder / name)
        except FileNotFoundError:
            removed.append(name)  # another session removed it first
        except OSError:
            kept[name] = last
        else:
            removed.append(name)
    _write_record(folder / RECORD, run, kept)
    return removed


#: A file being written whole (:func:`.cacheentries.write_whole`): ``.NAME.PID``.
TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)")


def _remove_stale_temporaries(folder: Path, names: Iterable[str]) -> None:
    """Remove the files a writer left half-written when it was killed before moving them
    in (the out-of-memory killer, a crash, ``kill -9``): each names its process, and one
    whose process is gone is left for good. A live process's file may be one being written
    now (another session), and stays."""
    for name in names:
        match = TEMPORARY.fullmatch(name)
        if match is None or _alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):
            os.unlink(folder / name)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (one of another user, which cannot be signalled, too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    return True


def _read_record(path: Path) -> tuple[int, dict[str, int]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        run = data["run"]
        last_used = data["last_used"]
    except (OSError, ValueError, TypeError, KeyError):
        return 0, {}
    if not isinstance(run, int) or not isinstance(last_used, dict):
        return 0, {}
    return run, {
        name: last
        for name, last in last_used.items()
        if isinstance(name, str) and isinstance(last, int) and last <= run
    }


def _write_record(path: Path, run: int, last_used: dict[str, int]) -> None:
    record = {"run": run, "last_used": last_used}
    cacheentries.write_whole(path, json.dumps(record, separators=(",", ":")).encode())
