"""Each note is collected once a session (notenames.py): a folder link back up is not
followed, a second name of a note (a link, a hard link) is left out, and one line says so."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_torchnotes.notenames import NoteNames
from tests.conftest import WriteNote

DRIFTED = "```python\nprint(1 + 1)\n```\n\n```output\n3\n```\n"


def test_links_back_up_are_not_followed_and_the_session_ends(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """Two links to the folder above: pytest alone walked 2 ** 40 paths."""
    note = write_note(DRIFTED.replace("3", "2"), name="a.md")
    (note.parent / "loop").symlink_to("..")
    (note.parent / "sub").mkdir()
    (note.parent / "sub" / "up").symlink_to("../..")
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "torchnotes: each note is collected once: 2 links to a folder above them not "
            "followed (notes/loop -> .., notes/sub/up -> ../..)",
            "notes/a.md::note",
            "1 test collected*",
        ]
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_link_loop_with_no_end_is_not_followed(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(DRIFTED.replace("3", "2"), name="a.md")
    notes = pytester.path / "notes"
    (notes / "x").symlink_to("y")
    (notes / "y").symlink_to("x")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_hard_links_of_a_note_are_collected_and_updated_once(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(DRIFTED, name="a.md")
    (note.parent / "sub").mkdir()
    os.link(note, note.parent / "sub" / "b.md")
    os.link(note, note.parent / "c.md")
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(
        [
            "collected 3 items / 2 deselected / 1 selected",
            "torchnotes: each note is collected once: 2 other names of a note collected left "
            "out (notes/c.md = notes/a.md, notes/sub/b.md = notes/a.md)",
            "rewrote 1 output in 1 note:",
        ]
    )
    assert note.read_text(encoding="utf-8").endswith("```output\n2\n```\n")
    assert os.path.samefile(note, note.parent / "sub" / "b.md")
    second = pytester.runpytest("--torchnotes-update")
    second.assert_outcomes(passed=1, deselected=2)
    assert "rewrote" not in second.stdout.str()


def test_a_session_with_one_name_of_each_note_says_nothing(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(DRIFTED.replace("3", "2"), name="a.md")
    write_note(DRIFTED.replace("3", "2"), name="b.md")
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    assert "collected once" not in result.stdout.str()


def test_the_line_shows_three_names_and_counts_the_others(tmp_path: Path) -> None:
    first = tmp_path / "a.md"
    first.write_text("x")
    names = NoteNames()
    assert not names.seen(first)
    for index in range(5):
        other = tmp_path / f"l{index}.md"
        other.symlink_to(first)
        assert names.seen(other)
    assert not names.seen(first)
    assert names.line(tmp_path) == (
        "torchnotes: each note is collected once: 5 other names of a note collected left out "
        "(l0.md = a.md, l1.md = a.md, l2.md = a.md and 2 more)"
    )


def test_a_link_to_a_folder_beside_it_is_followed(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "to_a").symlink_to("../a")
    (tmp_path / "b" / "self").symlink_to(".")
    names = NoteNames()
    assert not names.loops_back(tmp_path / "b" / "to_a")
    assert not names.loops_back(tmp_path / "a")
    assert names.loops_back(tmp_path / "b" / "self")


@pytest.mark.parametrize("argument", ["linked", "linked/a.md", "linked/a.md::note"])
def test_a_link_to_the_notes_folder_given_to_pytest_collects_its_notes(
    pytester: pytest.Pytester, write_note: WriteNote, argument: str
) -> None:
    """A link to a folder of ``torchnotes_paths`` (or to a note in it) named on the command
    line holds notes as the folder does: nothing was collected, and no test ran."""
    write_note(DRIFTED.replace("3", "2"), name="a.md")
    (pytester.path / "linked").symlink_to("notes")
    result = pytester.runpytest(argument)
    result.assert_outcomes(passed=1)


def test_a_link_to_the_notes_folder_beside_it_collects_each_note_once(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(DRIFTED.replace("3", "2"), name="a.md")
    (pytester.path / "linked").symlink_to("notes")
    result = pytester.runpytest("notes", "linked")
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(["*1 other name of a note collected left out (linked/a.md = *"])


@pytest.mark.parametrize("link", [os.link, os.symlink], ids=["hard link", "symlink"])
@pytest.mark.parametrize(
    ("selection", "runs"),
    [
        (["-k", "b"], "notes/b.md"),
        (["-k", "a"], "notes/a.md"),
        (["--deselect", "notes/a.md::note"], "notes/b.md"),
        (["--deselect", "notes/b.md::note"], "notes/a.md"),
        (["notes/b.md"], "notes/b.md"),
        ([], "notes/a.md"),
    ],
)
def test_a_note_with_two_names_is_selected_by_either_and_runs_once(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    link: Callable[[Path, Path], None],
    selection: list[str],
    runs: str,
) -> None:
    note = write_note(DRIFTED.replace("3", "2"), name="a.md")
    link(note, note.parent / "b.md")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rA", *selection)
    # each name is collected (a path on the command line collects that name alone); the
    # note runs once, under the name selected, its other name deselected
    result.assert_outcomes(passed=1, deselected=0 if selection == ["notes/b.md"] else 1)
    result.stdout.fnmatch_lines([f"PASSED {runs}::note"])
