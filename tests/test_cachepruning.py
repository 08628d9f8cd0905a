"""Entries of the parse and code caches that no recent run used are removed at the end of a
session (``cachepruning.py``): a note edited many times keeps the entries of its last texts
only, and ``--torchnotes-cache=off`` keeps none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_torchnotes.cachepruning import KEEP_RUNS, RECORD, prune
from pytest_torchnotes.plugin import CODE_CACHE, PARSE_CACHE
from tests.conftest import WriteNote


def _entries(folder: Path, suffix: str) -> set[str]:
    return {name for name in os.listdir(folder) if name.endswith(suffix)}


def _make(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_bytes(b"entry")


def test_an_entry_goes_once_keep_runs_runs_in_a_row_left_it_unused(tmp_path: Path) -> None:
    _make(tmp_path, "old.pickle", "new.pickle")
    assert prune(tmp_path, ".pickle", ["old.pickle", "new.pickle"], keep_runs=3) == []
    assert prune(tmp_path, ".pickle", ["new.pickle"], keep_runs=3) == []
    assert prune(tmp_path, ".pickle", ["new.pickle"], keep_runs=3) == []
    assert prune(tmp_path, ".pickle", ["new.pickle"], keep_runs=3) == ["old.pickle"]
    assert _entries(tmp_path, ".pickle") == {"new.pickle"}


def test_an_entry_used_again_is_kept_again(tmp_path: Path) -> None:
    _make(tmp_path, "a.pickle", "b.pickle")
    prune(tmp_path, ".pickle", ["a.pickle", "b.pickle"], keep_runs=2)
    prune(tmp_path, ".pickle", ["a.pickle"], keep_runs=2)
    prune(tmp_path, ".pickle", ["b.pickle"], keep_runs=2)  # b used again: its count starts anew
    assert prune(tmp_path, ".pickle", ["b.pickle"], keep_runs=2) == ["a.pickle"]
    assert _entries(tmp_path, ".pickle") == {"b.pickle"}


def test_only_the_cache_s_own_entries_are_touched(tmp_path: Path) -> None:
    """Files of another kind, a writer's file in flight and the record itself stay; an entry
    the record does not name (written by another session as this one ran) counts as new."""
    in_flight = f".x.pickle.{os.getpid()}"
    _make(tmp_path, "notes.txt", in_flight, "mine.pickle")
    assert prune(tmp_path, ".pickle", [], keep_runs=1) == []
    _make(tmp_path, "stranger.pickle")
    assert prune(tmp_path, ".pickle", [], keep_runs=1) == ["mine.pickle"]
    assert prune(tmp_path, ".pickle", [], keep_runs=1) == ["stranger.pickle"]
    assert sorted(os.listdir(tmp_path)) == [in_flight, RECORD, "notes.txt"]


def test_a_file_a_killed_writer_left_half_written_is_removed(tmp_path: Path) -> None:
    """A writer killed between writing an entry beside its place and moving it in (the
    out-of-memory killer, kill -9) left ``.NAME.PID`` there for good."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    gone = child.pid
    _make(tmp_path, f".a.pickle.{gone}", f".{RECORD}.{gone}", f".b.pickle.{os.getpid()}")
    _make(tmp_path, ".c.pickle.x", f".d.pickle.{os.getppid()}")
    prune(tmp_path, ".pickle", [])
    assert sorted(os.listdir(tmp_path)) == sorted(
        [f".b.pickle.{os.getpid()}", ".c.pickle.x", f".d.pickle.{os.getppid()}", RECORD]
    )


@pytest.mark.parametrize(
    "record",
    ["", "{", "[]", '{"run": "1", "last_used": {}}', '{"run": 1, "last_used": []}', "\xff"],
)
def test_a_broken_record_is_no_record(tmp_path: Path, record: str) -> None:
    _make(tmp_path, "a.pickle")
    (tmp_path / RECORD).write_text(record, encoding="latin-1")
    assert prune(tmp_path, ".pickle", [], keep_runs=1) == []  # new to a fresh record
    assert json.loads((tmp_path / RECORD).read_text()) == {"run": 1, "last_used": {"a.pickle": 1}}


def test_a_folder_that_cannot_be_read_removes_nothing(tmp_path: Path) -> None:
    assert prune(tmp_path / "missing", ".pickle", ["a.pickle"]) == []


