"""CommonMark's indentation for fences: tab stops of four columns, counted from the content
column of the block quotes and list items that hold the line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.lexing.indented_fences import IndentedFenceLexeme
from pytest_torchnotes.markdown.lexing.lines import width
from pytest_torchnotes.markdown.parsers import NoteParser

lex = MarkdownLexer()


@given(st.text(alphabet=" \t", max_size=6))
def test_a_fence_at_the_top_opens_only_when_indented_less_than_four_columns(
    prefix: str,
) -> None:
    found = lex(f"{prefix}```python\nprint(1)\n{prefix}```\n")
    opens = width(prefix) < 4
    assert [fence.open_line for fence in found.fences] == ([0] if opens else [])
    assert [code.line for code in found.indented_fences] == ([] if opens else [0, 2])


@given(st.text(alphabet=" \t", max_size=6))
def test_in_a_block_quote_the_columns_count_from_after_the_quote_marker(prefix: str) -> None:
    # "> " ends at column 2: a tab after it reaches column 4, two columns of indentation.
    found = lex(f"> {prefix}```python\n> print(1)\n> ```\n")
    opens = width("> " + prefix) - 2 < 4
    assert (0 in [fence.open_line for fence in found.fences]) is opens
    assert (0 in [code.line for code in found.indented_fences]) is not opens


@pytest.mark.parametrize(
    ("text", "opens"),
    [
        ("- a\n\n\t```python\n\tx\n\t```\n", True),  # column 4, two past the item's content
        ("- a\n\n      ```python\n      x\n      ```\n", False),  # four past it: code
        ("1. a\n   - b\n\n       ```python\n       x\n       ```\n", True),
        ("- ```python\n  x\n  ```\n", True),
        ("-     ```python\n  x\n  ```\n", False),  # five spaces after the marker: code
        ("    - ```python\n      x\n      ```\n", False),  # the item itself is indented code
        ("> - a\n>\n>     ```python\n>     x\n>     ```\n", True),
        ('!!! note "Output"\n\n    ```python\n    x\n    ```\n', True),  # mkdocs container
        ("text\n\n    ```python\n    x\n    ```\n", False),
        ("- a\n\nback at the top\n\n    ```python\n    x\n    ```\n", False),
    ],
)
def test_in_list_items_the_columns_count_from_the_items_content(text: str, opens: bool) -> None:
    found = lex(text)
    python = [fence for fence in found.fences if fence.info == "python"]
    assert bool(python) is opens
    assert bool(found.indented_fences) is not opens


def test_a_fence_inside_a_fence_does_not_open_a_list_item_for_the_lines_after_it() -> None:
    text = "```yaml\n- a\n```\n\n    ```python\n    x\n    ```\n"
    assert [fence.info for fence in lex(text).fences] == ["yaml"]


def test_a_tab_indented_python_fence_is_not_run_and_warns_with_the_fix() -> None:
    note = NoteParser().parse("# Note\n\n\t```python\n\tprint(1)\n\t```\n")
    assert note.blocks == []
    assert [(problem.line_index, problem.severity) for problem in note.problems] == [(2, "warning")]
    assert "remove the tab" in note.problems[0].message
    spaces = NoteParser().parse("    ```python\n    print(1)\n    ```\n")
    assert "remove the indentation" in spaces.problems[0].message


def test_an_indented_fence_of_another_language_is_shown_code_without_a_warning() -> None:
    note = NoteParser().parse("\t```bash\n\tls\n\t```\n")
    assert (note.blocks, note.problems) == ([], [])


def test_the_lexeme_names_the_line_its_info_and_the_tab() -> None:
    found = lex("x\n\n  \t```python title='a'\n")
    assert found.indented_fences == [IndentedFenceLexeme(2, "python title='a'", tab=True)]


def test_the_fence_lines_of_one_indented_code_block_are_one_would_be_fence() -> None:
    assert [code.line for code in lex("\t```python\n\tx\n\t```\n").indented_fences] == [0]
    flood = lex("text\n\n" + "    ```python\n" * 20_000)
    assert [code.line for code in flood.indented_fences] == [2]
    # a closed would-be fence, then another in the same indented code: two
    twice = lex("    ```python\n    x\n    ```\n\n    ```python\n    y\n    ```\n")
    assert [code.line for code in twice.indented_fences] == [0, 4]
    # prose between ends the indented code block
    apart = lex("    ```python\n\nprose\n\n    ```python\n")
    assert [code.line for code in apart.indented_fences] == [0, 4]


def test_a_fence_in_a_list_item_ends_with_the_item() -> None:
    found = lex("- item\n\n  ```python\n  print(1)\n\n- next\n\n```python\nprint(2)\n```\n")
    assert [(fence.open_line, fence.close_line) for fence in found.fences] == [(2, None), (7, 9)]
    (problem,) = found.problems
    assert problem.line == 2
    assert "line 6, indented less than the item's content (column 2)" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "- a\n  ```python\n  x\n```\n",  # a closing fence may stand at any indentation
        "1. a\n\n   ```python\n   x\n\n     y\n   ```\n",  # more indented, and blank lines
        "- a\n\n    ```python\n  x\n    ```\n",  # a fence indented inside its item
    ],
)
def test_a_fence_in_a_list_item_keeps_what_the_item_holds(text: str) -> None:
    found = lex(text)
    assert [fence.close_line is not None for fence in found.fences] == [True]
    assert [problem.severity for problem in found.problems] in ([], ["warning"])


@pytest.mark.parametrize(
    ("text", "line", "marks"),
    [("> ```python\nprint(1)\n> ```\n", 2, ">"), ("> > ```python\n> > x\n> y\n", 3, "> >")],
)
def test_a_fence_in_a_block_quote_ends_with_the_quote_and_says_where(
    text: str, line: int, marks: str
) -> None:
    problem = lex(text).problems[0]
    assert (problem.line, problem.message[:48]) == (
        0,
        "code fence ```python in a block quote is never c",
    )
    assert f"line {line} does not start with {marks}, so the block quote ends there" in (
        problem.message
    )


def test_a_bare_fence_after_an_indented_opening_names_the_indented_line() -> None:
    note = NoteParser().parse("\t```python\nprint(1)\n```\n")
    assert [(problem.line_index, problem.severity) for problem in note.problems] == [
        (0, "warning"),
        (2, "error"),
    ]
    assert note.problems[1].message.startswith(
        "code fence ``` is never closed: it was meant to close the fence at line 1, which is "
        "indented four columns or more"
    )
