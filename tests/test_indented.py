"""Indented output after a block, as ``jupyter nbconvert --to markdown`` writes it: where
the lexer finds it, what the parser reads, what is reported, and how update writes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.markdown.blocks import OutputSection, ParsedNote
from pytest_torchnotes.markdown.indented import OPTION, without_blank_lines
from pytest_torchnotes.markdown.lexers import BodyLine, MarkdownLexer, indented_after
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER, NoteFormat, NoteParser
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.update.apply import apply, raw_lines
from pytest_torchnotes.update.rewrite import RewriteError, section_edit

SAMPLES = Path(__file__).parent / "samples" / "nbconvert"

READ = NoteFormat(indented_output=True)


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def parse(text: str, note_format: NoteFormat = READ) -> ParsedNote:
    return NoteParser(note_format).parse(text)


def sections(note: ParsedNote) -> dict[int, tuple[int, int, str, str] | None]:
    """Block line (1-based) -> (start, end, text, prefix) of its output (0-based lines)."""
    return {
        shown(block.first_line): None
        if block.output is None
        else (block.output.start, block.output.end, block.output.text, block.output.prefix)
        for block in note.blocks
    }


def problems(note: ParsedNote) -> list[tuple[int, str]]:
    return [(shown(problem.line_index), problem.message) for problem in note.problems]


def test_stdout_only() -> None:
    note = parse(sample("stdout.md"))
    assert sections(note) == {3: (9, 11, "tensor(2.)\ndone", "    ")}
    assert note.blocks[0].last_line == 10
    assert problems(note) == []


def test_display_only_after_several_blank_lines() -> None:
    note = parse(sample("display.md"))
    assert sections(note) == {3: (11, 12, "tensor([0, 1, 2])", "    ")}


def test_printed_and_displayed_are_one_section_with_the_gap() -> None:
    note = parse(sample("both.md"))
    assert sections(note) == {
        3: (10, 16, "tensor(2.)\n\n\n\n\ntensor([1., 1.])", "    "),
        18: (21, 24, "a\n\nb", "    "),
    }
    output = note.blocks[0].output
    assert output is not None
    assert [line.line for line in output.lines] == [10, 11, 12, 13, 14, 15]
    assert not output.blank_lines_compared
    assert [output.note_line(index) for index in range(2)] == [10, 15]


def test_no_output_is_an_empty_section_right_after_the_fence() -> None:
    note = parse(sample("no_output.md"))
    assert sections(note) == {3: (7, 7, "", "    "), 9: (11, 11, "", "    ")}
    assert problems(note) == []


def test_an_html_output_in_place_of_text_is_named() -> None:
    note = parse(sample("html.md"))
    assert sections(note) == {3: (9, 9, "", "    "), 22: (25, 26, "text", "    ")}
    assert problems(note) == [
        (
            14,
            "HTML after the block at line 3 is a rich output of the export (a DataFrame's "
            "table, a widget), which is not compared: the block is expected to print nothing; "
            "write its text output indented below it, or put "
            "<!-- torchnotes: compare ignore --> above it",
        )
    ]


def test_the_html_of_a_markdown_cell_after_a_block_is_prose() -> None:
    """The 60-minute blitz exported with an old nbconvert (brianjo/pydocsite,
    tutorials/notebook.md): sphinx-gallery's notes are Markdown cells of HTML,
    ``<div class="alert alert-info"><h4>Note</h4>...``, right after a code cell. They are
    not outputs of the block before them; a DataFrame's ``<div>`` still is."""
    note = parse(sample("markdown_cell_html.md"))
    assert [shown(block.first_line) for block in note.blocks] == [7, 23, 32, 38]
    assert [line for line, _ in problems(note)] == [42]


def test_in_a_list_item_and_a_block_quote_the_prefix_is_kept() -> None:
    note = parse(sample("list_item.md"))
    assert sections(note) == {
        5: (10, 11, "tensor([1., 1.])", "       "),
        15: (18, 19, "3", ">     "),
    }
    first, second = (block.output for block in note.blocks)
    assert first is not None
    assert second is not None
    assert first.lines == (BodyLine(10, "       ", "tensor([1., 1.])"),)
    assert second.lines == (BodyLine(18, ">     ", "3"),)


