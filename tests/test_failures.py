"""Failure messages: long diffs, many lines and single huge lines are cut."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.display import MAX_LINE_CHARS, cut_line, excerpt, output_diff
from pytest_torchnotes.comparison.failures import FailureContext, closing_line

CONTEXT = FailureContext("notes/x.md", "2.0")


@given(st.text(min_size=0, max_size=3 * MAX_LINE_CHARS))
def test_cut_line_keeps_short_lines_and_counts_what_it_leaves_out(line: str) -> None:
    cut = cut_line(line)
    if len(line) <= MAX_LINE_CHARS:
        assert cut == line
    else:
        assert cut.startswith(line[:MAX_LINE_CHARS])
        assert cut.endswith(f" ... {len(line) - MAX_LINE_CHARS:,} more characters on this line")


def test_a_diff_of_one_huge_line_is_cut() -> None:
    lines = output_diff("x" * 1_000_000, "y" * 1_000_000, CONTEXT, 3)
    assert max(map(len, lines)) < MAX_LINE_CHARS + 50
    assert "-" + "x" * (MAX_LINE_CHARS - 1) + " ... 999,501 more characters on this line" in lines


def test_an_excerpt_of_one_huge_line_is_cut() -> None:
    lines = excerpt("stderr", "z" * 100_000)
    assert lines == [
        "stderr:",
        "    " + "z" * MAX_LINE_CHARS + " ... 99,500 more characters on this line",
    ]


@pytest.mark.parametrize(
    ("actual", "refusal"),
    [
        ("a\x00b\n", "NUL character, which a note cannot hold"),
        ("10%\r100%\n", "bare carriage return"),
    ],
)
def test_the_closing_line_does_not_offer_an_update_that_would_refuse(
    actual: str, refusal: str
) -> None:
    # It said "accept it: pytest notes/x.md --torchnotes-update", and that run then refused.
    line = closing_line(CONTEXT, actual)
    assert "accept it" not in line
    assert "On torch 2.0. --torchnotes-update would not write it: the output contains a " in line
    assert refusal in line
    assert "accept it: pytest notes/x.md --torchnotes-update" in closing_line(CONTEXT, "ok\n")
