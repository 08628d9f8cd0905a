"""Failure messages: long diffs, many lines and single huge lines are cut."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.failures import (
    MAX_LINE_CHARS,
    FailureContext,
    cut_line,
    excerpt,
    output_diff,
)

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
