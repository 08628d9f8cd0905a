"""The lexer's modules one by one: each kind of region, and the public face that joins them."""

from __future__ import annotations

import doctest
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown import lexers
from pytest_torchnotes.markdown.lexing import (
    codespans,
    comments,
    containers,
    fences,
    front_matter,
    headings,
    indented_code,
    indented_fences,
    item_quotes,
    lines,
    problems,
    scan,
    unclosed_fences,
)
from pytest_torchnotes.markdown.lexing.comments import inline_directive, lex_comment
from pytest_torchnotes.markdown.lexing.fences import FenceLexeme, fence_opening
from pytest_torchnotes.markdown.lexing.front_matter import FrontMatterLexeme, lex_front_matter
from pytest_torchnotes.markdown.lexing.headings import HeadingLexeme, lex_heading
from pytest_torchnotes.markdown.lexing.lines import BodyLine, split_quotes
from pytest_torchnotes.markdown.lexing.problems import LexerProblem
from pytest_torchnotes.markdown.lexing.unclosed_fences import unclosed
from pytest_torchnotes.markdown.parsers import NoteParser

MODULES = [
    codespans,
    comments,
    containers,
    fences,
    front_matter,
    headings,
    indented_code,
    indented_fences,
    item_quotes,
    lines,
    problems,
    scan,
    unclosed_fences,
]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_each_module_is_small_and_its_docstring_examples_hold(module: ModuleType) -> None:
    assert module.__file__ is not None
    assert len(Path(module.__file__).read_text(encoding="utf-8").splitlines()) <= 220
    assert doctest.testmod(module).failed == 0


def test_the_public_face_gives_the_lexing_modules_own_objects() -> None:
    assert lexers.MarkdownLexer is scan.MarkdownLexer
    assert lexers.FenceLexeme is fences.FenceLexeme
    assert lexers.indented_after is indented_code.indented_after
    for name in lexers.__all__:
        owners = [module for module in MODULES if getattr(module, name, None) is not None]
        assert owners, name
        assert getattr(lexers, name) is getattr(owners[0], name)


def test_a_fence_opens_unless_backticks_in_its_info_make_it_inline_code() -> None:
    opening = fence_opening("- ~~~~python title")
    assert opening is not None
    assert (opening.group("marker"), opening.group("fence"), opening.group("info")) == (
        "- ",
        "~~~~",
        "python title",
    )
    assert fence_opening("``` `code` ```") is None
    assert fence_opening("~~~ `a`") is not None  # only a backtick fence refuses backticks
    assert fence_opening("``python") is None


def test_an_unclosed_bare_fence_after_a_closed_one_names_the_early_close() -> None:
    first = FenceLexeme(0, 2, "python", "", "```", 0, (BodyLine(1, "", "x"),))
    bare = FenceLexeme(4, None, "", "", "```", 0, ())
    problem = unclosed([first, bare])
    assert problem.line == 2
    assert problem.message.startswith("this line closes the code fence opened at line 1")
    assert unclosed([bare]) == LexerProblem(
        4, "code fence ``` is never closed (add a line ``` after its last line)"
    )


def test_a_comment_in_a_block_quote_keeps_each_lines_prefix() -> None:
    note = ["> <!-- torchnotes: setup", "> x = 1", ">   -->"]
    found: list[LexerProblem] = []
    comment = lex_comment(note, 0, "> ", "<!-- torchnotes: setup", found)
    assert comment.close_line == 2
    assert comment.head == " torchnotes: setup"
    assert comment.body == (BodyLine(1, "> ", "x = 1"),)
    assert found == []
    lex_comment(["<!-- open", "text"], 0, "", "<!-- open", found)
    assert [problem.line for problem in found] == [0]


def test_a_directive_inside_a_line_is_a_problem_unless_it_is_code() -> None:
    assert inline_directive(3, "See <!-- torchnotes: skip -->") == LexerProblem(
        3, "a torchnotes directive must start its own line, before a block"
    )
    assert inline_directive(3, "See `<!-- torchnotes: skip -->`") is None


def test_a_setext_underline_makes_the_paragraph_line_above_a_heading() -> None:
    found: list[HeadingLexeme] = []
    paragraph = lex_heading(0, 1, "The *title*", None, found)
    assert paragraph == (0, 1, "The *title*")
    assert lex_heading(1, 1, "---", paragraph, found) is None
    assert found == [HeadingLexeme(0, 2, "The title")]
    assert lex_heading(1, 0, "---", paragraph, found) == (1, 0, "---")  # another quote depth


def test_front_matter_is_yaml_with_keys_toml_or_nothing() -> None:
    assert lex_front_matter(["---", "title: x", "...", "# H"]) == FrontMatterLexeme(
        2, "yaml", "title: x"
    )
    assert lex_front_matter(["---", "Some prose.", "---"]) is None
    assert lex_front_matter(["---", "```python", "---"]) is None
    assert lex_front_matter(["+++", "a = 1"]) is None
    assert lex_front_matter([]) is None


@given(st.text(alphabet=" \t>x-`", max_size=20))
def test_splitting_the_quotes_off_a_line_loses_nothing(line: str) -> None:
    quotes, rest = split_quotes(line)
    assert quotes + rest == line
    assert quotes.count(">") == 0 or quotes.rstrip(" \t").endswith(">")


#: The ATX heading as one regular expression, closing sequence included: the reference the
#: linear reading (a pattern and ``atx_text``) must agree with.
ATX_REFERENCE = re.compile(
    r"[ \t]{0,3}(?P<level>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$"
)


