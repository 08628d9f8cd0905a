"""What a block changed in its note's folder, seen from the files' metadata alone."""

from __future__ import annotations

import os
from pathlib import Path

from pytest_torchnotes.run.repowatch import IGNORED, WATCHED, FolderWatch, describe


def test_a_folder_watch_names_what_was_added_removed_changed_and_replaced(tmp_path: Path) -> None:
    for name in ("kept", "grown", "gone", "replaced", "moded"):
        (tmp_path / name).write_text("1")
    watch = FolderWatch.of(str(tmp_path), "notes")
    assert watch.check() == []
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


def test_pycache_is_not_a_change_and_a_missing_folder_is_empty(tmp_path: Path) -> None:
    watch = FolderWatch.of(str(tmp_path), "notes")
    for name in IGNORED:
        (tmp_path / name).mkdir()
    assert watch.check() == []
    assert FolderWatch.of(str(tmp_path / "missing"), "x").check() == []


def test_a_large_folder_is_watched_for_its_first_entries(tmp_path: Path) -> None:
    for index in range(WATCHED + 1):
        (tmp_path / f"{index:05d}").write_text("1")
    watch = FolderWatch.of(str(tmp_path), "notes")
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