def test_an_image_output_ends_the_section_and_text_after_it_is_reported() -> None:
    note = parse(sample("image.md"))
    assert sections(note) == {3: (8, 9, "tensor([1.])", "    "), 15: (18, 19, "2", "    ")}
    assert problems(note) == [
        (
            23,
            "indented text after the image output at line 21 of the block at line 15 is not "
            "read: a block's indented output ends at its first image or line of prose (move "
            "the text above the image, or compare it in a block of its own)",
        )
    ]


def test_a_fence_in_indented_output_is_text() -> None:
    text = sample("fence_in_output.md")
    lexemes = MarkdownLexer()(text)
    assert [(fence.open_line, fence.close_line) for fence in lexemes.fences] == [(2, 6), (12, 14)]
    assert indented_after(lexemes.lines, lexemes.fences[0]) == (
        BodyLine(8, "    ", "```python"),
        BodyLine(9, "    ", "x = 1"),
        BodyLine(10, "    ", "```"),
    )
    assert sections(parse(text)) == {
        3: (8, 11, "```python\nx = 1\n```", "    "),
        13: (16, 17, "after", "    "),
    }


def test_an_indented_fence_elsewhere_is_still_a_fence() -> None:
    """Only indented code right after a fence is known to be code: a fence indented in a
    list item stays a fence."""
    text = "1. Step:\n\n    ```python\n    print(1)\n    ```\n"
    assert [fence.open_line for fence in MarkdownLexer()(text).fences] == [2]
    text = "```python\nx = 1\n```\n\n  ```python\n  print(1)\n  ```\n"
    assert [fence.open_line for fence in MarkdownLexer()(text).fences] == [0, 4]


def test_off_one_warning_for_the_note_names_the_first_line_and_the_option() -> None:
    note = parse(sample("both.md"), NoteFormat())
    assert sections(note) == {3: None, 18: None}
    assert problems(note) == [
        (
            11,
            "indented text after the block at line 3 (and after 1 more block) looks like its "
            "output but is not read: the note looks like a jupyter nbconvert --to markdown "
            f"export; read its indented output with {OPTION}, or put the output in a fence "
            "marked output (```output)",
        )
    ]
    assert "--torchnotes-indented-output" in OPTION


def test_on_text_after_prose_is_not_read_and_is_reported() -> None:
    note = parse("```python\nprint(1)\n```\n<!-- a comment -->\n\n    1\n")
    assert sections(note) == {1: (3, 3, "", "    ")}
    assert problems(note) == [
        (
            6,
            "indented text after the block at line 1 looks like its output but is not read: "
            "only blank lines may stand between a block and its indented output",
        )
    ]


def test_other_sections_come_first() -> None:
    text = "```python\nprint(1)\n```\n\n```output\n1\n```\n"
    assert sections(parse(text)) == {1: (5, 6, "1", "")}
    marker = "```python\nprint(1)\n=== output ===\n1\n```\n\n    1\n"
    assert sections(parse(marker)) == {1: (3, 4, "1", "")}
    transcript = ">>> print(1)\n1"
    assert sections(parse(f"```python\n{transcript}\n```\n\n    1\n")) == {1: None}


def test_front_matter_turns_it_on_and_off() -> None:
    body = "```python\nprint(1)\n```\n\n    1\n"
    on = "---\ntorchnotes:\n  indented_output: true\n---\n" + body
    assert sections(parse(on, NoteFormat())) == {5: (8, 9, "1", "    ")}
    off = "---\ntorchnotes:\n  indented_output: false\n---\n" + body
    assert sections(parse(off)) == {5: None}
    bad = "---\ntorchnotes:\n  indented_output: maybe\n---\n" + body
    assert (2, "torchnotes front matter: indented_output must be true or false, got 'maybe'") in (
        problems(parse(bad))
    )


def test_blank_lines_are_not_compared() -> None:
    comparator = without_blank_lines(Comparator(CompareOptions()))
    gap = "tensor(2.)\n\n\n\ntensor([1., 1.])"
    assert comparator.compare(gap, "tensor(2.)\ntensor([1., 1.])").matched
    assert comparator.compare("a\nb", "a\n\nb").matched
    assert not comparator.compare("a\nb", "a\nc").matched


