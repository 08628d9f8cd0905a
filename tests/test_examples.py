"""One example of a transcript judged by what its run printed and raised."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.run.errors import ErrorInfo
from pytest_torchnotes.run.examples import (
    OUTPUT_DIFFERS,
    ComparatorChecker,
    check_example,
    example_checked,
    option_flags,
)
from pytest_torchnotes.run.execute import Execution
from pytest_torchnotes.run.results import COMPARED, IGNORED

NUMERIC = CompareOptions()
ZERO_DIVISION = ErrorInfo(
    "ZeroDivisionError",
    frozenset({"ZeroDivisionError", "ArithmeticError", "Exception"}),
    "division by zero",
    "",
    3,
)
DIVIDES = ">>> 1/0\nTraceback (most recent call last):\nZeroDivisionError: division by zero\n"


def example(text: str) -> doctest.Example:
    (only,) = doctest.DocTestParser().get_examples(text)
    return only


def printing(stdout: str, text: str, **options: bool) -> str | None:
    return check_example(Comparator, example(text), Execution(stdout=stdout), NUMERIC, **options)


def test_output_is_compared_to_the_digits_written() -> None:
    assert printing("0.33333334\n", ">>> x\n0.3333\n") is None
    assert printing("0.3340\n", ">>> x\n0.3333\n") == OUTPUT_DIFFERS


def test_ellipsis_option_compares_in_ellipsis_mode() -> None:
    assert printing("a b c\n", ">>> print('a b c')  # doctest: +ELLIPSIS\na ...\n") is None
    assert printing("a b c\n", ">>> print('a b c')\na ...\n") == OUTPUT_DIFFERS


def test_blankline_stands_for_an_empty_line() -> None:
    assert printing("a\n\nb\n", ">>> f()\na\n<BLANKLINE>\nb\n") is None


def test_ignore_want_runs_without_comparing() -> None:
    assert printing("new\n", ">>> f()\nold\n", ignore_want=True) is None


def test_the_exception_shown_must_be_raised() -> None:
    divides = example(DIVIDES)
    assert check_example(Comparator, divides, Execution(error=ZERO_DIVISION), NUMERIC) is None
    assert check_example(Comparator, divides, Execution(), NUMERIC) == (
        "expected ZeroDivisionError: division by zero, but nothing was raised"
    )
    other = ErrorInfo("ZeroDivisionError", ZERO_DIVISION.names, "modulo by zero", "", 3)
    assert check_example(Comparator, divides, Execution(error=other), NUMERIC) == (
        "expected ZeroDivisionError: division by zero, got ZeroDivisionError: modulo by zero"
    )
    detail = example(DIVIDES.replace("1/0", "1/0  # doctest: +IGNORE_EXCEPTION_DETAIL"))
    assert check_example(Comparator, detail, Execution(error=other), NUMERIC) is None


def test_an_exception_not_shown_fails_the_example() -> None:
    failure = check_example(
        Comparator, example(">>> f()\nold\n"), Execution(error=ZERO_DIVISION), NUMERIC
    )
    assert failure == "the block raised ZeroDivisionError: division by zero"


@pytest.mark.parametrize(
    ("text", "options", "so_far", "checked"),
    [
        (DIVIDES, NUMERIC, None, COMPARED),
        (">>> f()\nout\n", NUMERIC, None, COMPARED),
        (">>> f()\nout\n", CompareOptions("ignore"), None, IGNORED),
        (">>> f()\nout\n", CompareOptions("ignore"), COMPARED, COMPARED),
        (">>> x = 1\n", NUMERIC, None, None),
        (">>> x = 1\n", NUMERIC, IGNORED, IGNORED),
    ],
)
def test_what_an_example_checked(
    text: str, options: CompareOptions, so_far: str | None, checked: str | None
) -> None:
    assert example_checked(example(text), options, False, so_far) == checked


@given(st.sets(st.sampled_from(sorted(doctest.OPTIONFLAGS_BY_NAME))))
def test_option_flags_are_the_options_turned_on(names: set[str]) -> None:
    directives = ", ".join(f"+{name}" for name in sorted(names))
    text = f">>> f()  # doctest: {directives}\n" if names else ">>> f()\n"
    expected = 0
    for name in names:
        expected |= doctest.OPTIONFLAGS_BY_NAME[name]
    assert option_flags(example(text)) == expected


@given(st.text("abc 0123456789.\n", max_size=30))
def test_the_checker_agrees_with_the_comparator(got: str) -> None:
    want = "a 1.5\n"
    checker = ComparatorChecker(Comparator, NUMERIC)
    assert checker.check_output(want, got, 0) == Comparator(NUMERIC).compare(want, got).matched
