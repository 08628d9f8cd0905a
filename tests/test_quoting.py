"""What a message quotes from a note, and what a session lists of a note's problems: cut to
a readable length, saying how much is left out."""

from __future__ import annotations

import doctest

from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes import quoting
from pytest_torchnotes.markdown.blocks import Problem
from pytest_torchnotes.quoting import QUOTE_LIMIT, cut, warned_line
from pytest_torchnotes.reporting import problems


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(quoting).failed == 0
    assert doctest.testmod(problems).failed == 0


def test_a_session_lists_the_first_problems_of_a_note_and_counts_the_rest() -> None:
    found = [Problem(line, f"bad {line}") for line in range(problems.MAX_PROBLEMS + 3)]
    text = problems.error_text("n.md", found).splitlines()
    assert text[0] == "n.md:1: bad 0"
    assert len(text) == problems.MAX_PROBLEMS + 1
    assert text[-1] == "n.md: 3 more errors (torchnotes check n.md lists them all)"
    assert problems.error_text("n.md", found[:2]) == "n.md:1: bad 0\nn.md:2: bad 1"


@given(st.text(max_size=300))
def test_a_cut_keeps_the_start_and_counts_the_rest(text: str) -> None:
    quoted = cut(text)
    if len(text) <= QUOTE_LIMIT:
        assert quoted == text
    else:
        assert quoted.startswith(text[:QUOTE_LIMIT])
        assert quoted.endswith(f"… ({len(text) - QUOTE_LIMIT} more characters)")
        assert len(quoted) < QUOTE_LIMIT + 40


def test_a_warning_about_a_long_line_is_filed_without_the_line() -> None:
    lines = ["short", "y" * 10_000]
    assert [warned_line(lines, 0), warned_line(lines, 1), warned_line(lines, 5)] == [1, 0, 6]
