"""The one place where a 0-based line becomes the line people read, and back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import from_shown, location, shown


def test_the_first_line_of_a_note_is_shown_as_line_1() -> None:
    assert shown(0) == 1
    assert location("notes/a.md", 0) == "notes/a.md:1"
    assert from_shown(1) == 0


@given(st.integers(min_value=0, max_value=10**6))
def test_shown_and_back(line: int) -> None:
    assert from_shown(shown(line)) == line
    assert location("n.md", line) == f"n.md:{shown(line)}"


def test_parsed_lines_index_the_note() -> None:
    text = "# T\n\n<!-- torchnotes: setup\nx = 1\n-->\n\n```python\nprint(x)\n```\n"
    lines = text.split("\n")
    note = NoteParser().parse(text)
    setup, block = note.items
    assert lines[setup.first_line].startswith("<!-- torchnotes: setup")
    assert lines[setup.code_line] == "x = 1"
    assert lines[block.first_line] == "```python"
    assert lines[block.code_line] == "print(x)"


def test_a_problem_indexes_the_line_it_is_about() -> None:
    text = "# T\n\nProse.\n\n<!-- torchnotes: skip because -->\n"
    (problem,) = NoteParser().parse(text).problems
    assert problem.message == "directive is not followed by a Python block"
    assert text.split("\n")[problem.line_index] == "<!-- torchnotes: skip because -->"
