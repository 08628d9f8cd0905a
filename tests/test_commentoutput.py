"""Output written as comments at the end of a block, and the dashed output marker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown import commentoutput, marker
from pytest_torchnotes.markdown.blocks import ParsedNote
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.markdown.parsers import NoteFormat, NoteParser
from pytest_torchnotes.notelines import shown

SAMPLES = Path(__file__).parent / "samples"
COMMENTS = (SAMPLES / "comment_output.md").read_text(encoding="utf-8")
DASHED = (SAMPLES / "dashed_marker.md").read_text(encoding="utf-8")
READ = NoteFormat(comment_output=True)


def outputs(note: ParsedNote) -> list[tuple[int, object]]:
    """(shown opening line, (kind, shown start, shown end, prefix, expected)) of each block."""
    return [
        (
            shown(block.first_line),
            block.output
            and (
                block.output.kind,
                shown(block.output.start),
                shown(block.output.end),
                block.output.prefix,
                block.expected,
            ),
        )
        for block in note.blocks
    ]


def body(*texts: str) -> tuple[BodyLine, ...]:
    return tuple(BodyLine(line, "", text) for line, text in enumerate(texts))


def test_by_default_comment_output_is_a_warning_at_its_label() -> None:
    note = NoteParser().parse(COMMENTS)
    assert [block.output is None for block in note.blocks] == [True] * 6 + [False, True]
    assert [(shown(problem.line_index), problem.severity) for problem in note.problems] == [
        (6, "warning"),
        (12, "warning"),
        (20, "warning"),
        (24, "warning"),  # the remark beside code, which is not compared either
        (35, "warning"),
        (50, "warning"),
    ]
    assert note.problems[0].message == (
        "output written as comments after `# 输出：` is not compared: put it in an output fence"
        " after the block (or under the `======== output ==========` marker);"
        " set torchnotes_comment_output (--torchnotes-comment-output) to read it"
    )
    assert note.problems[2].message.startswith("output written as `#>` comments is not compared")
    # Blocks that keep their comments run them as code, as before.
    assert note.blocks[0].code == "x = torch.ones(2)\nprint(x)\n# 输出：\n# tensor([1., 1.])"


def test_with_the_option_comment_output_is_read() -> None:
    note = NoteParser(READ).parse(COMMENTS)
    assert outputs(note) == [
        (3, ("comments", 7, 8, "# ", "tensor([1., 1.])")),
        (10, ("comments", 13, 16, "# ", "tensor(2.)\n\ndone")),
        (18, ("comments", 20, 21, "#> ", "torch.Size([2])")),
        (23, None),
        (28, None),
        (33, ("comments", 36, 38, "# ", " 3\n  three")),
        (40, ("fence", 45, 46, "", "torch.float32")),
        (48, None),
    ]
    assert [block.code for block in note.blocks[:3]] == [
        "x = torch.ones(2)\nprint(x)",
        "print(x.sum())",
        "print(x.shape)",
    ]
    assert [(shown(problem.line_index), problem.message[-50:]) for problem in note.problems] == [
        (24, " a fence marked output (```output) after the block"),
        (50, "rt with the same # or #> prefix, so it is not read"),
    ]


@pytest.mark.parametrize(
    "texts",
    [
        ("print(x)  # tensor([1., 1.])",),  # a remark at the end of a code line
        ("print(x)", "# a remark"),
        ("# Output:", "# 1"),  # no code above it
        ("print(x)", "# Output:", "# 1", "y = 2"),  # code after it
        ("print(x)", "#> 1", "# 2"),  # #> lines followed by other comments
        ("print(x)", "# Output: see the table below"),  # a remark that starts like a label
        ("print(x)", "# out[0]"),  # code commented out
        ("print(x)", "# out = model(x)"),
        ("print(x)", "# Output: tensor(1)", "# a remark after it"),
    ],
)
def test_what_is_not_comment_output(texts: tuple[str, ...]) -> None:
    assert commentoutput.find(body(*texts)) is None


@pytest.mark.parametrize(
    ("last", "value"),
    [
        ("# Output: tensor(1)", "tensor(1)"),
        ("# 输出：tensor([1., 1.])", "tensor([1., 1.])"),
        ("# 得到结果'0.4.1'", "'0.4.1'"),  # a CJK label needs no colon before a repr
        ("# 结果为 torch.Size([2])", "torch.Size([2])"),
        ("# the result is `tensor(3)`", "tensor(3)"),
        ("# Results: [1, 2]", "[1, 2]"),
        ("#  运行结果： True", "True"),
    ],
)
def test_output_on_the_label_s_own_comment_line(last: str, value: str) -> None:
    found = commentoutput.find(body("x = 1", "print(x)", last))
    assert found is not None
    assert found.inline
    assert (found.first, found.start) == (2, 2)
    assert [line.text for line in found.lines] == [value]
    assert found.lines[0].prefix + value == last.rstrip("`")


@pytest.mark.parametrize(
    ("label", "first"),
    [
        ("# Output:", 2),
        ("# output", 2),
        ("# out:", 2),
        ("#OUT：", 2),
        ("# 输出：", 2),
        ("# 输出结果:", 2),
        ("# 结果：", 2),
        ("# 运行结果：", 2),
        # the output marker, commented out
        ("# ======== output ==========", 2),
        ("#---------- Output ----------", 2),
        ("  # === 输出 ===", 2),
    ],
)
def test_labels(label: str, first: int) -> None:
    found = commentoutput.find(body("x = 1", "# a remark", label, "# 1", "", ""))
    assert found is not None
    assert (found.first, found.start, [line.text for line in found.lines]) == (first, 3, ["# 1"])


def test_a_label_with_nothing_under_it_is_an_empty_output() -> None:
    found = commentoutput.find(body("print(x)", "# Output:", ""))
    assert found is not None
    assert (found.first, found.start, found.lines) == (1, 2, ())
    block = NoteParser(READ).parse("```python\nprint(1)\n# 输出：\n\n```\n").blocks[0]
    assert block.output is not None
    assert (block.output.start, block.output.end, block.expected) == (3, 4, "")


def test_the_first_label_of_the_comments_starts_the_output() -> None:
    found = commentoutput.find(body("print('Output:')", "# Output:", "# Output:", "#"))
    assert found is not None
    assert (found.first, [line.text for line in found.lines]) == (1, ["# Output:", "#"])


LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12).filter(
    lambda text: text == "" or not text.isspace()
)


@given(st.lists(LINE, min_size=1, max_size=6))
def test_lines_written_as_update_writes_them_read_back_the_same(lines: list[str]) -> None:
    """Update writes each line as ``# `` and the line, a blank one as ``#``."""
    written = body(*(f"# {line}" if line else "#" for line in lines))
    read = commentoutput.uncommented(written)
    assert read is not None
    assert (read[0], [line.text for line in read[1]]) == ("# ", lines)


