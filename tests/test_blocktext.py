"""What pytest shows of a note's blocks, without a pytest session."""

from __future__ import annotations

from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.reporting.blocktext import (
    MAX_HEADING,
    STATUS_WORDS,
    BlockFailure,
    failed_blocks,
    label,
    left_behind,
)
from pytest_torchnotes.run.results import FAILED, PASSED, STATUSES, BlockResult, NoteResult

NOTE = (
    "# Autograd\n\n```python\nprint(1)\n```\n\n"
    f"## {'a heading far too long to be shown whole ' * 2}\n\n```python\nprint(2)\n```\n"
)


def _results() -> list[BlockResult]:
    blocks = NoteParser().parse(NOTE).blocks
    return [BlockResult(blocks[0], PASSED), BlockResult(blocks[1], FAILED, summary="drift")]


def test_a_label_names_the_block_its_line_and_its_heading_cut_short() -> None:
    first, second = _results()
    assert label(first, line=True) == "block 1, line 3 [Autograd]"
    assert label(first, line=False) == "block 1 [Autograd]"
    shown = label(second, line=False).partition("[")[2].rstrip("]")
    assert len(shown) == MAX_HEADING
    assert shown.endswith("…")


def test_a_note_whose_blocks_failed_lists_each_with_its_line() -> None:
    failure = _results()[1]
    assert failed_blocks("notes/a.md", 2, [failure]) == (
        "2 blocks: 1 failed:\n  notes/a.md:9: drift"
    )


def test_what_a_note_left_behind_is_named_and_a_clean_note_leaves_nothing() -> None:
    assert left_behind("notes/a.md", NoteResult("notes/a.md")) == []
    result = NoteResult("notes/a.md")
    result.processes = ["sleep (pid 7)"]
    result.late = ["'done' after block 1"]
    messages = left_behind("notes/a.md", result)
    assert [message.split(":")[1] for message in messages] == [
        " the note left processes running",
        " output that came after the block it belongs to had ended was not compared (nor "
        "written by --torchnotes-update)",
    ]


def test_every_status_has_its_word() -> None:
    assert set(STATUS_WORDS) == set(STATUSES)


def test_a_block_failure_shows_its_text_and_summarises_as_its_short_line() -> None:
    failure = BlockFailure("line 9: drift\n-1\n+2", "line 9: drift")
    assert str(failure) == "line 9: drift\n-1\n+2"
    assert failure.reprcrash.message == "line 9: drift"
