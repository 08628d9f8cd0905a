"""Files that are not regular notes: a FIFO, a device, a folder, a note gone or unreadable.
Reading one never blocks, and what cannot be read is said with the note's path."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Callable
from concurrent import futures
from pathlib import Path
from typing import TypeVar

import pytest

from pytest_torchnotes.commands.check import check
from pytest_torchnotes.markdown.document import NoteDocument
from pytest_torchnotes.markdown.regions import note_parsers
from pytest_torchnotes.notefiles import UnreadableNote, read_note

NOT_REGULAR = "not a regular file: notes are read from regular files"
FIX = "(rename it, or leave it out of torchnotes_patterns)"

T = TypeVar("T")

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
posix = pytest.mark.skipif(os.name == "nt", reason="symlinks to devices and folders")


def _finishes(function: Callable[..., T], *args: object, fifo: Path | None = None) -> T:
    """What ``function(*args)`` returns or raises; fails, instead of hanging, when it blocks
    for five seconds (a writer then opens ``fifo`` so that the blocked read ends)."""
    with futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(function, *args)
        try:
            return future.result(timeout=5)
        except futures.TimeoutError:  # not the built-in one before Python 3.11
            if fifo is not None:
                with open(fifo, "wb"):
                    pass
            pytest.fail(f"{function.__name__} blocked")


def test_a_regular_note_is_read_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_bytes(b"# x\n")
    (tmp_path / "link.md").symlink_to("real.md")
    assert read_note(tmp_path / "link.md") == b"# x\n"


@needs_fifo
def test_a_fifo_named_like_a_note_is_refused_without_waiting_for_a_writer(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "x.md"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableNote) as error:
        _finishes(read_note, fifo, fifo=fifo)
    assert str(error.value) == f"is a FIFO (named pipe), {NOT_REGULAR} {FIX}"


@posix
def test_a_device_and_a_folder_are_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.md").symlink_to(os.devnull)
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(UnreadableNote, match=f"^is a character device, {NOT_REGULAR}"):
        read_note(tmp_path / "zero.md")
    with pytest.raises(UnreadableNote, match=f"^is a folder, {NOT_REGULAR}"):
        read_note(tmp_path / "folder.md")


def test_a_missing_note_is_named_with_the_reason() -> None:
    with pytest.raises(UnreadableNote, match=r"^cannot be read: No such file or directory$"):
        read_note("/nonexistent/x.md")


def test_a_note_that_cannot_be_read_is_a_problem_of_its_first_line(tmp_path: Path) -> None:
    (tmp_path / "folder.md").mkdir()
    document = NoteDocument.parse(str(tmp_path / "folder.md"), *note_parsers())
    [problem] = document.note.problems
    assert problem.line_index == 0
    assert problem.message == f"the note is a folder, {NOT_REGULAR} {FIX}"
    gone = NoteDocument.parse(str(tmp_path / "gone.md"), *note_parsers())
    assert [p.message for p in gone.note.problems] == [
        "the note cannot be read: No such file or directory"
    ]


@needs_fifo
def test_check_names_a_fifo_and_a_device_in_a_folder_and_goes_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "a.md")
    (tmp_path / "b.md").symlink_to(os.devnull)
    (tmp_path / "c.md").symlink_to("nowhere.md")
    (tmp_path / "d.md").write_text("```python\nprint(1\n```\n", encoding="utf-8")
    found = _finishes(check, [str(tmp_path)], fifo=tmp_path / "a.md")
    assert [str(finding) for finding in found] == [
        f"{tmp_path / 'a.md'}:1: the note is a FIFO (named pipe), {NOT_REGULAR} {FIX}",
        f"{tmp_path / 'b.md'}:1: the note is a character device, {NOT_REGULAR} {FIX}",
        f"{tmp_path / 'c.md'}:1: no such file (a symlink to nowhere.md)",
        f"{tmp_path / 'd.md'}:2: block 1 is not valid Python: '(' was never closed (mark it "
        "<!-- torchnotes: skip why --> if it is not meant to run)",
    ]


def test_a_note_removed_after_collection_fails_with_its_reason_and_the_rest_runs(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    pytester.makeconftest(
        "import os\n\n"
        "def pytest_collection_finish(session):\n"
        "    os.remove(os.path.join('notes', 'a.md'))\n"
    )
    (pytester.path / "notes").mkdir()
    for name in ("a.md", "b.md"):
        (pytester.path / "notes" / name).write_text("```python\nprint(1)\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["notes/a.md:1: the note cannot be read: No such file*"])
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*FileNotFoundError*")


DRIFTED = "```python\nprint(2)\n```\n\n```output\n3\n```\n"


@pytest.mark.parametrize(
    "name", ["my note (v2).md", "-x.md", "a::b.md", "[v2].md", "it's $HOME.md"]
)
def test_the_command_that_accepts_new_output_updates_a_note_of_any_name(
    pytester: pytest.Pytester, name: str
) -> None:
    """The command a failure ends with, pasted into a shell, updates the note: it said
    ``pytest -x.md --torchnotes-update`` (an unknown option), split a name with a space
    in two, or named ``a::b.md``, which pytest reads as the test ``b.md`` of a file ``a``."""
    pytester.makeini("[pytest]\ntorchnotes_paths = .\n")
    note = pytester.path / name
    note.write_text(DRIFTED, encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    [line] = [line for line in result.stdout.lines if "accept it: pytest " in line]
    command = shlex.split(line.split("accept it: ", 1)[1].split(" (pytest cannot")[0])
    assert command[0] == "pytest"
    updated = pytester.runpytest(*command[1:])
    updated.assert_outcomes(passed=1)
    updated.stdout.fnmatch_lines(["rewrote 1 output in 1 note:"])
    assert note.read_text(encoding="utf-8") == DRIFTED.replace("3\n", "2\n")


@pytest.mark.skipif(os.name == "nt", reason="Windows file names are Unicode")
@pytest.mark.parametrize("report", ["report.json", "report.md"])
def test_a_note_whose_name_is_not_utf8_is_updated_and_reported(
    pytester: pytest.Pytester, report: str
) -> None:
    """The report was not written: UnicodeEncodeError on the name's lone surrogate."""
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    note = pytester.path / "notes" / os.fsdecode(b"bad\xff.md")
    note.parent.mkdir()
    note.write_text(DRIFTED, encoding="utf-8")
    # pytest's cache writes node ids as UTF-8 and fails on such a name: not ours to test
    args = ("-p", "no:cacheprovider", "--torchnotes-update", f"--torchnotes-report={report}")
    result = pytester.runpytest(*args)
    result.assert_outcomes(passed=1)
    assert note.read_text(encoding="utf-8") == DRIFTED.replace("3\n", "2\n")
    text = (pytester.path / report).read_text(encoding="utf-8")
    if report.endswith(".json"):
        [record] = json.loads(text)["notes"]
        assert record["path"] == "notes/bad\\xff.md"
    else:
        assert "notes/bad\\xff.md" in text
