"""The torch-aware comparison: table tests of what matches and what drifts, and properties."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import (
    MODES,
    Comparator,
    CompareOptions,
    CompareSpecError,
    parse_compare_spec,
    printed_as_written,
)
from pytest_torchnotes.comparison.findings import MATCH, NumberDifference
from pytest_torchnotes.comparison.normalize import BASE_STEPS, normalize, parse_sanitizer
from pytest_torchnotes.comparison.numbers import Number
from pytest_torchnotes.comparison.tokens import tokenize

NUMERIC = Comparator(CompareOptions())
EXACT = Comparator(CompareOptions("exact"))
ELLIPSIS = Comparator(CompareOptions("ellipsis"))


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("0.3333", "0.33333334"),
        ("4.", "4.0000"),
        ("4.0000", "4."),
        ("tensor([4., 3.])", "tensor([4.0000, 3.0000])"),
        ("tensor([ 1, 10])", "tensor([1, 10])"),
        ("tensor([[1, 2],\n        [3, 4]])", "tensor([[1, 2], [3, 4]])"),
        ("tensor([1.2346e+03])", "tensor([1234.5678])"),
        ("tensor(nan)", "tensor(nan)"),
        ("tensor([-inf, inf])", "tensor([-inf,  inf])"),
        ("tensor([0.1000, 0.2000], requires_grad=True)", "tensor([0.1, 0.2], requires_grad=True)"),
        ("loss 0.1", "loss 0.10000000149011612"),
        ("a\r\nb  \n\n", "a\nb"),
        ("<object at 0x7f3a2c1b5e50>", "<object at 0x7f00aa11bb22>"),
        ("\x1b[32mok\x1b[0m", "ok"),
        ("张量  (Tensor)", "张量 (Tensor)"),
    ],
)
def test_numeric_matches(expected: str, actual: str) -> None:
    assert NUMERIC.compare(expected, actual).matched


@pytest.mark.parametrize(
    ("expected", "actual", "drift"),
    [
        ("0.3333", "0.3433", "value"),
        ("4.", "4.0001", "value"),
        ("tensor([1, 2])", "tensor([1, 3])", "value"),
        ("tensor([1, 2])", "tensor([1., 2.])", "value"),
        ("tensor(nan)", "tensor(0.)", "value"),
        ("torch.float16", "torch.float32", "text"),
        ("torch.Size([2, 3])", "torch.Size([2, 3, 1])", "text"),
        ("grad_fn=<MulBackward0>", "grad_fn=<AddBackward0>", "text"),
        ("requires_grad=True", "requires_grad=False", "text"),
        ("a\nb", "a b", "text"),
        ("a\n\nb", "a\nb", "text"),
        ("ab", "a b", "text"),
        ("tensor([0, 1, 2,  ..., 7, 8, 9])", "tensor([0, 1, 2, 3, 7, 8, 9])", "text"),
        ("", "something", "text"),
    ],
)
def test_numeric_drifts(expected: str, actual: str, drift: str) -> None:
    comparison = NUMERIC.compare(expected, actual)
    assert not comparison.matched
    assert comparison.drift == drift


def test_value_drift_names_the_number_and_the_difference() -> None:
    comparison = NUMERIC.compare("x\ntensor([0.1000, 0.3333])", "x\ntensor([0.1000, 0.3433])")
    assert comparison.numbers == (
        NumberDifference("0.3333", "0.3433", 1, pytest.approx(0.01), 5e-05),
    )
    assert comparison.numbers[0].describe() == (
        "expected 0.3333, got 0.3433 (differs by 0.01; tolerance 5e-05)"
    )


def test_integer_and_float_are_not_subtracted() -> None:
    [difference] = NUMERIC.compare("tensor(4)", "tensor(4.)").numbers
    assert difference.describe() == "expected 4, got 4."


def test_summarised_tensors_compare_their_numbers() -> None:
    expected = "tensor([0.0000, 0.0010, 0.0020,  ..., 0.9970, 0.9980, 0.9990])"
    assert NUMERIC.compare(expected, expected.replace("0.9980", "0.998")).matched
    assert NUMERIC.compare(expected, expected.replace("0.9980", "0.9880")).drift == "value"


def test_real_tensor_print_at_other_precisions() -> None:
    torch.manual_seed(0)
    values = torch.randn(3, 4)
    expected = repr(values)
    torch.set_printoptions(precision=8)
    try:
        actual = repr(values)
    finally:
        torch.set_printoptions(profile="default")
    assert expected != actual
    assert NUMERIC.compare(expected, actual).matched
    assert EXACT.compare(expected, actual).drift == "format"


def test_exact_mode() -> None:
    assert EXACT.compare("a  b\n", "a  b") == MATCH
    assert EXACT.compare("a  b", "a b").drift == "format"
    assert EXACT.compare("0.3333", "0.33333334").drift == "format"
    assert EXACT.compare("0.3333", "0.3433").drift == "value"
    assert EXACT.compare("a", "b").drift == "text"


def test_numeric_mode_reports_benign_format_drift() -> None:
    comparison = NUMERIC.compare("tensor([4., 3.])", "tensor([4.0000, 3.0000])")
    assert (comparison.matched, comparison.drift) == (True, "format")
    assert NUMERIC.compare("same", "same") == MATCH


def test_ignore_mode() -> None:
    assert Comparator(CompareOptions("ignore")).compare("a", "b") == MATCH


@pytest.mark.parametrize(
    ("expected", "actual", "matched"),
    [
        ("a ... c", "a b b c", True),
        ("a ... c", "a b b d", False),
        ("...", "anything at all", True),
        ("start ...", "start and more\nlines", True),
        ("... end", "lines\nand end", True),
        ("loss: 0.12...", "loss: 0.12345", True),
        ("x ... y ... z", "x 1 y 2 z", True),
        ("x ... y ... z", "x 1 z 2 y", False),
        ("<Model at ...>", "<Model at 0x7f3a2c1b5e50>", True),
        ("a ... b", "a", False),
        ("tensor([1.0000, ...])", "tensor([1.00001, 2., 3.])", True),
        ("pre...fix", "prefix", True),
        ("<class ...Model'>", "<class '__main__Model'>", True),
        ("pre...fix", "prefox", False),
    ],
)
def test_ellipsis_mode(expected: str, actual: str, matched: bool) -> None:
    assert ELLIPSIS.compare(expected, actual).matched is matched


def test_ellipsis_mode_without_ellipsis_is_numeric() -> None:
    assert ELLIPSIS.compare("0.3333", "0.33333334").matched
    assert not ELLIPSIS.compare("0.3333", "0.3433").matched


def test_tolerances() -> None:
    loose = Comparator(CompareOptions("numeric", rtol=0.01))
    assert loose.compare("100.0", "100.9").matched
    assert not loose.compare("100.0", "101.5").matched
    absolute = Comparator(CompareOptions("numeric", atol=0.5))
    assert absolute.compare("1.0", "1.4").matched
    assert not absolute.compare("1", "2").matched  # integers stay exact


def test_sanitizers_run_on_both_sides() -> None:
    comparator = Comparator(CompareOptions(), [parse_sanitizer(r"\d+ ms => N ms")])
    assert comparator.compare("took 3 ms", "took 250 ms").matched


@pytest.mark.parametrize(
    ("text", "value", "is_integer", "unit"),
    [
        ("42", 42, True, 0.0),
        ("-4", -4, True, 0.0),
        ("0.3333", 0.3333, False, 1e-4),
        ("4.", 4.0, False, 0.0),
        ("1.2346e+03", 1234.6, False, 0.1),
        ("1e-05", 1e-5, False, 1e-5),
        ("-inf", float("-inf"), False, 0.0),
        (".5", 0.5, False, 0.1),
    ],
)
def test_number_parse(text: str, value: float, is_integer: bool, unit: float) -> None:
    number = Number.parse(text)
    assert number.value == pytest.approx(value)
    assert number.is_integer is is_integer
    assert number.unit == pytest.approx(unit)


def test_tokens() -> None:
    tokens = tokenize("x = -4, float32 1...\ny 2.13.0")
    assert [(t.kind, t.text) for t in tokens] == [
        ("word", "x"),
        ("other", "="),
        ("number", "-4"),
        ("other", ","),
        ("word", "float32"),
        ("number", "1"),
        ("ellipsis", "..."),
        ("newline", "\n"),
        ("word", "y"),
        ("word", "2"),
        ("other", "."),
        ("word", "13"),
        ("other", "."),
        ("word", "0"),
    ]
    assert [t.line for t in tokens][-1] == 1


def test_digits_joined_by_a_minus_are_text() -> None:
    assert [(t.kind, t.text) for t in tokenize("3-2")] == [
        ("word", "3"),
        ("other", "-"),
        ("word", "2"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected one of numeric, exact, ellipsis, structure, ignore"),
        ("numeric foo=1", "'foo=1': expected rtol=NUMBER or atol=NUMBER"),
        ("numeric rtol=nan", "'rtol=nan': a tolerance is a finite number >= 0"),
    ],
)
def test_bad_compare_specs(text: str, message: str) -> None:
    with pytest.raises(CompareSpecError) as info:
        parse_compare_spec(text)
    assert str(info.value) == message


TEXTS = st.text(alphabet=st.sampled_from(list("tensor([0.5, -1e3]) nan\n\t...")), max_size=60)
FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=32, min_value=-1e6, max_value=1e6)


@given(TEXTS)
def test_a_text_matches_itself_in_every_mode(text: str) -> None:
    for comparator in (NUMERIC, EXACT, ELLIPSIS):
        assert comparator.compare(text, text).matched


@given(TEXTS, TEXTS)
def test_comparison_never_raises(expected: str, actual: str) -> None:
    for comparator in (NUMERIC, EXACT, ELLIPSIS):
        comparator.compare(expected, actual)


@given(st.lists(FLOATS, min_size=1, max_size=6), st.integers(min_value=1, max_value=8))
def test_reprinting_a_tensor_at_another_precision_matches(
    values: list[float], precision: int
) -> None:
    tensor = torch.tensor(values)
    default = repr(tensor)
    torch.set_printoptions(precision=precision)
    try:
        other = repr(tensor)
    finally:
        torch.set_printoptions(profile="default")
    # The less precise print, written in a note, matches the more precise one printed.
    fewer, more = (other, default) if precision < 4 else (default, other)
    assert NUMERIC.compare(fewer, more).matched


#: Text of what a terminal, a progress bar and torch print, and of what normalising reads.
PRINTED = st.text(alphabet="a1. \t\r\n\b\x1b[]Km0x@\\\x07;<>", max_size=16)


@given(PRINTED, st.sampled_from(MODES), st.booleans())
def test_text_printed_as_written_matches_as_its_normal_forms_do(
    text: str, mode: str, sanitized: bool
) -> None:
    # the shortcut says what normalising both sides would: a last newline is gone after the
    # base steps, which every comparator runs first, and the same text normalises alike
    assert normalize(text + "\n", BASE_STEPS) == normalize(text, BASE_STEPS)
    sanitizers = [parse_sanitizer(r"\n$ => END"), parse_sanitizer("a => b")] if sanitized else []
    comparator = Comparator(CompareOptions(mode), sanitizers)
    for printed in (text, text + "\n"):
        assert printed_as_written(text, printed)
        assert comparator.prepare(text) == comparator.prepare(printed)
        assert comparator.compare(text, printed) is MATCH
    for printed in {text + "\n\n", text + " ", text[:-1], "x" + text} - {text}:
        assert not printed_as_written(text, printed)


def test_output_printed_as_written_is_matched_without_normalising(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # most passing blocks print their note's text and a newline: neither side is normalised
    def refuse(self: Comparator, text: str) -> str:
        raise AssertionError(f"normalised {text!r}")

    monkeypatch.setattr(Comparator, "prepare", refuse)
    written = "tensor([[0, 1],\n        [2, 3]])\ntorch.Size([2, 2])"
    for comparator in (NUMERIC, EXACT, ELLIPSIS, Comparator(CompareOptions("structure"))):
        assert comparator.compare(written, written + "\n") is MATCH
        assert comparator.compare(written, written) is MATCH
    with pytest.raises(AssertionError, match="normalised"):
        NUMERIC.compare(written, written + " \n")
