"""Different outputs never compare equal: pairs that a reader calls different fail in every
mode that does not loosen what they differ in, and the failure names what differs.

The table holds one pair for each kind of difference; the properties change one thing of
generated output and check that the comparison sees it.
"""

from __future__ import annotations

import pytest

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions

NUMERIC = Comparator(CompareOptions())
TOLERANT = Comparator(CompareOptions("numeric", rtol=0.01))


@pytest.mark.parametrize(
    ("expected", "actual", "named"),
    [
        ("1e-400", "2e-400", "expected 1e-400, got 2e-400"),
        ("1e-330", "0.", "expected 1e-330, got 0."),
        ("1e400", "1e401", "expected 1e400, got 1e401"),
        ("inf", "1e400", "expected inf, got 1e400"),
        ("1.0e400", "1.06e400", "expected 1.0e400, got 1.06e400"),
        ("9" * 400, "9" * 399 + "8", "differs by 1; tolerance 0"),
        ("9" * 400, "1.", "expected 999"),
    ],
)
def test_numbers_beyond_a_float_are_compared(expected: str, actual: str, named: str) -> None:
    for comparator in (NUMERIC, TOLERANT):
        for want, got in ((expected, actual), (actual, expected)):
            result = comparator.compare(want, got)
            assert not result.matched
            assert result.drift == "value"
    assert named in NUMERIC.compare(expected, actual).numbers[0].describe()


@pytest.mark.parametrize(
    ("expected", "actual"),
    [("1.0e400", "1.04e400"), ("1.00e-400", "1.004e-400"), ("1e-400", "1.0e-400")],
)
def test_numbers_beyond_a_float_keep_the_precision_the_note_wrote(
    expected: str, actual: str
) -> None:
    assert NUMERIC.compare(expected, actual).matched


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("Results (see below:\nacc 0.5\nloss 0.2", "Results (see below: acc 0.5 loss 0.2"),
        ("sad :(\nnext", "sad :( next"),
        ("[1, 2\n3", "[1, 2 3"),
        ("tensor([1, 2]) (\nx", "tensor([1, 2]) ( x"),
    ],
)
def test_a_line_break_after_a_bracket_left_open_counts(expected: str, actual: str) -> None:
    for want, got in ((expected, actual), (actual, expected)):
        result = NUMERIC.compare(want, got)
        assert (result.matched, result.drift) == (False, "text")


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("tensor([[1, 2],\n        [3, 4]])", "tensor([[1, 2], [3, 4]])"),
        ("Linear(\n  in_features=4\n)", "Linear( in_features=4 )"),
    ],
)
def test_a_line_break_inside_brackets_that_close_is_a_space(expected: str, actual: str) -> None:
    assert NUMERIC.compare(expected, actual).matched


def test_a_wildcard_may_stand_for_the_closing_bracket() -> None:
    ellipsis = Comparator(CompareOptions("ellipsis"))
    printed = "tensor([[0.1000, 0.2000, 0.3000],\n        [0.4000, 0.5000, 0.6000]])"
    assert ellipsis.compare("tensor([[0.1000, 0.2000,\n...", printed).matched
    assert not ellipsis.compare("tensor([[0.1000, 0.2500,\n...", printed).matched
