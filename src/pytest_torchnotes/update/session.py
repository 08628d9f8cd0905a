"""The bookkeeping of ``--torchnotes-update`` across a session: the edits the notes'
reports carry, collected; each file written once at the end; what was written, what could
not be fixed and why."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_torchnotes.comparison.unified import unified_diff
from pytest_torchnotes.notelines import location
from pytest_torchnotes.reporting.report import NoteRecord
from pytest_torchnotes.update.rewrite import Edit
from pytest_torchnotes.update.writer import update_file


class UpdateSession:
    """The edits of every note, by file, and what became of them."""

    def __init__(self) -> None:
        #: By the file written (a note collected through a symlink and at its target, or
        #: under two hard links, is one file, written once): the display path of the note
        #: each edit came from, the edit.
        self.edits: dict[str, list[tuple[str, Any]]] = {}
        #: ``note:line`` of every block whose output was written, under each path its note
        #: was collected under.
        self.updated: list[str] = []
        #: The files written, by their real path: how many outputs each got.
        self.written: dict[str, int] = {}
        #: ``note:line: why`` of every block that still fails.
        self.unfixed: list[str] = []
        self.diffs: list[str] = []
        #: Notes that could not be written.
        self.refused: set[str] = set()
        #: The real path each file was first seen under, by its device and inode.
        self._names: dict[tuple[int, int], str] = {}

    def collect(self, note: dict[str, Any]) -> None:
        """Keep the edits and the blocks not updated of one note's report."""
        for data in note["edits"]:
            written = self._file(Edit.from_json(data).path)
            self.edits.setdefault(written, []).append((note["path"], data))
        for line, reason in note["not_updated"]:
            self.unfixed.append(f"{note['path']}:{line}: {reason}")

    def _file(self, path: str) -> str:
        """The file an edit of the note at ``path`` writes: its real path, or for a file
        with several hard links, the real path it was first seen under (each name of it
        would plan the same edit, and the second write would find it changed)."""
        real = os.path.realpath(path)
        try:
            info = os.stat(real)
        except OSError:
            return real  # update_file says why it cannot be written
        return self._names.setdefault((info.st_dev, info.st_ino), real)

    def correct(self, notes: list[NoteRecord]) -> None:
        """Blocks of notes that could not be written were not updated: they failed."""
        for note in notes:
            if note.path in self.refused:
                note.outcome = "failed"
                for block in note.blocks:
                    if block.status == "updated":
                        block.status = "failed"

    def apply(self, check: Callable[[str, str], str | None] | None = None) -> bool:
        """Write every note (each whose new text ``check`` finds no reason against, given
        the text before and after: :func:`.reread.reread_check`); whether all were written."""
        written = True
        for path, items in self.edits.items():
            edits = [(display, Edit.from_json(data)) for display, data in items]
            # the same edit of one file, from the note collected under two paths, once
            unique = {_change(edit): edit for _, edit in edits}
            reason = update_file(Path(path), sorted(unique.values(), key=lambda e: e.start), check)
            if reason is not None:
                written = False
                self.refused.update(display for display, _ in edits)
                self.unfixed.extend(  # once a block, however many edits it planned
                    dict.fromkeys(
                        f"{location(display, edit.first_line)}: not written: {reason}"
                        for display, edit in edits
                    )
                )
                continue
            self.written[path] = len(unique)
            shown = set()
            for display, edit in sorted(edits, key=lambda item: item[1].start):
                self.updated.append(location(display, edit.first_line))
                if _change(edit) not in shown:
                    shown.add(_change(edit))
                    self.diffs.extend(_edit_diff(display, edit))
        return written

    def counts(self) -> tuple[int, int]:
        """How many outputs were written, in how many files (each counted by its real
        path: a note collected through a symlink and at its target is one file)."""
        return sum(self.written.values()), len(self.written)


def _change(edit: Edit) -> tuple[object, ...]:
    """What an edit changes, whatever path of its file it names."""
    return (edit.start, edit.end, edit.lines, edit.old, edit.digest)


def _edit_diff(display: str, edit: Any) -> list[str]:
    """The unified diff of what ``edit`` wrote over."""
    where = location(display, edit.start)
    return unified_diff(
        [line.rstrip("\r") for line in edit.old],
        [line.rstrip("\r") for line in edit.lines],
        names=(where, f"{where} (updated)"),
    )
