"""A second output fence after a block's output fence: warned at parse time, and the first
fence is not writable by update (tests/samples/second_output.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER, NoteParser
from pytest_torchnotes.update.rewrite import RewriteError, section_edit

SAMPLE = Path(__file__).parent / "samples" / "second_output.md"


def test_the_first_of_two_output_fences_is_not_writable() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    note = NoteParser().parse(text)
    first, second = note.blocks
    assert first.output is not None
    assert second.output is not None
    assert first.output.not_writable == (
        "the block's output fence is followed by a second one at line 14, under a label of "
        "its own, which update cannot write: put both outputs in the fence at line 9, in the "
        "order the block prints them, and delete the second (or mark the block "
        "<!-- torchnotes: compare ignore -->)"
    )
    assert second.output.not_writable is None
    with pytest.raises(RewriteError, match="second one at line 14"):
        section_edit(
            first.output,
            "a: tensor([1., 1.])\ntensor([True, True])\n",
            raw_lines=text.split("\n"),
            comparator=Comparator(CompareOptions()),
            marker=OUTPUT_MARKER,
            path="second_output.md",
            first_line=first.first_line,
            file_digest="",
        )