def edit_text(text: str, actual: str, block: int = 0) -> str:
    """``text`` with the output of its block ``block`` rewritten to ``actual``."""
    output = parse(text.replace("\r\n", "\n")).blocks[block].output
    assert output is not None
    edit = section_edit(
        output,
        actual,
        raw_lines=raw_lines(text),
        comparator=without_blank_lines(Comparator(CompareOptions())),
        marker=OUTPUT_MARKER,
        path="note.md",
        first_line=0,
        file_digest="",
    )
    return apply(text, [edit])


def test_update_rewrites_the_region_and_keeps_the_gaps() -> None:
    text = sample("both.md")
    new = edit_text(text, "tensor(3.)\ntensor([1., 1.])\n")
    assert new == text.replace("tensor(2.)", "tensor(3.)")


def test_update_of_more_lines_writes_them_as_one_indented_block() -> None:
    text = sample("stdout.md")
    new = edit_text(text, "tensor(2.)\n\nnew line\ndone\n")
    assert new == text.replace("    tensor(2.)\n", "    tensor(2.)\n\n    new line\n")


def test_update_inserts_a_section_after_a_block_without_one() -> None:
    text = sample("no_output.md")
    new = edit_text(text, "torch.Size([2])\n", block=1)
    assert new == text.replace("```\nProse right", "```\n\n    torch.Size([2])\n\nProse right")
    assert sections(parse(new))[9] == (12, 13, "torch.Size([2])", "    ")
    end = "```python\nprint(1)\n```"
    assert edit_text(end, "1") == end + "\n\n    1"
    assert edit_text(end + "\n", "1\n\n2") == end + "\n\n    1\n\n    2\n"


def test_update_keeps_list_and_quote_prefixes_and_crlf() -> None:
    text = sample("list_item.md")
    new = edit_text(edit_text(text, "tensor([2., 1.])"), "3\n\n4", block=1)
    assert new == text.replace("tensor([1., 1.])", "tensor([2., 1.])") + ">\n>     4\n"
    crlf = "```python\r\nprint(1)\r\n```\r\n"
    assert edit_text(crlf, "1") == crlf + "\r\n    1\r\n"


def test_update_refuses_an_output_marker_and_a_nul() -> None:
    text = sample("stdout.md")
    with pytest.raises(RewriteError, match="reads as an output marker"):
        edit_text(text, "=== output ===")
    with pytest.raises(RewriteError, match="NUL"):
        edit_text(text, "a\x00b")


def test_an_unclosed_fence_has_no_indented_code_after_it() -> None:
    lexemes = MarkdownLexer()("```python\nx\n\n    y\n")
    assert indented_after(lexemes.lines, lexemes.fences[0]) == ()


LINE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), whitelist_characters=" "),
    max_size=12,
)


@given(st.lists(LINE, min_size=1, max_size=6), st.sampled_from(["", "> ", "- "]))
def test_written_output_reads_back_and_leaves_the_rest_alone(
    output: list[str], prefix: str
) -> None:
    """What update inserts is read back as the block's output, every byte around it stays,
    and a second update has nothing to change."""
    head = f"Text\n\n{prefix}```python\n{prefix.replace('- ', '  ')}x\n"
    tail = "Prose.\n"
    text = f"{head}{prefix.replace('- ', '  ')}```\n{tail}"
    actual = "\n".join(output)
    comparator = without_blank_lines(Comparator(CompareOptions()))
    if not actual.strip() or "===" in actual:
        return
    new = edit_text(text, actual)
    assert new.startswith(head)
    assert new.endswith(tail)
    block = parse(new).blocks[0]
    assert isinstance(block.output, OutputSection)
    assert comparator.compare(block.output.text, actual).matched
    assert block.output.start == 6
    assert edit_text(new, actual) == new


def test_one_label_line_may_stand_before_indented_output() -> None:
    text = (Path(__file__).parent / "samples" / "labeled_indented.md").read_text(encoding="utf-8")
    note = parse(text)
    sections = [block.output for block in note.blocks]
    assert [(shown(s.start), s.text) if s else None for s in sections] == [
        (10, "tensor([1., 1.])"),
        (17, ""),  # a label over prose: the block prints nothing; update writes under it
        (26, "3"),
    ]
    assert parse(text, NoteFormat(indented_output=True, output_label=None)).blocks[0].expected == ""
    unread = NoteParser().parse(text).problems
    assert [(shown(p.line_index), p.severity) for p in unread] == [(10, "warning"), (16, "warning")]
    assert OPTION in unread[0].message


