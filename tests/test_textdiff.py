"""Where two outputs first differ: found in time however long and however different they are.

Aligning two token sequences takes time that grows with the product of their lengths where
they differ everywhere: two outputs of 2,000 lines that share no line took minutes, and the
session waited on the comparison, outside any block's time limit.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.textdiff import first_text_difference
from pytest_torchnotes.comparison.tokens import tokenize


@pytest.mark.parametrize("mode", ["numeric", "exact", "ellipsis", "structure"])
def test_long_outputs_that_differ_everywhere_are_compared_in_seconds(mode: str) -> None:
    want = "\n".join(f"a{i}" for i in range(2000))
    got = "\n".join(f"b{i}" for i in range(2000))
    began = time.monotonic()
    result = Comparator(CompareOptions(mode)).compare(want, got)
    assert time.monotonic() - began < 10
    assert not result.matched
    assert result.text is not None
    assert result.text.describe() == "expected 'a0', got 'b0'"
    assert result.text.line == 0


def test_a_long_output_names_its_first_difference_past_what_it_shares() -> None:
    shared = [f"line {i} of the output" for i in range(3000)]
    want = "\n".join([*shared, "loss", *(f"x{i}" for i in range(3000))])
    got = "\n".join([*shared, "gain", *(f"y{i}" for i in range(3000))])
    difference = first_text_difference(want, got, tokenize(want), tokenize(got))
    assert difference is not None
    assert difference.describe() == "expected 'loss', got 'gain'"
    assert difference.line == 3000


@settings(max_examples=25)
@given(
    st.lists(st.sampled_from(["a", "b", "1", "c d", "[2.5]"]), min_size=600, max_size=900),
    st.integers(min_value=0, max_value=599),
    st.sampled_from(["zz", "q r", ""]),
)
def test_the_first_difference_of_long_outputs_is_where_they_stop_sharing(
    lines: list[str], where: int, changed: str
) -> None:
    want = "\n".join(lines)
    altered = [*lines[:where], changed, *lines[where + 1 :]]
    got = "\n".join(altered)
    expected, actual = tokenize(want), tokenize(got)
    difference = first_text_difference(want, got, expected, actual)
    if [(t.kind, t.text) for t in expected] == [(t.kind, t.text) for t in actual]:
        assert difference is None
        return
    assert difference is not None
    assert difference.line >= where