@settings(max_examples=60, deadline=None)
@given(
    keep_runs=st.integers(1, 4),
    runs=st.lists(st.sets(st.sampled_from("abcdef")), min_size=1, max_size=12),
)
def test_what_stays_is_what_the_last_runs_used(
    tmp_path_factory: pytest.TempPathFactory, keep_runs: int, runs: list[set[str]]
) -> None:
    """After each run, an entry is there exactly when it was written and one of the last
    ``keep_runs`` runs used it (a run writes the entries it uses)."""
    folder = tmp_path_factory.mktemp("cache")
    for number, used in enumerate(runs):
        _make(folder, *(f"{name}.pickle" for name in used))
        prune(folder, ".pickle", [f"{name}.pickle" for name in used], keep_runs)
        recent = set().union(*runs[max(0, number - keep_runs + 1) : number + 1])
        assert _entries(folder, ".pickle") == {f"{name}.pickle" for name in recent}


PASSING = "```python\nprint({n})\n=== output ===\n{n}\n```\n"


def _cache_folder(pytester: pytest.Pytester, name: str) -> Path:
    return pytester.path / ".pytest_cache" / "d" / name


def test_a_note_edited_many_times_keeps_the_entries_of_its_last_texts(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(PASSING.format(n=0), "other.md")
    for n in range(6):
        write_note(PASSING.format(n=n))
        pytester.runpytest("--torchnotes-cache=2").assert_outcomes(passed=2)
    parses = _entries(_cache_folder(pytester, PARSE_CACHE), ".pickle")
    assert len(parses) == 3  # the note's last two texts, and the other note's
    assert len(_entries(_cache_folder(pytester, CODE_CACHE), ".marshal")) == 2  # a note each


def test_the_default_keeps_the_entries_of_the_last_runs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    for n in range(KEEP_RUNS + 3):
        write_note(PASSING.format(n=n))
        pytester.runpytest().assert_outcomes(passed=1)
    assert len(_entries(_cache_folder(pytester, PARSE_CACHE), ".pickle")) == KEEP_RUNS


def test_a_run_of_other_notes_leaves_the_entries_of_a_note_for_keep_runs_runs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    kept = write_note(PASSING.format(n=1), "kept.md")
    ran = write_note(PASSING.format(n=2), "ran.md")
    pytester.runpytest("--torchnotes-cache=2").assert_outcomes(passed=2)
    pytester.runpytest("--torchnotes-cache=2", str(ran)).assert_outcomes(passed=1)
    assert len(_entries(_cache_folder(pytester, PARSE_CACHE), ".pickle")) == 2
    pytester.runpytest("--torchnotes-cache=2", str(ran)).assert_outcomes(passed=1)
    assert len(_entries(_cache_folder(pytester, PARSE_CACHE), ".pickle")) == 1
    assert kept.exists()


@pytest.mark.parametrize("how", ["flag", "ini"])
def test_off_keeps_nothing(pytester: pytest.Pytester, write_note: WriteNote, how: str) -> None:
    write_note(PASSING.format(n=1))
    if how == "ini":
        pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_cache = off\n")
        result = pytester.runpytest()
    else:
        result = pytester.runpytest("--torchnotes-cache=off")
    result.assert_outcomes(passed=1)
    assert not _cache_folder(pytester, PARSE_CACHE).exists()
    assert not _cache_folder(pytester, CODE_CACHE).exists()


@pytest.mark.parametrize("value", ["0", "-1", "sometimes", "1.5"])
def test_a_bad_value_names_the_flag(
    pytester: pytest.Pytester, write_note: WriteNote, value: str
) -> None:
    write_note(PASSING.format(n=1))
    result = pytester.runpytest(f"--torchnotes-cache={value}")
    wanted = f"*--torchnotes-cache*{value}*is not on, off or a number of runs*"
    result.stderr.fnmatch_lines([wanted])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_under_xdist_the_controller_prunes_with_the_entries_every_worker_used(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    pytest.importorskip("xdist")
    for name in ("a.md", "b.md", "c.md"):
        write_note(PASSING.format(n=1) + f"\n<!-- {name} -->\n", name)
    edited = write_note(PASSING.format(n=2), "d.md")
    pytester.runpytest("-n", "2", "--torchnotes-cache=1").assert_outcomes(passed=4)
    before = _entries(_cache_folder(pytester, PARSE_CACHE), ".pickle")
    assert len(before) == 4
    edited.write_text(PASSING.format(n=3), encoding="utf-8")
    pytester.runpytest("-n", "2", "--torchnotes-cache=1").assert_outcomes(passed=4)
    after = _entries(_cache_folder(pytester, PARSE_CACHE), ".pickle")
    assert len(after) == 4  # the old text's entry went, the three others stayed
    assert len(before & after) == 3