def test_update_writes_under_a_label_with_nothing_under_it() -> None:
    text = "```python\nprint(1)\n```\n\nOutput:\n\nMore prose.\n"
    new = edit_text(text, "1")
    assert new == "```python\nprint(1)\n```\n\nOutput:\n\n    1\n\nMore prose.\n"
    assert sections(parse(new))[1] == (6, 7, "1", "    ")
    assert edit_text(new, "1") == new
    assert edit_text("```python\nprint(1)\n```\n**Output:**", "1") == (
        "```python\nprint(1)\n```\n**Output:**\n\n    1"
    )


LABELS = st.sampled_from(["Output:", "Out:", "**Output:**", "输出：", "_Result:_"])
#: What follows the label: nothing (not even a newline), blank lines, prose.
AFTER_LABEL = st.sampled_from(["", "\n", "\n\n", "\nProse.\n", "\n\nProse."])


@given(
    st.lists(LINE, min_size=1, max_size=4),
    st.sampled_from(["", "> "]),
    LABELS,
    AFTER_LABEL,
    st.sampled_from(["\n", "\r\n"]),
)
def test_output_written_under_an_empty_label_reads_back_and_changes_nothing_else(
    output: list[str], prefix: str, label: str, after: str, newline: str
) -> None:
    """Update inserts the output right under the label and changes no other byte; the note
    reads it back as the block's output, and a second update changes nothing."""
    actual = "\n".join(output)
    if not actual.strip() or "===" in actual or (newline == "\r\n" and not after):
        return  # (edit_text writes LF lines; tests/test_update_layouts.py covers CRLF)
    lines = ["Text", "", "```python", "x", "```", "", label, *after.split("\n")[1:]]
    quoted = [f"{prefix}{line}".rstrip(" ") if i >= 2 else line for i, line in enumerate(lines)]
    text = newline.join(quoted) if after else newline.join(quoted[: -0 or None])
    cut = text.index(label) + len(label)
    cut += len(newline) if text[cut:].startswith(newline) else 0
    new = edit_text(text, actual)
    assert new.startswith(text[:cut])
    assert new.endswith(text[cut:])
    inserted = new[cut : len(new) - len(text) + cut]
    assert all(
        not line.strip(" >") or line.startswith(f"{prefix}    ") for line in inserted.split(newline)
    ), inserted
    block = parse(new.replace("\r\n", "\n")).blocks[0]
    assert isinstance(block.output, OutputSection)
    comparator = without_blank_lines(Comparator(CompareOptions()))
    assert comparator.compare(block.output.text, actual).matched
    assert block.output.start > quoted.index(f"{prefix}{label}")
    assert edit_text(new, actual) == new


def test_update_rewrites_output_on_the_last_line_of_a_note_without_a_final_newline() -> None:
    text = "```python\nx\n```\n\n    0"
    assert edit_text(text, "1") == "```python\nx\n```\n\n    1"
    assert edit_text(text, "1\n2") == "```python\nx\n```\n\n    1\n    2"


def test_update_at_the_end_of_a_note_without_a_final_newline() -> None:
    """Output that ends the note, or is inserted after its last line: the note still ends
    without a newline, and every line break is the note's own (CRLF stays CRLF)."""
    for newline in ("\n", "\r\n"):
        block = newline.join(["```python", "print(1)", "```"])
        assert edit_text(block, "1") == newline.join([block, "", "    1"])
        old = newline.join([block, "", "    2"])
        assert edit_text(old, "1") == newline.join([block, "", "    1"])
        assert edit_text(old, "1\n3") == newline.join([block, "", "    1", "    3"])
        two = newline.join([block, "", "    2", "    4"])
        assert edit_text(two, "1") == newline.join([block, "", "    1"])


def test_update_writes_output_under_a_label_with_nothing_indented_under_it() -> None:
    """The label announces the output: new output goes under it, not between it and its
    block, and reads back as the block's output."""
    text = "```python\nprint(1)\n```\n\nOut:\n\nProse.\n"
    new = edit_text(text, "1")
    assert new == "```python\nprint(1)\n```\n\nOut:\n\n    1\n\nProse.\n"
    assert parse(new).blocks[0].expected == "1"
    assert edit_text(new, "1") == new
