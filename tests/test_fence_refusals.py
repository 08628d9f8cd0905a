"""Update refuses output only where a line of it would close (or open) the output's fence
as CommonMark, and the lexer, read it: at most three columns in, no tab past them, no
no-break space as indentation (update/refusals.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.markdown.document import decode_note
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER, NoteParser
from pytest_torchnotes.update.apply import apply
from pytest_torchnotes.update.refusals import unsafe_reason, written_lines
from pytest_torchnotes.update.rewrite import RewriteError, section_edit

NUMERIC = Comparator(CompareOptions())
FENCE_RUN = re.compile("`{3,}|~{3,}")


@pytest.mark.parametrize(
    ("line", "fence", "prefix"),
    [
        ("\t```", "```", ""),
        ("\xa0```", "```", ""),
        ("    ```", "```", ""),
        ("  \t```", "```", ""),
        ("``", "```", ""),
        ("```", "````", ""),
        ("~~~", "```", ""),
        ("``` `x`", "```", ""),
        ("```x", "~~~", ""),
        ("\xa0~~~", "~~~", ""),
        ("    ~~~~", "~~~", "> "),
    ],
)
def test_a_line_that_closes_no_fence_is_written(line: str, fence: str, prefix: str) -> None:
    assert unsafe_reason([line], fence, OUTPUT_MARKER, prefix) is None


@pytest.mark.parametrize(
    ("line", "fence", "prefix", "reason"),
    [
        ("```", "```", "", "would close"),
        ("   ```", "```", "", "would close"),
        ("````  \t", "```", "", "would close"),
        ("~~~~", "~~~", "", "would close"),
        (" \t```", "```", "> ", "would close"),  # the tab stops at column 4: 2 columns in
        ("```python", "```", "", "starts like a fence"),
        ("   ```text", "```", "   ", "starts like a fence"),
    ],
)
def test_a_line_that_closes_or_opens_the_fence_is_refused(
    line: str, fence: str, prefix: str, reason: str
) -> None:
    refusal = unsafe_reason([line], fence, OUTPUT_MARKER, prefix)
    assert refusal is not None
    assert reason in refusal


#: Lines of output that look like fences, or are text.
FENCE_LIKE = st.builds(
    lambda indent, run, after: indent + run + after,
    st.sampled_from(["", " ", "   ", "    ", "\t", " \t", "\xa0", "\xa0 ", "\u3000"]),
    st.sampled_from(["```", "````", "~~~", "~~~~~", "``", "`````"]),
    st.sampled_from(["", " ", "\t", "x", " python", "\xa0", "```"]),
)
OUTPUT_LINES = st.lists(
    st.one_of(FENCE_LIKE, st.sampled_from(["tensor([1.])", "", "a b"])), min_size=1, max_size=4
)
CONTAINERS = st.sampled_from([("", ""), ("> ", "> "), ("- ", "  "), ("1. ", "   ")])


def _note(container: tuple[str, str], fence: str, old: list[str]) -> str:
    first, inner = container
    return "\n".join(
        [
            "# Note",
            "",
            first + "```python",
            inner + "print(1)",
            inner + "```",
            inner,
            inner + fence + "output",
            *(inner + line if line else inner.rstrip() for line in old),
            inner + fence,
            "",
            "after",
            "",
        ]
    )


@given(
    container=CONTAINERS,
    fence=st.sampled_from(["```", "````", "~~~", "~~~~"]),
    new=OUTPUT_LINES,
)
def test_an_update_keeps_the_blocks_and_writes_exactly_the_new_output(
    container: tuple[str, str], fence: str, new: list[str]
) -> None:
    """Written or refused: written, the note reads as the same blocks, the section holds
    the new output as it is written, and no line outside it changed. Refused for a line
    that would close the fence: written anyway, it would close it."""
    text = _note(container, fence, ["old"])
    before = NoteParser().parse(decode_note(text.encode("utf-8")).text)
    [block] = before.blocks
    assert block.output is not None
    section = block.output
    actual = "\n".join(new) + "\n"
    raw_lines = text.split("\n")
    try:
        edit = section_edit(
            section,
            actual,
            raw_lines=raw_lines,
            comparator=NUMERIC,
            marker=OUTPUT_MARKER,
            path="note.md",
            first_line=block.first_line,
            file_digest="",
        )
    except RewriteError as error:
        event(str(error).split("(")[0])
        if "would close" in str(error):
            forced = _note(container, fence, written_lines(actual))
            assert not _holds(forced, written_lines(actual))
        return
    event("written" + (" with a fence-like line" if any(FENCE_RUN.search(x) for x in new) else ""))
    updated = apply(text, [edit])
    after = NoteParser().parse(updated)
    [written] = after.blocks
    assert written.code == block.code
    assert written.fence.info == block.fence.info
    assert written.output is not None
    assert [line.text for line in written.output.lines] == written_lines(actual)
    assert _holds(updated, written_lines(actual))
    new_lines = updated.split("\n")
    grown = len(new_lines) - len(raw_lines)
    assert new_lines[: section.start] == raw_lines[: section.start]
    assert new_lines[section.end + grown :] == raw_lines[section.end :]
    assert apply(updated, []) == updated


def _holds(text: str, lines: list[str]) -> bool:
    """Whether ``text`` reads as one block whose output section holds ``lines``."""
    note = NoteParser().parse(text)
    if len(note.blocks) != 1 or note.blocks[0].output is None:
        return False
    return [line.text for line in note.blocks[0].output.lines] == lines
