"""Only numbers are compared as numbers: versions, names, dates, hex values are text.

The property at the end generates printed output full of numbers and number-like text, changes
one digit, and checks that the comparison accepts the change exactly when the docs say it may:
a number that agrees to the precision printed, or an object's address.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.tokens import tokenize

NUMERIC = Comparator(CompareOptions())


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("torch 2.1.0", "torch 2.10.0"),
        ("torch 1.13.1+cu116", "torch 1.13.1+cu117"),
        ("%y.6 = aten::add", "%y.60 = aten::add"),
        ("conv1", "conv10"),
        ("layer.1.weight", "layer.10.weight"),
        ("cuda:0", "cuda:00"),
        ("2026-11-29", "2026-11-30"),
        ("2026-1-29", "2026-01-29"),
        ("12:30:05", "12:30:5"),
        ("192.168.0.1", "192.168.0.10"),
        ("0x3f800000", "0xdeadbeef"),
        ("0x10", "0x1"),
        ("value 0x3f800000", "value 0x3F800000"),
        ("took 5ms", "took 5.0ms"),
        ("v1.5", "v1.50"),
        ("a-1.5", "a-1.50"),
        ("参数总数: 15,771", "参数总数: 15,770"),
        ("tensor([1.+2.j])", "tensor([1.+3.j])"),
        ("(1+2j)", "(1-2j)"),
    ],
)
def test_number_like_text_must_be_equal(expected: str, actual: str) -> None:
    assert not NUMERIC.compare(expected, actual).matched
    assert not NUMERIC.compare(actual, expected).matched


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("loss 0.25", "loss 0.2500"),
        ("accuracy 95.5%", "accuracy 95.50%"),
        ("共15个 0.50", "共15个 0.5"),
        ("损失：0.250", "损失：0.25"),
        ("x = -1.5e-03", "x = -0.0015"),
        ("参数总数: 15,771.50", "参数总数: 15,771.5"),
        ("tensor([1.+2.j, 3.-1.j])", "tensor([1.0000+2.0000j, 3.0000-1.0000j])"),
        ("tensor([1.0000e+10+2.j])", "tensor([1.0000e+10+2.0000j])"),
        ("(0.5+1j)", "(0.50+1j)"),
        ("tensor([nan+infj])", "tensor([nan+infj])"),
        ("<Foo object at 0x7f3a2c1b5e50>", "<Foo object at 0x55d0c0ffee>"),
        ("<function f at 0x7f3a2c1b5e50>", "<function f at 0x1>"),
    ],
)
def test_numbers_that_stand_alone_compare_as_numbers(expected: str, actual: str) -> None:
    assert NUMERIC.compare(expected, actual).matched
    assert NUMERIC.compare(actual, expected).matched


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("epoch 1: loss 0.3333", "epoch 1: loss 0.33333334"),
        ("0.45", "0.4523"),
        ("tensor([0.33, 4.0])", "tensor([0.3333, 4.0000])"),
    ],
)
def test_the_precision_the_note_wrote_decides(expected: str, actual: str) -> None:
    # The note may write fewer digits than are printed; output printed with fewer digits
    # than the note wrote is not rounded to meet it: 0.5 printed may be a value that moved.
    assert NUMERIC.compare(expected, actual).matched
    comparison = NUMERIC.compare(actual, expected)
    assert not comparison.matched
    assert comparison.drift == "format"
    assert all(number.fewer_digits for number in comparison.numbers)


def test_fewer_digits_that_do_not_round_the_same_are_a_value_drift() -> None:
    comparison = NUMERIC.compare("0.4523", "0.46")
    assert comparison.drift == "value"
    assert not comparison.numbers[0].fewer_digits


def test_a_value_printed_less_precisely_is_not_rounded_to_match() -> None:
    comparison = NUMERIC.compare("0.45", "0.5")
    assert not comparison.matched
    (number,) = comparison.numbers
    assert (number.expected, number.actual, number.tolerance) == ("0.45", "0.5", 0.005)
    assert number.describe() == (
        "expected 0.45, got 0.5: printed with fewer digits than the note wrote, so it cannot"
        " show the same value"
    )


def test_a_grouped_number_is_one_integer() -> None:
    [difference] = NUMERIC.compare("参数总数: 15,771", "参数总数: 15,770").numbers
    assert difference.describe() == "expected 15,771, got 15,770 (differs by 1; tolerance 0)"
    assert [t.text for t in tokenize("1,234,567")] == ["1,234,567"]


@pytest.mark.parametrize(
    "text",
    [
        "tensor([1,2,3])",
        "[1,23,4567]",
        "1,2345",
        "(12,34)",
        "tensor([1, 2, 3])",
        "[5,100,200]",
        "tensor([-5,100])",
        "x 0,100",
        "{1,000}",
    ],
)
def test_lists_are_not_grouped_numbers(text: str) -> None:
    numbers = [t.text for t in tokenize(text) if t.kind == "number"]
    assert "".join(numbers).lstrip("-") == re.sub(r"\D", "", text)
    assert all("," not in number for number in numbers)


@given(
    st.lists(st.integers(min_value=-999, max_value=999), min_size=2, max_size=6),
    st.sampled_from([",", ", ", ",\n  "]),
)
def test_tensor_element_lists_keep_their_numbers(values: list[int], separator: str) -> None:
    text = "tensor([" + separator.join(map(str, values)) + "])"
    assert [int(t.text) for t in tokenize(text) if t.kind == "number"] == values
    changed = [*values[:-1], values[-1] + 1]
    other = "tensor([" + separator.join(map(str, changed)) + "])"
    assert NUMERIC.compare(text, other).drift == "value"


# -- the property ---------------------------------------------------------------------------

DIGIT = st.sampled_from("0123456789")
NONZERO = st.sampled_from("123456789")
NAME = st.sampled_from(["x", "conv", "layer", "cuda", "y", "fc", "model", "torch"])
HEX = st.text(alphabet="0123456789abcdef", min_size=4, max_size=12)


def _digits(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=min_size, max_size=max_size)


#: (kind, text) pairs: what printed output is made of.
INTEGER = st.integers(min_value=0, max_value=10**6).map(lambda n: ("number", str(n)))
FLOAT = st.tuples(st.integers(min_value=0, max_value=999), _digits(0, 5)).map(
    lambda p: ("number", f"{p[0]}.{p[1]}")
)
VERSION = st.tuples(
    st.lists(st.integers(min_value=0, max_value=20).map(str), min_size=3, max_size=4),
    st.sampled_from(["", "+cu116", "+cpu", "a0+git1234", ".dev20260101"]),
).map(lambda p: ("text", ".".join(p[0]) + p[1]))
GLUED_NAME = st.tuples(
    NAME, st.sampled_from(["{}{}", "{}.{}", "%{}.{}", "{}:{}", "{}_{}"]), _digits(1, 3)
).map(lambda p: ("text", p[1].format(p[0], p[2])))
DATE = st.tuples(_digits(4, 4), _digits(2, 2), _digits(2, 2)).map(lambda p: ("text", "-".join(p)))
TIME = st.tuples(_digits(2, 2), _digits(2, 2), _digits(2, 2)).map(lambda p: ("text", ":".join(p)))
HEX_VALUE = HEX.map(lambda h: ("text", "0x" + h))
GROUPED = st.tuples(NONZERO, _digits(0, 2), st.lists(_digits(3, 3), min_size=1, max_size=3)).map(
    lambda p: ("grouped", ",".join([p[0] + p[1], *p[2]]))
)
ADDRESS = HEX.map(lambda h: ("address", f"<Foo object at 0x{h}>"))
WORD = NAME.map(lambda w: ("text", w))
PIECE = st.one_of(
    INTEGER, FLOAT, VERSION, GLUED_NAME, DATE, TIME, HEX_VALUE, GROUPED, ADDRESS, WORD
)
SEPARATOR = st.sampled_from([" ", "  ", ", ", "\n", " = ", "(", ") ", ": ", "："])


def _unit(number: str) -> Decimal:
    """One unit in the last printed digit; 0 for ``4.``, which is exact."""
    if number.endswith("."):
        return Decimal(0)
    return Decimal(1).scaleb(-len(number.partition(".")[2]))


def _documented_as_equal(kind: str, before: str, after: str, position: int) -> bool:
    """Whether the docs say a printed ``after`` matches an expected ``before``
    (docs/comparison.md): numbers to the precision the note wrote."""
    if kind == "address":
        start = before.index(" at 0x") + len(" at 0x")
        return position >= start and re.search(r" at 0x[0-9a-f]+>", after) is not None
    if kind == "number":
        number = re.compile(r"[0-9]+|[0-9]+\.[0-9]*|\.[0-9]+")
        if not all(map(number.fullmatch, (before, after))) or ("." in before) != ("." in after):
            return False
        return abs(Decimal(before) - Decimal(after)) <= _unit(before) / 2
    return False  # text, and a grouped number, whose every digit counts


@st.composite
def mutated_outputs(draw: st.DrawFn) -> tuple[str, str, bool, bool, str]:
    pieces = draw(st.lists(PIECE, min_size=1, max_size=8))
    separators = draw(st.lists(SEPARATOR, min_size=len(pieces), max_size=len(pieces)))
    target = draw(st.integers(min_value=0, max_value=len(pieces) - 1))
    kind, text = pieces[target]
    digits = [i for i, char in enumerate(text) if char.isdigit()]
    if not digits:
        kind, text = "number", "0"
        digits = [0]
    position = draw(st.sampled_from(digits))
    operation = draw(st.sampled_from(["replace", "insert", "delete"]))
    if operation == "replace":
        new = draw(DIGIT.filter(lambda d: d != text[position]))
        changed = text[:position] + new + text[position + 1 :]
    elif operation == "insert":
        changed = text[: position + 1] + draw(DIGIT) + text[position + 1 :]
    else:
        changed = text[:position] + text[position + 1 :]
    documented = _documented_as_equal(kind, text, changed, position)
    # The other way, the changed text is the note's: a number's own precision decides.
    reverse = (
        _documented_as_equal(kind, changed, text, position) if kind == "number" else documented
    )

    def join(middle: str) -> str:
        texts = [t for _, t in pieces]
        texts[target] = middle
        return "".join(
            piece + separator for piece, separator in zip(texts, separators, strict=True)
        )

    return join(text), join(changed), documented, reverse, f"{kind} {text!r} -> {changed!r}"


@given(mutated_outputs())
def test_a_changed_digit_passes_only_where_the_docs_allow(
    case: tuple[str, str, bool, bool, str],
) -> None:
    expected, actual, documented, reverse, change = case
    assert NUMERIC.compare(expected, actual).matched is documented, change
    assert NUMERIC.compare(actual, expected).matched is reverse, change


@given(st.lists(PIECE, min_size=1, max_size=8), st.data())
def test_spacing_between_tokens_does_not_count(
    pieces: list[tuple[str, str]], data: st.DataObject
) -> None:
    texts = [text for _, text in pieces]
    wider = [data.draw(st.sampled_from([" ", "  ", "\t", " \t "])) for _ in texts]
    assert NUMERIC.compare(
        " ".join(texts), "".join(t + s for t, s in zip(texts, wider, strict=True))
    ).matched
