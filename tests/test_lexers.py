"""The Markdown lexer: exact lines and prefixes on small sample files."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.lexers import (
    BodyLine,
    MarkdownLexer,
    NoteLexemes,
    quote_prefix,
    split_lines,
    strip_columns,
    width,
)
from pytest_torchnotes.markdown.parsers import NoteParser

SAMPLES = Path(__file__).parent / "samples"


def lex(text: str) -> NoteLexemes:
    return MarkdownLexer()(text)


def lex_sample(name: str) -> NoteLexemes:
    return lex((SAMPLES / name).read_text(encoding="utf-8"))


def test_front_matter_is_found_and_skipped() -> None:
    found = lex_sample("basic.md")
    assert found.front_matter is not None
    assert found.front_matter.close_line == 3
    assert found.front_matter.kind == "yaml"
    assert found.front_matter.text == "title: Basic\ntags: [torch]"


def test_fences_of_the_basic_sample() -> None:
    fences = lex_sample("basic.md").fences
    assert [(f.open_line, f.close_line, f.info, f.prefix, f.fence) for f in fences] == [
        (9, 15, "python", "", "```"),
        (22, 24, 'py title="x.py"', "  ", "```"),
        (26, 29, "python3", "> ", "```"),
        (31, 35, "markdown", "", "````"),
        (43, 45, "", "", "~~~"),
    ]
    assert fences[0].body[1] == BodyLine(11, "", "print(torch.tensor([1, 2]))")
    assert fences[1].language == "py"


def test_list_item_fence_strips_its_indentation() -> None:
    fence = lex_sample("basic.md").fences[1]
    assert fence.body == (BodyLine(23, "  ", "x = 1"),)


def test_block_quote_fence_keeps_each_prefix() -> None:
    fence = lex_sample("basic.md").fences[2]
    assert fence.quote_depth == 1
    assert fence.body == (BodyLine(27, "> ", 'print("quoted")'), BodyLine(28, ">", ""))


def test_inner_fence_of_a_longer_fence_is_content() -> None:
    fence = lex_sample("basic.md").fences[3]
    assert [line.text for line in fence.body] == ["```python", "not code", "```"]


def test_fence_inside_a_comment_is_commented_out() -> None:
    found = lex_sample("basic.md")
    assert all(fence.open_line != 38 for fence in found.fences)
    comment = found.comments[0]
    assert (comment.open_line, comment.close_line) == (37, 41)
    assert comment.head == " an ordinary comment"
    assert [line.text for line in comment.body] == ["```python", "commented out", "```"]


def test_headings_atx_and_setext() -> None:
    headings = lex_sample("basic.md").headings
    assert [(h.line, h.level, h.text) for h in headings] == [
        (5, 1, "Tensors"),
        (17, 2, "Setext heading"),
    ]


def test_heading_markup_is_removed() -> None:
    found = lex("## 1. 函数名是否带<u>下划线</u>：\n\n### **Bold** `code` ##\n")
    assert [h.text for h in found.headings] == ["1. 函数名是否带下划线：", "Bold code"]


def test_underscores_in_names_stay_in_headings() -> None:
    found = lex(
        "## torch.nn.functional.cross_entropy\n\n## os._exit and `__init__`\n\n"
        "## _emphasis_ and __strong__: done\n"
    )
    assert [h.text for h in found.headings] == [
        "torch.nn.functional.cross_entropy",
        "os._exit and __init__",
        "emphasis and strong: done",
    ]


def test_hash_without_space_is_not_a_heading() -> None:
    assert lex("#hashtag\n").headings == []


def test_problems_of_the_malformed_sample() -> None:
    problems = lex_sample("malformed.md").problems
    assert [(p.line, p.message) for p in problems] == [
        (12, "a torchnotes directive must start its own line, before a block"),
        (20, "code fence ```python is never closed (add a line ``` after its last line)"),
    ]


def test_a_directive_in_a_code_span_is_shown_not_used() -> None:
    assert lex("Write `<!-- torchnotes: skip x -->` before a block.\n").problems == []
    assert lex("Write <!-- torchnotes: skip x --> before a block.\n").problems != []


def test_unclosed_fence_runs_to_the_end() -> None:
    fence = lex("```python\nx = 1\ny = 2\n").fences[0]
    assert fence.close_line is None
    assert fence.last_line == 2


def test_unclosed_empty_fence_ends_on_its_own_line() -> None:
    fence = lex("text\n```python").fences[0]
    assert (fence.close_line, fence.last_line) == (None, 1)


def test_block_quote_ends_an_unclosed_quoted_fence() -> None:
    found = lex("> ```python\n> x = 1\n\nafter\n")
    assert found.fences[0].close_line is None
    assert [line.text for line in found.fences[0].body] == ["x = 1"]
    assert found.problems[0].line == 0


def test_closing_fence_may_be_indented_up_to_three_spaces() -> None:
    assert lex("```python\nx\n   ```\n").fences[0].close_line == 2
    assert lex("```python\nx\n    ```\n").fences[0].close_line is None


def test_closing_fence_must_be_as_long_and_bare() -> None:
    found = lex("````python\n```\n```python\n````\n")
    assert found.fences[0].close_line == 3
    found = lex("```python\n```text\n```\n")
    assert found.fences[0].close_line == 2


def test_backtick_fence_info_cannot_hold_backticks() -> None:
    assert lex("```inline``` code\n").fences == []


def test_tilde_fence_is_not_closed_by_backticks() -> None:
    assert lex("~~~python\n```\n~~~\n").fences[0].close_line == 2


def test_nested_quote_and_list_prefix() -> None:
    fence = lex("> - ```python\n>   x = 1\n>   ```\n").fences[0]
    assert fence.prefix == "> - "
    assert fence.body == (BodyLine(1, ">   ", "x = 1"),)
    assert fence.close_line == 2


def test_ordered_list_fence() -> None:
    fence = lex("1. Step\n\n   ```python\n   print(1)\n     print(2)\n   ```\n").fences[0]
    assert fence.body == (BodyLine(3, "   ", "print(1)"), BodyLine(4, "   ", "  print(2)"))


def test_tabs_count_as_four_columns() -> None:
    assert width("\t") == 4
    assert width(" \t") == 4
    assert strip_columns("\tx", 2) == ("", "\tx")
    assert strip_columns("\tx", 4) == ("\t", "x")


def test_quote_prefix() -> None:
    assert quote_prefix("> > x", 2) == "> > "
    assert quote_prefix(">x", 1) == ">"
    assert quote_prefix("x", 1) is None
    assert quote_prefix("x", 0) == ""


def test_comment_on_one_line_and_multiline() -> None:
    found = lex("<!-- one -->\n<!-- two\nline\n  -->\n")
    assert [(c.open_line, c.close_line, c.head) for c in found.comments] == [
        (0, 0, " one "),
        (1, 3, " two"),
    ]
    assert found.comments[1].body == (BodyLine(2, "", "line"),)


def test_comment_closing_after_code_keeps_the_code() -> None:
    comment = lex("<!-- torchnotes: setup\nx = 1\ny = 2 -->\n").comments[0]
    assert [line.text for line in comment.body] == ["x = 1", "y = 2"]


def test_unclosed_comment_is_a_problem() -> None:
    found = lex("<!-- never closed\n```python\nx\n```\n")
    assert found.fences == []
    assert found.problems[0].message.startswith("HTML comment is never closed")


def test_front_matter_needs_a_closing_delimiter() -> None:
    found = lex("---\ntitle: x\n\n# Heading\n")
    assert found.front_matter is None


def test_toml_front_matter() -> None:
    found = lex("+++\ntitle = 'x'\n+++\n")
    assert found.front_matter is not None
    assert found.front_matter.kind == "toml"


def test_split_lines() -> None:
    assert split_lines("") == []
    assert split_lines("a") == ["a"]
    assert split_lines("a\n") == ["a"]
    assert split_lines("a\n\n") == ["a", ""]


@pytest.mark.parametrize("text", ["", "\n", "```", "~~~~", "<!--", "---", "> ```\n>", "- ```x\n"])
def test_degenerate_inputs(text: str) -> None:
    lex(text)  # no exception


MARKDOWN_PIECES = st.sampled_from(
    [
        "```python",
        "```",
        "````",
        "~~~",
        "```py x",
        "> ```python",
        ">",
        "> x",
        "- ```python",
        "  x = 1",
        "  ```",
        "<!-- torchnotes: skip x -->",
        "<!--",
        "-->",
        "# h",
        "text",
        "",
        "---",
        "======== output ==========",
        "\t```",
        "1. ```python",
        "> > ```",
        "    code",
        "x = 1",
        ">>> 1",
        "<!-- torchnotes: setup",
    ]
)


@given(st.lists(MARKDOWN_PIECES, max_size=30))
def test_body_lines_reconstruct_their_source_line(pieces: list[str]) -> None:
    """Property: every content line is exactly its prefix plus its text (what rewrites rely on)."""
    text = "\n".join(pieces)
    found = lex(text)
    lines = split_lines(text)
    for fence in found.fences:
        for body in fence.body:
            assert body.prefix + body.text == lines[body.line]
        assert fence.open_line < fence.last_line or not fence.body
    for comment in found.comments:
        for body in comment.body:
            assert lines[body.line].startswith(body.prefix)


@given(st.text(max_size=300))
def test_lexer_never_raises(text: str) -> None:
    found = lex(text)
    spans = sorted((f.open_line, f.last_line) for f in found.fences)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end < start  # fences never overlap


def test_a_huge_info_string_is_cut_in_messages() -> None:
    text = "```python2 " + "x" * 100_000 + "\nimport torch\n```\n\n```python " + "y" * 100_000
    note = NoteParser().parse(text + "\nprint(1)\n")
    # the longest message names the whole --torchnotes-languages flag: about 430 characters
    assert [len(problem.message) < 600 for problem in note.problems] == [True, True]
    assert note.problems[1].message.startswith("code fence ```python yyy")
