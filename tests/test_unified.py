"""Unified diffs: one helper for failures, updates, run reports and ``torchnotes diff``."""

from __future__ import annotations

import doctest

from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison import unified
from pytest_torchnotes.comparison.unified import text_lines, unified_diff

LINES = st.lists(st.sampled_from(["a", "b", "c", "tensor([1.])", ""]), max_size=30)


def test_the_examples_in_the_docstrings_hold() -> None:
    results = doctest.testmod(unified)
    assert results.attempted >= 4
    assert results.failed == 0


def test_without_names_there_is_no_header() -> None:
    assert unified_diff(["x", "1"], ["x", "2"], context=1) == ["@@ -1,2 +1,2 @@", " x", "-1", "+2"]


def test_equal_lines_have_no_diff() -> None:
    assert unified_diff(["1"], ["1"], names=("a", "b")) == []


def test_text_lines_drop_only_the_blank_lines_around() -> None:
    assert text_lines("\n\na\n\nb\n") == ["a", "", "b"]


@given(LINES, LINES, st.integers(min_value=1, max_value=20))
def test_a_cut_diff_says_how_many_lines_it_hides(
    old: list[str], new: list[str], limit: int
) -> None:
    whole = unified_diff(old, new)
    cut = unified_diff(old, new, limit=limit, hidden="more diff line")
    if len(whole) <= limit:
        assert cut == whole
    else:
        assert cut[:limit] == whole[:limit]
        hidden = len(whole) - limit
        assert cut[limit] == f"... {hidden} more diff line{'s' if hidden > 1 else ''}"
        assert len(cut) == limit + 1


@given(LINES, LINES)
def test_the_diff_holds_every_removed_and_added_line(old: list[str], new: list[str]) -> None:
    lines = unified_diff(old, new, context=0)
    removed = [line[1:] for line in lines if line.startswith("-")]
    added = [line[1:] for line in lines if line.startswith("+")]
    # Lines that are neither removed nor added stay, in order.
    assert len(old) - len(removed) == len(new) - len(added)
