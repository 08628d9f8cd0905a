"""The update bookkeeping of a session: edits collected from the notes' reports, each file
written once, and what could not be written counted as failed."""

from __future__ import annotations

import os
from pathlib import Path

from pytest_torchnotes.reporting.report import BlockRecord, NoteRecord
from pytest_torchnotes.update.rewrite import Edit, digest
from pytest_torchnotes.update.session import UpdateSession

NOTE = "```python\nprint(1 + 1)\n```\n\n```output\n3\n```\n"


def _report(path: Path, data: bytes) -> dict[str, object]:
    """What a note's report carries for update mode: one edit of line 5, ``3`` → ``2``."""
    edit = Edit(str(path), 5, 6, ("2",), ("3",), 0, digest(data))
    return {"path": "notes/n.md", "edits": [edit.to_json()], "not_updated": []}


def test_an_edit_is_written_and_listed_with_its_diff(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(NOTE.encode())
    book = UpdateSession()
    book.collect(_report(path, NOTE.encode()))
    assert book.apply()
    assert path.read_text() == NOTE.replace("\n3\n", "\n2\n")
    assert book.updated == ["notes/n.md:1"]
    assert book.counts() == (1, 1)
    assert book.unfixed == []
    assert "-3" in book.diffs
    assert "+2" in book.diffs


def test_a_note_changed_on_disk_is_not_written_and_its_updated_blocks_fail(
    tmp_path: Path,
) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(NOTE.encode())
    book = UpdateSession()
    book.collect(_report(path, b"what the note was when it was collected"))
    book.collect({"path": "notes/m.md", "edits": [], "not_updated": [[3, "a traceback"]]})
    assert not book.apply()
    assert path.read_text() == NOTE
    assert book.updated == []
    assert book.counts() == (0, 0)
    assert book.unfixed == [
        "notes/m.md:3: a traceback",
        "notes/n.md:1: not written: changed on disk since it was collected (its new text is"
        " kept): run again to write it",
    ]
    block = BlockRecord("block", 1, 1, None, "passed", None, None, None, None, "", status="updated")
    kept = BlockRecord("block", 1, 1, None, "passed", None, None, None, None, "", status="updated")
    refused = NoteRecord("notes/n.md", "passed", None, [block])
    other = NoteRecord("notes/o.md", "passed", None, [kept])
    book.correct([refused, other])
    assert (refused.outcome, block.status) == ("failed", "failed")
    assert (other.outcome, kept.status) == ("passed", "updated")


def test_a_note_collected_through_a_symlink_and_at_its_target_is_written_once(
    tmp_path: Path,
) -> None:
    """Both paths plan the same edit of one file: it is written once, and neither is
    reported as a note that changed on disk."""
    path = tmp_path / "n.md"
    path.write_bytes(NOTE.encode())
    link = tmp_path / "link.md"
    link.symlink_to(path)
    book = UpdateSession()
    book.collect(_report(path, NOTE.encode()))
    report = _report(link, NOTE.encode())
    report["path"] = "notes/link.md"
    book.collect(report)
    assert book.apply()
    assert path.read_text() == NOTE.replace("\n3\n", "\n2\n")
    assert link.is_symlink()
    assert book.unfixed == []
    assert book.updated == ["notes/n.md:1", "notes/link.md:1"]
    assert book.diffs.count("+2") == 1
    assert book.counts() == (1, 1)  # one output of one file, under two paths


def test_a_note_collected_under_two_hard_links_is_written_once(tmp_path: Path) -> None:
    """Two names of one file, neither a symlink: the second was refused as changed on disk
    once the first was written, and the run failed with the file up to date."""
    path = tmp_path / "n.md"
    path.write_bytes(NOTE.encode())
    other = tmp_path / "sub" / "m.md"
    other.parent.mkdir()
    os.link(path, other)
    book = UpdateSession()
    book.collect(_report(path, NOTE.encode()))
    report = _report(other, NOTE.encode())
    report["path"] = "notes/sub/m.md"
    book.collect(report)
    assert book.apply()
    assert book.unfixed == []
    assert other.read_text() == path.read_text() == NOTE.replace("\n3\n", "\n2\n")
    assert os.path.samefile(path, other)
    assert book.updated == ["notes/n.md:1", "notes/sub/m.md:1"]
    assert book.counts() == (1, 1)
