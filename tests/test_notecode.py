"""Whether code is the note's own: the scratch folder's paths resolved once per folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytest_torchnotes.run import notecode
from pytest_torchnotes.run.notecode import NoteCode


def test_the_folders_are_resolved_once_for_every_note_of_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two guards a note, each resolving both folders: about 0.1 ms of every note in a run.
    scratch, beside = tmp_path / "scratch", tmp_path / "notes"
    scratch.mkdir()
    beside.mkdir()
    (beside / "library.py").write_text("")
    resolved: list[str] = []
    realpath = os.path.realpath

    def counting(path: str) -> str:
        resolved.append(path)
        return realpath(path)

    monkeypatch.setattr(os.path, "realpath", counting)
    notecode._scratch_prefixes.cache_clear()
    guards = [NoteCode(f"notes/{name}.md", str(scratch), str(beside)) for name in "abcd"]
    assert 0 < len(resolved) <= 3
    for code in guards:  # what each tells is as before
        assert code.owns(code.filename)
        assert code.owns(str(scratch / "helper.py"))
        assert not code.owns(str(scratch / "library.py"))
        assert not code.owns("/usr/lib/python3/json/__init__.py")
    assert NoteCode("notes/a.md", str(beside), str(beside)).owns(str(beside / "x.py")) is False