def test_lines_without_one_prefix_are_not_read() -> None:
    assert commentoutput.uncommented(body("# 1", "  # 2")) is None
    prefix, lines = commentoutput.uncommented(body("#> 1", "#>", "#>2")) or ("", ())
    assert (prefix, [line.text for line in lines]) == ("#>", [" 1", "", "2"])
    # Comments that share only their # keep the rest of each line as their output.
    prefix, lines = commentoutput.uncommented(body("#> 1", "# 2")) or ("", ())
    assert (prefix, [line.text for line in lines]) == ("#", ["> 1", " 2"])


def test_dashed_markers_are_read_and_markdown_rules_are_not_markers() -> None:
    note = NoteParser().parse(DASHED)
    assert [
        (shown(block.first_line), shown(block.output.start), block.expected)
        for block in note.blocks
        if block.output is not None
    ] == [(9, 12, "1"), (18, 22, "2")]
    assert [block.code for block in note.blocks] == ["print(1)", "print(2)\n"]
    # Front matter, thematic breaks, a setext heading and a table rule are prose; only the
    # dashed marker line in prose is a stray marker.
    assert [(shown(problem.line_index), problem.severity) for problem in note.problems] == [
        (29, "warning")
    ]
    assert note.problems[0].message.startswith("output marker outside a code block")


def test_a_configured_marker_leaves_dashed_lines_as_code() -> None:
    note_format = NoteFormat(marker=re.compile(r"^=== out ===$"))
    note = NoteParser(note_format).parse(DASHED)
    assert [block.output for block in note.blocks] == [None, None]
    assert note.blocks[0].code == "print(1)\n---------- output ----------\n1"
    assert note.problems == []


@pytest.mark.parametrize(
    ("code", "position"),
    [
        ("print(1)\n---------- output ----------\n1", 1),
        ("print(1)\n~~~ Output ~~~", 1),
        ("==== 输出： ====\n", 0),
        ("print(1)\n# ---- output ----", None),  # a comment is Python
        ("x = 1\n---\n", None),
        ("print(1)\n=== out ===", None),  # the configured marker
    ],
)
def test_unmatched_marker(code: str, position: int | None) -> None:
    assert marker.unmatched_marker(code, re.compile(r"^=== out ===$")) == position


def test_comment_output_is_read_when_indented_output_is_read_too() -> None:
    """With both options, a block's output comments are its output when no indented text
    follows it: else update would write indented output after it and leave the comments."""
    both = NoteFormat(comment_output=True, indented_output=True)
    text = "```python\nprint(1)\n# Output:\n# 1\n```\n\n```python\nprint(2)\n```\n\n    2\n"
    assert outputs(NoteParser(both).parse(text)) == [
        (1, ("comments", 4, 5, "# ", "1")),
        (7, ("indented", 11, 12, "    ", "2")),
    ]
    # indented text after the block is its output, the comments stay code
    after = text.replace("```\n\n```python", "```\n\n    1\n\n```python")
    assert outputs(NoteParser(both).parse(after))[0] == (1, ("indented", 7, 8, "    ", "1"))
    # comments that are not read leave the block expected to print nothing
    indented = NoteFormat(indented_output=True)
    assert outputs(NoteParser(indented).parse(text))[0] == (1, ("indented", 6, 6, "    ", ""))