@given(st.text(alphabet="# \tab", max_size=12))
def test_an_atx_heading_reads_as_the_one_expression_reads_it(line: str) -> None:
    reference = ATX_REFERENCE.match(line)
    found = headings.ATX_HEADING.match(line)
    assert (found is None) == (reference is None)
    if found is not None and reference is not None:
        assert found.group("level") == reference.group("level")
        assert headings.atx_text(found.group("text") or "") == (reference.group("text") or "")


@pytest.mark.parametrize(
    "line",
    [
        " " * 200_000 + "x```",  # whitespace before a fence-looking tail
        " " * 100_000 + "- " + " " * 100_000 + "x```",
        "# Output:" + " " * 200_000 + "x",  # a heading with a long run of spaces
        "\t" * 200_000 + "<!-- x",  # tabs before text
        "# " + "`" * 200_000 + " x",  # a heading of backticks: code spans
        "x <!-- torchnotes " + "`x" * 100_000,  # a directive in prose, with backticks
        "# Output:" + "<!--" * 100_000,  # a heading of tags that never end
    ],
    ids=["fence", "list fence", "heading", "tabs", "backticks", "prose backticks", "tags"],
)
def test_a_long_line_of_whitespace_is_read_in_linear_time(line: str) -> None:
    started = time.process_time()  # CPU time: other processes' load does not stretch it
    NoteParser().parse(line + "\n")
    assert time.process_time() - started < 2  # quadratic: minutes


def profiled_calls(parse: Callable[[], object]) -> int:
    """How many calls (of Python functions, generators resumed and C functions) ``parse``
    makes: a count of the work done that the machine's load does not change."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        count += 1

    sys.setprofile(profile)
    try:
        parse()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize(
    "block",
    ["```python\nx = {i}\n```\n\n", "```python\nprint({i})\n```\n\n```output\n{i}\n```\n\n"],
    ids=["bare", "output fences"],
)
def test_many_blocks_are_read_in_linear_time(block: str) -> None:
    """Each block counted the blocks before it to number itself, and looked for its output
    fence among the fences from the first: twice the blocks made the parse do three times
    the work and more (100,000 blocks took minutes). Linear, it does twice the work."""
    texts = ["".join(block.format(i=i) for i in range(1000, 1000 + n)) for n in (1000, 2000)]
    once, twice = (profiled_calls(lambda text=text: NoteParser().parse(text)) for text in texts)
    assert twice < 2.3 * once
    note = NoteParser().parse(texts[1])
    assert [block.index for block in note.blocks[-2:]] == [1999, 2000]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("`a` and ``b`c``", ["a", "b`c"]),
        ("``x`", []),  # a run of two that no run of two closes is text
        ("`a``", []),
        ("```", []),
        ("` `` `", [" `` "]),
    ],
)
def test_code_spans_close_with_a_run_of_the_same_length(text: str, codes: list[str]) -> None:
    assert [span.code for span in codespans.code_spans(text)] == codes


@given(st.text(alphabet="`ab ", max_size=16))
def test_code_spans_and_the_text_between_them_make_the_line(text: str) -> None:
    spans = codespans.code_spans(text)
    pieces, codes = codespans.split_code(text)
    assert codes == [span.code for span in spans]
    rebuilt = pieces[0]
    for span, piece in zip(spans, pieces[1:], strict=True):
        written = text[span.start : span.end]
        ticks = "`" * ((len(written) - len(span.code)) // 2)
        assert ticks  # the same run opens and closes it
        assert written == ticks + span.code + ticks
        assert not span.code.startswith("`")
        assert not span.code.endswith("`")
        rebuilt += text[span.start : span.end] + piece
    assert rebuilt == text


def _heading_text_in_pieces(raw: str) -> str:
    """:func:`headings.heading_text` by its general path: code spans split off, markup
    removed from the rest."""
    pieces, codes = codespans.split_code(raw)
    texts = [headings.remove_markup(piece) for piece in pieces]
    return "".join(text + code for text, code in zip(texts, [*codes, ""], strict=True)).strip()


@given(st.text(alphabet=st.sampled_from([*"ab _*`<>:#\t\n\u3000x", "：", "张"])))
def test_a_heading_without_markup_is_its_text_as_in_the_general_path(raw: str) -> None:
    assert headings.heading_text(raw) == _heading_text_in_pieces(raw)


def _indented_after_line_by_line(note_lines: list[str], fence: FenceLexeme) -> tuple[BodyLine, ...]:
    """:func:`indented_code.indented_after` for a fence outside block quotes, every line
    after the fence read until one ends the indented code."""
    assert fence.close_line is not None
    columns = lines.width(fence.prefix) + indented_code.INDENTED_CODE
    found: list[BodyLine] = []
    last = -1
    for index in range(fence.close_line + 1, len(note_lines)):
        rest = note_lines[index]
        if not rest.strip():
            if found:
                found.append(BodyLine(index, rest, ""))
            continue
        if lines.width(rest[: len(rest) - len(rest.lstrip(" \t"))]) < columns:
            break
        removed, text = indented_code.strip_columns(rest, columns, 0)
        found.append(BodyLine(index, removed, text))
        last = len(found)
    return tuple(found[: max(last, 0)])


@given(
    st.sampled_from(["", " ", "  - "]),
    st.lists(st.sampled_from(["", " ", "\t", "    x", "\tx", "  y", "z", "        w", "\u3000"])),
)
def test_indented_code_after_a_fence_is_found_as_line_by_line(
    prefix: str, after: list[str]
) -> None:
    text = [f"{prefix}```python", "x = 1", f"{prefix}```", *after]
    fence = FenceLexeme(0, 2, "python", prefix, "```", 0, (BodyLine(1, "", "x = 1"),))
    assert indented_code.indented_after(text, fence) == _indented_after_line_by_line(text, fence)
