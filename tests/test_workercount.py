"""``-n auto`` starts as many pytest-xdist workers as the notes can pay for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.workercount import (
    BLOCK_SECONDS,
    DURATIONS_KEY,
    WORKER_START,
    WORKER_START_KEY,
    Estimate,
    estimate,
    read_durations,
    read_worker_start,
)
from tests.conftest import WriteNote

QUICK = "```python\nprint({index})\n=== output ===\n{index}\n```\n"


@given(st.floats(0, 1000), st.integers(1, 64))
def test_each_worker_gets_a_start_of_notes_or_the_run_is_serial(seconds: float, most: int) -> None:
    workers = Estimate(10, 10, seconds).workers(most)
    assert workers == 0 or 2 <= workers <= most
    if workers:
        assert seconds / workers >= WORKER_START
    if most >= 2 and workers < most:  # one more would have less than its start to run
        assert seconds / (max(workers, 1) + 1) < WORKER_START


def test_the_estimate_counts_blocks_and_takes_measured_times(tmp_path: Path) -> None:
    (tmp_path / "notes" / ".hidden").mkdir(parents=True)
    (tmp_path / "notes" / "a.md").write_text("```python\n1\n```\n```python\n2\n```\n")
    (tmp_path / "notes" / "b.md").write_text("```python\n1\n```\n")
    (tmp_path / "notes" / "c.txt").write_text("```python\n1\n```\n")
    (tmp_path / "notes" / ".hidden" / "d.md").write_text("```python\n1\n```\n")
    (tmp_path / "other.md").write_text("```python\n1\n```\n")
    args = ([tmp_path / "notes", tmp_path / "other.md"], ["*.md"], [], ["test_*.py"], tmp_path)
    found = estimate(args[0], [tmp_path / "notes"], *args[1:], {})
    assert (found.notes, found.measured, found.modules) == (2, 0, 0)
    assert found.seconds == pytest.approx(3 * BLOCK_SECONDS)
    found = estimate(args[0], None, *args[1:], {"notes/b.md": 4.0})
    assert (found.notes, found.measured) == (3, 1)
    assert found.seconds == pytest.approx(4.0 + 3 * BLOCK_SECONDS)
    (tmp_path / "notes" / "test_x.py").write_text("")
    assert estimate(args[0], None, *args[1:], {}).modules == 1


def test_durations_are_read_from_pytest_cache(tmp_path: Path) -> None:
    assert read_durations(tmp_path) == {}
    (tmp_path / "v" / "torchnotes").mkdir(parents=True)
    path = tmp_path / "v" / DURATIONS_KEY
    path.write_text(json.dumps({"a.md": 1.5, "b.md": "x", "c.md": -1}))
    assert read_durations(tmp_path) == {"a.md": 1.5}
    path.write_text("[1, 2]")
    assert read_durations(tmp_path) == {}


@pytest.fixture
def xdist() -> None:
    pytest.importorskip("xdist")


@pytest.mark.usefixtures("xdist")
def test_quick_notes_run_serially_under_n_auto(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    for index in range(6):
        write_note(QUICK.format(index=index), f"n{index}.md")
    for flag, *more in (("auto",), ("logical",), ("auto", "-p", "no:cacheprovider")):
        result = pytester.runpytest("-n", flag, "-p", "no:randomly", *more)
        result.assert_outcomes(passed=6)
        result.stdout.fnmatch_lines(
            ["torchnotes: -n auto runs serially: 6 notes, about * s (*), less than 2 workers'*"]
        )
        assert "workers [" not in result.stdout.str()  # xdist started none


@pytest.mark.usefixtures("xdist")
def test_n_auto_starts_workers_for_notes_the_last_run_found_slow(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    monkeypatch.setattr("xdist.plugin.pytest_xdist_auto_num_workers", lambda config: 2)
    for index in range(4):
        write_note(QUICK.format(index=index), f"n{index}.md")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=4)
    cache = pytester.path / ".pytest_cache" / "v" / DURATIONS_KEY
    kept = json.loads(cache.read_text())
    assert sorted(kept) == [f"notes/n{index}.md" for index in range(4)]
    assert all(0 <= seconds < 60 for seconds in kept.values())
    # as if the notes had each taken 3 s: 12 s of notes pay for 2 workers
    cache.write_text(json.dumps(dict.fromkeys(kept, 3.0)))
    result = pytester.runpytest("-n", "auto", "-p", "no:randomly")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "*2 workers [[]4 items[]]*",
            "torchnotes: -n auto starts 2 of 2 workers: 4 notes, about 12.0 s (as the last "
            "serial run took them)*",
        ]
    )
    # a parallel run keeps no times (workers that share the cores take longer each)
    assert json.loads(cache.read_text()) == dict.fromkeys(kept, 3.0)
    # but a worker's start as it measured it: from the launch to the first note, and what
    # that note took beyond the others
    start = json.loads((pytester.path / ".pytest_cache" / "v" / WORKER_START_KEY).read_text())
    assert 1 <= start["workers"] <= 2
    assert 0 < start["seconds"] < 300
    # a serial run that names one note keeps the others' times
    pytester.runpytest("-p", "no:randomly", "notes/n0.md").assert_outcomes(passed=1)
    again = json.loads(cache.read_text())
    assert sorted(again) == sorted(kept)
    assert again["notes/n1.md"] == 3.0


@pytest.mark.usefixtures("xdist")
def test_n_auto_is_xdists_own_beside_test_modules_or_when_set(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_note(QUICK.format(index=1), "n1.md")
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "")
    result = pytester.runpytest("-n", "auto", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    assert "torchnotes: -n auto" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*worker* [[]2 items[]]*"])  # xdist's own count
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "2")
    result = pytester.runpytest("-n", "auto", "-p", "no:randomly", "notes")
    result.assert_outcomes(passed=1)
    assert "torchnotes: -n auto" not in result.stdout.str()


@given(st.floats(0, 1000), st.integers(1, 64), st.floats(0.01, 600))
def test_a_measured_start_is_what_each_worker_must_be_given(
    seconds: float, most: int, start: float
) -> None:
    found = Estimate(10, 10, seconds, start=start, start_measured=True)
    workers = found.workers(most)
    assert workers == 0 or 2 <= workers <= most
    if workers:
        assert seconds / workers >= start
    if most >= 2 and workers < most:
        assert seconds / (max(workers, 1) + 1) < start
    assert "as the last parallel run measured it" in found.line(workers, most)


def test_the_worker_start_is_read_from_pytest_cache(tmp_path: Path) -> None:
    assert read_worker_start(tmp_path) is None
    (tmp_path / "v" / "torchnotes").mkdir(parents=True)
    path = tmp_path / "v" / WORKER_START_KEY
    for kept, read in [
        ({"seconds": 3.25, "workers": 2}, 3.25),
        ({"seconds": 7}, 7.0),
        ({"seconds": 0}, None),
        ({"seconds": -1.0}, None),
        ({"seconds": True}, None),
        ({"seconds": "3"}, None),
        ({"seconds": 1e9}, None),
        ([3.0], None),
        ({}, None),
    ]:
        path.write_text(json.dumps(kept))
        assert read_worker_start(tmp_path) == read, kept
    path.write_text("{")
    assert read_worker_start(tmp_path) is None


@pytest.mark.usefixtures("xdist")
def test_n_auto_counts_the_start_the_last_parallel_run_measured(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    """12 s of notes pay for 2 workers of the fixed 5 s start, none of a 7 s one measured."""
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    monkeypatch.setattr("xdist.plugin.pytest_xdist_auto_num_workers", lambda config: 2)
    for index in range(4):
        write_note(QUICK.format(index=index), f"n{index}.md")
    kept = pytester.path / ".pytest_cache" / "v"
    (kept / "torchnotes").mkdir(parents=True)
    durations = {f"notes/n{index}.md": 3.0 for index in range(4)}
    (kept / DURATIONS_KEY).write_text(json.dumps(durations))
    (kept / WORKER_START_KEY).write_text(json.dumps({"seconds": 7.0, "workers": 2}))
    result = pytester.runpytest("-n", "auto", "-p", "no:randomly")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "torchnotes: -n auto runs serially: 4 notes, about 12.0 s (as the last serial run "
            "took them), less than 2 workers' start of 7 s each (as the last parallel run "
            "measured it)*"
        ]
    )
    assert "workers [" not in result.stdout.str()
    # under --cache-clear, which empties the cache before the run, nothing kept counts
    result = pytester.runpytest("-n", "auto", "-p", "no:randomly", "--cache-clear")
    result.stdout.fnmatch_lines(["torchnotes: -n auto runs serially: 4 notes, about 0.0* s*"])


CACHE_DIRS = {
    "default": ("", []),
    "relative": ("cache_dir = custom/cache", []),
    "absolute": ("cache_dir = {tmp}/absolute", []),
    "option": ("", ["-o", "cache_dir=from/option"]),
    "option over ini": ("cache_dir = ini", ["-o", "cache_dir={tmp}/option"]),
    "variable": ("cache_dir = $TORCHNOTES_CACHE/sub", []),
    "home": ("cache_dir = ~/cache", []),
    "variable holding a tilde": ("cache_dir = $TORCHNOTES_TILDE", []),
}


@pytest.mark.parametrize(("ini", "args"), CACHE_DIRS.values(), ids=CACHE_DIRS.keys())
def test_the_cache_folder_is_the_one_pytest_uses(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    ini: str,
    args: list[str],
) -> None:
    """Read before ``config.cache`` exists, the folder is where pytest then puts its cache,
    however ``cache_dir`` is written (pytest expands ``~`` before variables)."""
    from pytest_torchnotes.plugin import cache_folder

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TORCHNOTES_CACHE", str(tmp_path / "variable"))
    monkeypatch.setenv("TORCHNOTES_TILDE", "~/tilde")
    pytester.makeini(f"[pytest]\n{ini.format(tmp=tmp_path)}\n")
    config = pytester.parseconfigure(*(arg.format(tmp=tmp_path) for arg in args))
    assert cache_folder(config) == config.cache._cachedir  # type: ignore[union-attr]


def test_no_cache_folder_without_pytest_cache_or_under_cache_clear(
    pytester: pytest.Pytester,
) -> None:
    from pytest_torchnotes.plugin import cache_folder

    assert cache_folder(pytester.parseconfigure("-p", "no:cacheprovider")) is None
    assert cache_folder(pytester.parseconfigure("--cache-clear")) is None
