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
from tests.conftest import WriteNote

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


#: torch.testing.assert_close's docstring: the exception's message holds an empty line.
NOT_EQUAL = (
    ">>> assert_equal(1e-9, 1e-10)\n"
    "Traceback (most recent call last):\n"
    "...\n"
    "AssertionError: Scalars are not equal!\n"
    "<BLANKLINE>\n"
    "Expected 1e-10 but got 1e-09.\n"
)


def test_blankline_stands_for_an_empty_line_of_an_exception() -> None:
    raised = ErrorInfo(
        "AssertionError",
        frozenset({"AssertionError"}),
        "Scalars are not equal!\n\nExpected 1e-10 but got 1e-09.",
        "",
        3,
    )
    assert check_example(Comparator, example(NOT_EQUAL), Execution(error=raised), NUMERIC) is None
    other = ErrorInfo("AssertionError", raised.names, "Scalars are not equal!", "", 3)
    assert check_example(Comparator, example(NOT_EQUAL), Execution(error=other), NUMERIC)


#: torch.testing.assert_close's docstring: the exception's message wrapped on two lines.
NO_PAIR = (
    ">>> torch.testing.assert_close(p, t, allow_subclasses=False){directive}\n"
    "Traceback (most recent call last):\n"
    "...\n"
    "TypeError: No comparison pair was able to handle inputs of type\n"
    "<class 'torch.nn.parameter.Parameter'> and <class 'torch.Tensor'>.\n"
)


@pytest.mark.parametrize(
    ("directive", "passes"), [("", False), ("  # doctest: +NORMALIZE_WHITESPACE", True)]
)
def test_normalize_whitespace_joins_the_lines_of_an_exception(directive: str, passes: bool) -> None:
    raised = ErrorInfo(
        "TypeError",
        frozenset({"TypeError"}),
        "No comparison pair was able to handle inputs of type "
        "<class 'torch.nn.parameter.Parameter'> and <class 'torch.Tensor'>.",
        "",
        3,
    )
    shown = example(NO_PAIR.format(directive=directive))
    failure = check_example(Comparator, shown, Execution(error=raised), NUMERIC)
    assert (failure is None) == passes


def test_normalize_whitespace_joins_the_lines_of_output() -> None:
    text = ">>> print(shapes){directive}\nfirst: 1.5\n  second: 2\n"
    assert printing("first: 1.5 second: 2\n", text.format(directive="")) == OUTPUT_DIFFERS
    directive = "  # doctest: +NORMALIZE_WHITESPACE"
    assert printing("first: 1.5 second: 2\n", text.format(directive=directive)) is None
    assert printing("first: 1.6 second: 2\n", text.format(directive=directive)) == OUTPUT_DIFFERS


def test_ellipsis_holds_in_an_exception() -> None:
    text = ">>> f()  # doctest: +ELLIPSIS\nTraceback (most recent call last):\nKeyError: 'a...'\n"
    raised = ErrorInfo("KeyError", frozenset({"KeyError"}), "'abc'", "", 3)
    assert check_example(Comparator, example(text), Execution(error=raised), NUMERIC) is None
    unmarked = example(text.replace("  # doctest: +ELLIPSIS", ""))
    assert check_example(Comparator, unmarked, Execution(error=raised), NUMERIC)


@pytest.mark.parametrize(
    ("mode", "want", "got", "matched"),
    [
        # what a compare directive asks for less than every number holds under +ELLIPSIS
        ("ignore", "tensor([5., 6.])", "tensor([ 1.5410, -0.2934])", True),
        ("structure", "tensor([5., 6.])", "tensor([ 1.5410, -0.2934])", True),
        ("structure", "tensor([5., 6.])", "tensor([1., 2., 3.])", False),
        # ... matches under +ELLIPSIS where numbers are compared
        ("numeric", "tensor([1., ...])", "tensor([1., 2., 3.])", True),
        ("exact", "tensor([1., ...])", "tensor([1., 2., 3.])", True),
        ("numeric", "tensor([5., 6.])", "tensor([1., 2.])", False),
    ],
)
@pytest.mark.parametrize(
    "flags", [doctest.ELLIPSIS, doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE]
)
def test_ellipsis_keeps_the_compare_mode_a_directive_asks_for(
    mode: str, want: str, got: str, matched: bool, flags: int
) -> None:
    checker = ComparatorChecker(Comparator, CompareOptions(mode))
    assert checker.check_output(want + "\n", got + "\n", flags) is matched


RANDOM_NOTE = """\
<!-- torchnotes: compare ignore; the output changes from run to run -->
```pycon
>>> import torch
>>> torch.randn(2)
tensor([5.0000, 6.0000])
```

<!-- torchnotes: compare structure; random values, the layout is what matters -->
```pycon
>>> torch.randn(2)
tensor([5.0000, 6.0000])
```
"""


@pytest.mark.parametrize("rules", ["doctest", "xdoctest"])
def test_a_compare_directive_holds_under_either_rules_of_transcripts(
    pytester: pytest.Pytester, write_note: WriteNote, rules: str
) -> None:
    write_note(RANDOM_NOTE)
    result = pytester.runpytest(f"--torchnotes-transcripts={rules}", "--torchnotes-seed=7")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*2 blocks: 1 verified, 1 not compared*"])
