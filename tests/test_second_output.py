"""A second output fence after a block's output fence: warned at parse time, and the first
fence is not writable by update (tests/samples/second_output.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.markdown.layout import OUTPUT_LABEL
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER, NoteParser
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.update.rewrite import RewriteError, section_edit

SAMPLE = Path(__file__).parent / "samples" / "second_output.md"


def test_the_first_of_two_output_fences_is_not_writable() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    note = NoteParser().parse(text)
    first, second = note.blocks
    assert first.output is not None
    assert second.output is not None
    assert first.output.not_writable == (
        "the block's output fence is followed by a second one at line 14, which update "
        "cannot write: put both outputs in the fence at line 9, in the "
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


def _warnings(text: str, note_format: NoteFormat | None = None) -> list[tuple[int, str]]:
    note = NoteParser(note_format).parse(text)
    return [(shown(p.line_index), p.message) for p in note.problems if p.severity == "warning"]


@pytest.mark.parametrize("first", ["```output", "Output:\n```", "**输出：**\n```text", "```none"])
@pytest.mark.parametrize("second", ["output", "out", "stdout", "result", "none"])
@pytest.mark.parametrize("labels", [OUTPUT_LABEL, None], ids=["labels", "no-labels"])
def test_an_output_fence_right_after_the_output_fence_is_named(
    first: str, second: str, labels: re.Pattern[str] | None
) -> None:
    if labels is None and not first.startswith("```"):
        return  # without labels read, a bare fence under a label is no output
    text = f"```python\nprint(1)\nprint(2)\n```\n\n{first}\n1\n```\n\n```{second}\n2\n```\n"
    output_line = 6 + first.count("\n")  # under a label, the fence is a line further
    note = NoteParser(NoteFormat(output_label=labels)).parse(text)
    (block,) = note.blocks
    assert block.output is not None
    assert block.output.text == "1"
    assert block.output.not_writable is not None
    assert _warnings(text, NoteFormat(output_label=labels)) == [
        (
            output_line + 4,
            f"a second output fence after the block at line 1, whose output is the fence at "
            f"line {output_line}, is not read: a block has one output section; put both "
            "outputs in that fence, in the order the block prints them",
        )
    ]


@pytest.mark.parametrize(
    "after",
    [
        "```\n$ python train.py\n```",  # a bare fence of no printed output
        "```text\nSee above.\n```",
        "Some prose.\n\n```output\n2\n```",  # past prose: another example's
        "## Next\n\n```output\n2\n```",
    ],
)
def test_what_is_not_a_second_output_is_not_named(after: str) -> None:
    text = f"```python\nprint(1)\n```\n\n```output\n1\n```\n\n{after}\n"
    note = NoteParser().parse(text)
    assert note.blocks[0].output is not None
    assert note.blocks[0].output.not_writable is None
    assert not any("second output" in message for _, message in _warnings(text))


@pytest.mark.parametrize("tag", ["", "text"])
def test_a_fence_of_printed_output_right_after_the_output_fence_is_named(tag: str) -> None:
    # a notebook cell's printed lines, then its value, each in a fence: the label of the
    # second left out
    text = f"```python\nprint(1)\nx\n```\n\nOutput:\n```\n1\n```\n```{tag}\n2\n```\n"
    note = NoteParser().parse(text)
    (block,) = note.blocks
    assert block.output is not None
    assert block.output.text == "1"
    assert block.output.unread_second == 9
    assert block.output.not_writable is not None
    assert [(line, "second output fence" in message) for line, message in _warnings(text)] == [
        (10, True)
    ]


def test_a_code_fence_after_the_output_fence_is_not_named() -> None:
    text = "```python\nprint(1)\n```\n\n```output\n1\n```\n\n```\nx = compute(2)\n```\n"
    note = NoteParser().parse(text)
    assert note.blocks[0].output is not None
    assert note.blocks[0].output.unread_second is None
    assert not any("second output" in message for _, message in _warnings(text))
