"""Python fences that CommonMark reads as part of an HTML block (markdown/html_blocks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.html_blocks import BLOCK_TAG_LINE, TAG_LINE
from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote

SAMPLE = Path(__file__).parent / "samples" / "html_blocks.md"


def test_the_fences_run_and_the_fences_not_run_of_the_sample() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    assert [block.fence.open_line for block in note.blocks] == [11, 25, 31, 53, 63]
    warned = {
        problem.line_index: problem.message
        for problem in note.problems
        if "HTML block" in problem.message
    }
    assert sorted(warned) == [3, 20, 36, 42, 48, 58]
    assert warned[3] == (
        "```python is not run: CommonMark reads it as part of the HTML block that "
        "`<details><summary>Code</summary>` opens on line 3 (raw HTML up to the next blank "
        "line; GitHub shows its code as text, not as a code block): put a blank line right "
        "above the fence (after line 3) to run it"
    )
    assert '`<div class="output">` opens on line 18' in warned[20]
    assert '`<span class="note">` opens on line 36' in warned[36]
    assert "`<div>` opens on line 42" in warned[42]
    assert "`</DIV>` opens on line 48" in warned[48]
    assert all(problem.severity == "warning" for problem in note.problems)


@pytest.mark.parametrize(
    "line",
    ["<div>", "</div>", "<details open>", "<summary>Output</summary>", "   <table", "<hr/>", "<P>"],
)
def test_a_block_level_tag_starts_an_html_block(line: str) -> None:
    assert BLOCK_TAG_LINE.match(line)


@pytest.mark.parametrize("line", ["    <div>", "<divider>", "<dl-x>", "<pre>", "text <div>"])
def test_what_starts_no_html_block_of_type_6(line: str) -> None:
    assert not BLOCK_TAG_LINE.match(line)


@pytest.mark.parametrize(
    ("line", "starts"),
    [
        ('<span class="x">', True),
        ("</span>  ", True),
        ("<br/>", True),
        ("<img src='a.png' alt=x>", True),
        ("<a name=x></a>", False),
        ("<pre>", False),
        ("<script>", False),
        ("<span", False),
        ("<span a=>", False),
    ],
)
def test_a_lone_tag_starts_an_html_block_of_type_7(line: str, starts: bool) -> None:
    assert bool(TAG_LINE.match(line)) is starts


@given(
    html=st.sampled_from(["<details>", "<summary>Code</summary>", "</div>", "<span>"]),
    blank=st.booleans(),
    code=st.text(alphabet="abc =()1", min_size=1, max_size=10).filter(str.strip),
)
def test_a_fence_under_an_html_line_runs_exactly_when_a_blank_line_parts_them(
    html: str, blank: bool, code: str
) -> None:
    """Never dropped: the fence is a block, or a warning names its line."""
    text = f"{html}\n{chr(10) if blank else ''}```python\n{code}\n```\n"
    note = NoteParser().parse(text)
    fence_line = 2 if blank else 1
    warned = [problem.line_index for problem in note.problems if "HTML block" in problem.message]
    assert [block.code_line - 1 for block in note.blocks] == ([fence_line] if blank else [])
    assert warned == ([] if blank else [fence_line])


def test_a_session_warns_of_the_fence_and_runs_the_others(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        '<details><summary>Code</summary>\n```python\nprint("text")\n```\n</details>\n\n'
        '```python\nprint("run")\n```\n\n```output\nrun\n```\n'
    )
    result = pytester.runpytest("-rw")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        ["*notes/note.md:2: *```python is not run: CommonMark reads it as part of the HTML*"]
    )


PIECES = st.sampled_from(
    [
        "<details>",
        "<summary>Code</summary>",
        "</div>",
        "<span>",
        "<!-- a comment -->",
        "- item",
        "  <div>",
        "Text",
        "# Heading",
        "",
        "```python\nprint(1)\n```",
        "```text\nout\n```",
    ]
)


@given(st.lists(PIECES, max_size=12))
def test_no_python_fence_is_dropped_silently(pieces: list[str]) -> None:
    """Each Python fence is a block, or a problem at its line says why it is not run."""
    text = "\n".join(pieces) + "\n"
    note = NoteParser().parse(text)
    opened = [index for index, line in enumerate(text.split("\n")) if line == "```python"]
    run = {block.fence.open_line for block in note.blocks}
    said = {problem.line_index for problem in note.problems}
    in_html = {problem.line_index for problem in note.problems if "HTML block" in problem.message}
    assert all(line in run or line in said for line in opened)
    assert not run & in_html


FENCE = "```python\nprint(1)\n```\n"


@pytest.mark.parametrize(
    ("above", "runs"),
    [
        ("- Install it:\n  <div>\n", True),
        ("1. Install it:\n   </details>\n", True),
        ("10. Step\n    <details>\n", True),
        ("- a\n  - <div>\n", True),
        ("- <div>\n", True),
        ("- item\n  text\n  <span>\n", True),
        ("- item\n  <div>\n<br>\n", False),
        ("- item\n<div>\n", False),
    ],
)
def test_an_html_block_in_a_list_item_ends_with_the_item(above: str, runs: bool) -> None:
    """As CommonMark reads it (markdown-it, GitHub): the HTML of a list item whose content is
    further in than the fence is no HTML block around the fence."""
    note = NoteParser().parse(above + FENCE)
    warned = [problem for problem in note.problems if "HTML block" in problem.message]
    assert (bool(note.blocks), bool(warned)) == (runs, not runs)
