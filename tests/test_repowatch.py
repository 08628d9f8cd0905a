"""What a block changed in its note's folder, seen from the files' metadata alone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_torchnotes.run.repowatch import (
    IGNORED,
    REPLACED,
    REPLACED_HOW,
    WATCHED,
    FolderWatch,
    describe,
)


@pytest.fixture
def watching() -> Iterator[list[FolderWatch]]:
    """Watches started in a test, stopped after it."""
    started: list[FolderWatch] = []
    yield started
    for watch in started:
        watch.stop()


def _started(watch: FolderWatch, started: list[FolderWatch]) -> FolderWatch:
    watch.start()
    started.append(watch)
    return watch


def test_after_a_process_starts_every_entry_is_looked_at(
    tmp_path: Path, watching: list[FolderWatch]
) -> None:
    for name in ("kept", "grown", "gone", "replaced", "moded"):
        (tmp_path / name).write_text("1")
    watch = _started(FolderWatch.of(str(tmp_path), "notes"), watching)
    assert watch.check() == []
    assert os.system("true") == 0  # the audit event of a process started, before it starts
    (tmp_path / "grown").write_text("12")
    (tmp_path / "gone").unlink()
    (tmp_path / "new").write_text("1")
    (tmp_path / "other").write_text("1")
    os.replace(tmp_path / "other", tmp_path / "replaced")
    os.chmod(tmp_path / "moded", 0o600)
    assert watch.check() == [
        ("gone", "removed"),
        ("grown", "changed"),
        ("moded", "changed"),
        ("new", "added"),
        ("replaced", "changed"),
    ]
    assert watch.check() == []  # each change is named once
    (tmp_path / "kept").write_text("12")  # the process may go on writing: still looked at
    assert watch.check() == [("kept", "changed")]


def test_before_any_process_entries_added_removed_or_renamed_are_named(
    tmp_path: Path, watching: list[FolderWatch]
) -> None:
    """Without a process or ctypes, only the folder's own time is read: what changes in
    place is not seen (Python's own writes are refused by the write guard)."""
    for name in ("kept", "gone", "replaced"):
        (tmp_path / name).write_text("1")
    watch = _started(FolderWatch.of(str(tmp_path), "notes"), watching)
    (tmp_path / "kept").write_text("12")
    assert watch.check() == []
    (tmp_path / "gone").unlink()
    (tmp_path / "new").write_text("1")
    assert watch.check() == [("gone", "removed"), ("new", "added")]
    (tmp_path / "other").write_text("1")
    os.replace(tmp_path / "other", tmp_path / "replaced")
    (changed,) = watch.check()
    assert changed == (REPLACED, REPLACED_HOW)
    assert describe([changed], "notes").startswith(
        "the note's folder in the repository changed while the block ran: notes (an entry"
    )


def test_a_stopped_watch_takes_no_events(tmp_path: Path, watching: list[FolderWatch]) -> None:
    (tmp_path / "kept").write_text("1")
    watch = _started(FolderWatch.of(str(tmp_path), "notes"), watching)
    watch.stop()
    assert os.system("true") == 0
    (tmp_path / "kept").write_text("12")
    assert watch.full is None
    assert watch.check() == []


def test_a_folder_is_listed_once_while_it_stays_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.md").write_text("1")
    calls: list[str] = []
    listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path: calls.append(path) or listdir(path))
    first = FolderWatch.of(str(tmp_path), "notes")
    for _ in range(3):
        assert FolderWatch.of(str(tmp_path), "notes").check() == []
    assert len(calls) == 1
    (tmp_path / "b.md").write_text("1")
    assert first.check() == [("b.md", "added")]
    assert len(calls) == 2


def test_pycache_is_not_a_change_and_a_missing_folder_is_empty(
    tmp_path: Path, watching: list[FolderWatch]
) -> None:
    watch = _started(FolderWatch.of(str(tmp_path), "notes"), watching)
    for name in IGNORED:
        (tmp_path / name).mkdir()
    assert watch.check() == []
    assert os.system("true") == 0
    for name in IGNORED:
        (tmp_path / name / "x.pyc").write_text("1")
    assert watch.check() == []
    assert FolderWatch.of(str(tmp_path / "missing"), "x").check() == []


def test_a_large_folder_is_watched_for_its_first_entries(
    tmp_path: Path, watching: list[FolderWatch]
) -> None:
    for index in range(WATCHED + 1):
        (tmp_path / f"{index:05d}").write_text("1")
    watch = _started(FolderWatch.of(str(tmp_path), "notes"), watching)
    assert os.system("true") == 0
    (tmp_path / f"{WATCHED:05d}").write_text("12")  # the last one, past the limit
    assert watch.check() == []
    (tmp_path / "00000").write_text("12")
    assert watch.check() == [("00000", "changed")]


def test_many_changes_are_counted_past_the_named_ones() -> None:
    message = describe([(f"f{i}", "added") for i in range(8)], "notes")
    assert "notes/f4 (added) and 3 more. Only" in message


def test_what_changes_inside_a_folder_of_the_folder_is_not_looked_at(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    watch = FolderWatch.of(str(tmp_path), "notes")
    (tmp_path / "data" / "new").write_text("1")
    assert watch.check() == []
    (tmp_path / "data" / "new").unlink()
    (tmp_path / "data").rmdir()
    assert watch.check() == [("data", "removed")]
