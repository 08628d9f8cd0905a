"""The torchnotes update section of the terminal summary: what was rewritten, what still
fails, and the diffs with -v."""

from __future__ import annotations

from pytest_torchnotes.update.session import UpdateSession
from pytest_torchnotes.update.summary import summary_lines


def test_nothing_rewritten_and_nothing_failing_shows_no_section() -> None:
    book = UpdateSession()
    book.diffs = ["--- a diff of nothing kept"]
    assert summary_lines(book, verbose=True) == []


def test_the_outputs_rewritten_are_counted_by_note_and_listed() -> None:
    book = UpdateSession()
    book.updated = ["a.md:3", "a.md:9", "b.md:4"]
    book.written = {"/notes/a.md": 2, "/notes/b.md": 1}
    book.diffs = ["-3", "+2"]
    assert summary_lines(book, verbose=False) == [
        ("rewrote 3 outputs in 2 notes:", {"green": True}),
        ("  a.md:3", {}),
        ("  a.md:9", {}),
        ("  b.md:4", {}),
    ]


def test_the_blocks_still_failing_follow_with_their_reason_and_the_diffs_with_v() -> None:
    book = UpdateSession()
    book.updated = ["a.md:3"]
    book.written = {"/notes/a.md": 1}
    book.unfixed = ["a.md:12: the block raised"]
    book.diffs = ["-3", "+2"]
    assert summary_lines(book, verbose=True) == [
        ("rewrote 1 output in 1 note:", {"green": True}),
        ("  a.md:3", {}),
        ("could not fix 1 block, still failing:", {"red": True}),
        ("  a.md:12: the block raised", {}),
        ("-3", {}),
        ("+2", {}),
    ]
