"""A >>> prompt in the text of a note, outside any code block: not run, and reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.markdown.prose_transcripts import PROSE_PROMPT
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLE = Path(__file__).parent / "samples" / "prose_transcripts.md"


@pytest.mark.parametrize(
    ("line", "prompt"),
    [
        (">>> x = 1", True),
        (">>>", True),
        ("> >>> x", True),
        ("    >>> x", True),
        (">>>x", False),
        ("> > x", False),
        ("Type `>>> help()`", False),
        # on a list item's own line
        ("- >>> x = 1", True),
        ("1. >>> print(x)", True),
        ("  * 2) >>> x", True),
        ("- > >>> x", True),
        ("->>> x", False),
        ("- - ---", False),
        ("1.>>> x", False),
    ],
)
def test_the_prompt(line: str, prompt: bool) -> None:
    assert (PROSE_PROMPT.match(line) is not None) is prompt


def test_the_first_prompt_of_each_paragraph_is_reported() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    assert [(shown(p.line_index), p.severity, p.message[:24]) for p in note.problems] == [
        (14, "warning", "`> >>> torch.zeros(1)` i"),
        (18, "warning", "`>>> continues the parag"),
    ]
    assert note.problems[0].message == (
        "`> >>> torch.zeros(1)` is a >>> prompt in the text of the note, outside any code "
        "block (Markdown shows it as a block quote), so it is not run: put the transcript in "
        "a ```python fence (ending in ```) to run it"
    )
    assert "(Markdown shows it as text)" in note.problems[1].message
    # the Python at column 0 under `Make a tensor of ones:` is unambiguously a session, and
    # runs to the prose after it (text_sessions); the indented session at line 22 runs as a
    # transcript (indented_sessions)
    assert [shown(block.first_line) for block in note.blocks] == [4, 22, 25]
    assert note.blocks[0].code.split("\n")[-1] == "tensor([2., 2.])"


@given(st.lists(st.sampled_from(["text", "", ">>> x", "> >>> y", "    >>> z"]), max_size=10))
def test_a_prompt_that_starts_a_paragraph_is_always_reported(lines: list[str]) -> None:
    text = "\n".join(lines)
    note = NoteParser().parse(text)
    warned = {p.line_index for p in note.problems}
    run = {line for block in note.blocks for line in range(block.first_line, block.last_line + 1)}
    for index, line in enumerate(lines):
        starts = index == 0 or not lines[index - 1]
        if line.startswith((">>>", "> >>>")) and starts:
            assert index in warned
        if line.startswith("    ") and starts:
            assert index in warned | run  # as indented code, or run as a session


ITEM_LINES = ["- >>> x = 1", "1. >>> print(x)", "* >>> torch.ones(1)", "- - ---", "- a", "text", ""]


@given(st.lists(st.sampled_from(ITEM_LINES), min_size=1, max_size=6))
# a thematic break of spaced dashes ends the paragraph above it: the next item's prompt is
# a quote of its own
@example(["- >>> x = 1", "- - ---", "- >>> x = 1"])
def test_a_prompt_on_a_list_item_s_line_is_where_markdown_it_shows_a_quote_in_an_item(
    lines: list[str],
) -> None:
    """What markdown-it-py (CommonMark) makes of each line: a prompt on a list item's line is a
    block quote in the item, three deep; a thematic break of spaced dashes holds no item."""
    text = "\n".join(lines) + "\n"
    note = NoteParser().parse(text)
    warned = {p.line_index: p.message for p in note.problems}
    tokens = MarkdownIt("commonmark").parse(text)
    quoted = {
        token.map[0]
        for token, *inner in zip(tokens, tokens[1:], tokens[2:], strict=False)
        if token.type == "blockquote_open"
        and [t.type for t in inner] == ["blockquote_open", "blockquote_open"]
        and token.map is not None
    }
    for index in quoted:
        # the first prompt of a run of lines with no blank line between is warned
        first = index
        while first > 0 and lines[first - 1] and ">>>" in lines[first - 1]:
            first -= 1
        assert first in warned
    for index, message in warned.items():
        assert index in quoted or lines[index].startswith("1.")  # 1. after text: a paragraph
        assert "in a list item" in message
    assert not any(line == "- - ---" and index in warned for index, line in enumerate(lines))


def test_a_note_of_prose_transcripts_is_not_silently_empty(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        Somebody wrote:
        >>> Thanks, that works
        """
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:2: `>>> Thanks, that works` is a >>> prompt in the text of the note, "
            "outside any code block*put the transcript in a ```python fence*"
        ]
    )


def test_a_pytest_run_warns_of_a_prompt_on_a_list_item_s_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("Steps:\n\n1. >>> import torch\n   >>> torch.ones(1)\n   tensor([1.])\n")
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:3: `1. >>> import torch` is a >>> prompt in the text of the note, "
            "outside any code block (Markdown shows it as a block quote in a list item)*"
        ]
    )
