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
    assert [block.fence.open_line for block in note.blocks] == [11, 25, 31, 53]
    warned = {
        problem.line_index: problem.message
        for problem in note.problems
        if "HTML block" in problem.message
    }
    assert sorted(warned) == [3, 20, 36, 42, 48, 58, 63]
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
    assert "`> <details>` opens on line 63" in warned[63]
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


def test_a_fence_under_an_html_fence_indented_otherwise_is_not_run(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The second fence of an HTML block is raw HTML too, whatever its indentation: a
    reader of the page sees neither as code, and neither runs."""
    write_note(
        '<div>\n  ```python\n  print("text")\n  ```\n```python\nprint("also text")\n```\n'
        '</div>\n\n```python\nprint("run")\n```\n\n```output\nrun\n```\n'
    )
    result = pytester.runpytest("-rw")
    result.assert_outcomes(passed=1, warnings=2)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:2: *```python is not run: CommonMark reads it as part of the HTML*",
            "*notes/note.md:5: *```python is not run: *`<div>` opens on line 1*",
        ]
    )
    assert "1 block: 1 verified" in result.stdout.str()


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


def _markdown_it_runs(text: str) -> list[int]:
    """The 0-based lines of the Python fences markdown-it-py (CommonMark) reads as fences."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    return sorted(
        token.map[0]
        for token in tokens
        if token.type == "fence" and token.info.strip() == "python" and token.map
    )


def _runs(text: str) -> list[int]:
    return sorted(block.fence.open_line for block in NoteParser().parse(text).blocks)


QUOTED = "> ```python\n> print(1)\n> ```\n"
IN_ITEM = "  ```python\n  print(1)\n  ```\n"
IN_NUMBERED_ITEM = "   ```python\n   print(1)\n   ```\n"


@pytest.mark.parametrize(
    "text",
    [
        # a <pre> or <script> block holding a blank line, closed right above the fence
        "<pre>\nx\n\n</pre>\n" + FENCE,
        "<script>\nvar a = 1;\n\n</script>\n" + FENCE,
        "<style>\np { color: red }\n\n</style>\n" + FENCE,
        "<textarea>\na\n\nb</textarea>\n" + FENCE,
        "<PRE class='x'>\n\n\n<div>\n</PRE>\n" + FENCE,
        "<pre>\n\n</pre>\n<div>\n" + FENCE,
        # a fence inside one: raw HTML
        "<pre>\n" + FENCE + "</pre>\n",
        "text\n<script>\n" + FENCE + "</script>\n",
        "<pre>x</pre>\n<br>\n" + FENCE,
        # a setext heading or link reference definition, then a lone tag
        "Title\n=====\n<br>\n" + FENCE,
        "Title\n=\n<span>\n" + FENCE,
        "Title\n--\n<br>\n" + FENCE,
        "[foo]: https://example.com\n<br>\n" + FENCE,
        '[foo]: <https://example.com> "Title"\n<br/>\n' + FENCE,
        "[foo]: https://example.com\n'title'\n<br>\n" + FENCE,
        "Text\n[foo]: https://example.com\n<br>\n" + FENCE,
        # a fence in a block quote or a list item right under an HTML line
        "> <div>\n" + QUOTED,
        "> <details><summary>Code</summary>\n" + QUOTED,
        "> <div>\n>\n" + QUOTED,
        "> > <div>\n> " + QUOTED.replace("\n> ", "\n> > "),
        "> text\n> <span>\n" + QUOTED,
        "- <div>\n" + IN_ITEM,
        "- item\n  <div>\n" + IN_ITEM,
        "- item\n  <span>\n" + IN_ITEM,
        "1. <details>\n" + IN_NUMBERED_ITEM,
        "1. Step\n\n   <div>\n" + IN_NUMBERED_ITEM,
        # an indented HTML line in a list item over a top-level fence
        "- item\n\n   <div>\n" + FENCE,
        "1. item\n\n   <div>\n" + FENCE,
        "- item\n\n  text\n  <div>\n" + FENCE,
        "   <div>\n" + FENCE,
        "Text\n\n   <div>\n" + FENCE,
        # a fence right under one in an HTML block, at another indentation: still HTML
        "<div>\n" + IN_ITEM + FENCE,
        "<details>\n" + FENCE + IN_ITEM,
        "<div>\n   ```text\n   x\n   ```\n " + FENCE.replace("\n", "\n ", 2),
        "<div>\n~~~output\nx\n~~~\n" + IN_ITEM,
        # ... unless that block is a list item's, which the less indented fence ends
        "- <div>\n" + IN_ITEM + FENCE,
        "- item\n\n  <div>\n" + IN_ITEM + FENCE,
        "- item\n  <div>\n" + IN_ITEM + FENCE,
        # a lazy line of a list item's paragraph keeps the item open: the HTML under it, as
        # far in as the item's content, is the item's, and holds the item's fence ...
        "- item\nxx\n  <div>\n" + IN_ITEM,
        "- item\nxx\nyy\n  <div>\n" + IN_ITEM,
        "- item\n  text\nxx\n  <div>\n" + IN_ITEM,
        "- item\nxx\n  <span>\n" + IN_ITEM,
        "- item\nxx\n  <span>\n  <div>\n" + IN_ITEM,
        "- item\nTitle\n=====\n  <div>\n" + IN_ITEM,
        "1. item\nxx\n   <div>\n" + IN_NUMBERED_ITEM,
        "> - item\n> xx\n>   <div>\n" + QUOTED.replace("> ", ">   "),
        "- item\nxx\n  <div>\n" + FENCE,
        # ... but an HTML block has no lazy line: the line ends the item, and its HTML
        "- <div>\nxx\n" + IN_ITEM,
        "- <br>\nxx\n" + IN_ITEM,
        "- item\n  <div>\nxx\n" + IN_ITEM,
        "- item\n" + IN_ITEM + "<br>\nTitle\n" + IN_ITEM,
        "<pre>\n- item\n</pre>\n" + IN_ITEM,
        "- item\n</pre>\n  <div>\n" + IN_ITEM,
        # a block quote at the top level ends the list above it
        "- item\n" + QUOTED + "\n  <div>\n" + FENCE,
        # a <pre> block that interrupts a list item's paragraph ends the list: a tag under
        # what follows it is no lazy line of the item
        "- item\n<pre>\n</pre>\nTitle\n=====\n<br>\n" + FENCE,
        # a <pre> block open above, with a blank line, closes at the run's first closing tag,
        # whatever opening tags stand between: its text
        "<pre>\n\n<div>\n<pre>\n</pre>\n" + FENCE,
        "<pre>\n\n<div>\n" + FENCE + "</pre>\n" + FENCE,
        # a list item's marker line in a <pre> block open above a blank line is its text:
        # the indented fence is under the tag after the block, not in an item
        "<pre>\n\n- item\n</pre>\n<br>\n" + IN_ITEM,
        "<script>\n\n1. item\n</script>\n<div>\n" + IN_NUMBERED_ITEM,
        "<pre>\n\n- item\n</pre>\ntext\n" + IN_ITEM,
        # a fence further in than the content of the list item whose HTML is open above it
        "- <div>\n" + IN_NUMBERED_ITEM,
        "- <div>\n" + IN_ITEM.replace("  ", "    "),
        "- item\n  <div>\n" + IN_NUMBERED_ITEM,
        "1. <details>\n" + IN_NUMBERED_ITEM.replace("   ", "    "),
        "- item\n" + IN_NUMBERED_ITEM,
        # a list item the fence is not in, ended by a tag under it
        "- <div>\n<br>\n" + IN_NUMBERED_ITEM,
        "- item\nxx\n" + IN_NUMBERED_ITEM,
        # indented code is no paragraph: a lone tag under it opens an HTML block
        "    text\n<br>\n" + FENCE,
        "Text\n    more\n<br>\n" + FENCE,
        # a list item in an HTML block of the top level is its text: a fence chained under
        # the item's fence, at any indentation, is in that block too
        "<div>\n- <div>\n" + IN_ITEM + FENCE,
        "<div>\n- <div>\n" + IN_NUMBERED_ITEM + FENCE,
        "<div>\n- item\n" + IN_NUMBERED_ITEM + FENCE,
        # fences chained in a list item's HTML block, at another indentation in the item
        "- <div>\n" + IN_ITEM + IN_NUMBERED_ITEM,
        "- <div>\n" + IN_NUMBERED_ITEM + IN_ITEM,
        # a top-level fence right above a block quote holds it only when nothing in the
        # quote opens an HTML block
        "~~~text\nx\n~~~\n> <div>\n" + QUOTED,
        # a tag right under a fence opens a block, which holds a <pre> tag as its text
        FENCE + "<br>\n<pre>\n\n" + FENCE,
    ],
)
def test_fences_under_html_run_as_markdown_it_reads_them(text: str) -> None:
    assert _runs(text) == _markdown_it_runs(text), text


#: Pieces of the four kinds of note above. Left out: comments, and fences in a list item
#: (a list item's lazy lines and an item ended by a line less indented, above a fence in
#: the item, are not followed; the cases above are).
MARKDOWN_PIECES = st.sampled_from(
    [
        "<div>",
        "<br>",
        "</span>",
        "<pre>",
        "</pre>",
        "<script>",
        "</script>",
        "Title",
        "=====",
        "--",
        "[ref]: https://example.com",
        "- item",
        "  <div>",
        "   <div>",
        "> <div>",
        "> text",
        "Text",
        "",
        "```python\nprint(1)\n```",
        "> ```python\n> print(1)\n> ```",
        # a fence right under another one in an HTML block, at another indentation
        "  ```python\n  print(2)\n  ```",
        "~~~text\nx\n~~~",
    ]
)


@given(st.lists(MARKDOWN_PIECES, max_size=8))
def test_a_python_fence_runs_exactly_when_markdown_it_reads_a_fence(pieces: list[str]) -> None:
    text = "\n".join(pieces) + "\n"
    assert _runs(text) == _markdown_it_runs(text), text
