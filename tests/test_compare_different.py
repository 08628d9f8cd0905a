"""Different outputs never compare equal: pairs that a reader calls different fail in every
mode that does not loosen what they differ in, and the failure names what differs.

The table holds one pair for each kind of difference; the properties change one thing of
generated output and check that the comparison sees it.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.normalize import MEMORY_ADDRESS
from pytest_torchnotes.comparison.tokens import TOKEN

NUMERIC = Comparator(CompareOptions())
TOLERANT = Comparator(CompareOptions("numeric", rtol=0.01))

#: Every mode that compares, and numeric with a tolerance.
MODES = {
    "numeric": NUMERIC,
    "exact": Comparator(CompareOptions("exact")),
    "ellipsis": Comparator(CompareOptions("ellipsis")),
    "structure": Comparator(CompareOptions("structure")),
    "tolerance": Comparator(CompareOptions("numeric", rtol=0.01, atol=0.01)),
}
LOOSE = ("numeric", "ellipsis", "structure", "tolerance")
EVERY = (*LOOSE, "exact")

#: (expected, printed, the modes that accept it as docs/comparison.md says): in every other
#: mode the pair fails, either way round.
PAIRS = [
    # What torch prints beside the values.
    ("tensor([1., 2.])", "tensor([1., 2.], dtype=torch.float64)", ()),
    ("tensor([1., 2.])", "tensor([1., 2.], device='cuda:0')", ()),
    ("tensor([1.], device='cuda:0')", "tensor([1.], device='cuda:1')", ()),
    ("tensor([1., 2.])", "tensor([1., 2.], requires_grad=True)", ()),
    ("tensor([2., 4.], grad_fn=<MulBackward0>)", "tensor([2., 4.])", ()),
    ("tensor([2.], grad_fn=<MulBackward0>)", "tensor([2.], grad_fn=<AddBackward0>)", ()),
    ("tensor([[1, 2]])", "tensor([1, 2])", ()),
    ("tensor([[1., 2.]])", "tensor([[1.],\n        [2.]])", ()),
    ("torch.Size([2, 3])", "torch.Size([3, 2])", ()),
    ("(2, 3)", "(3, 2)", ("structure",)),
    # Numbers of another kind or sign.
    # structure takes any finite value for any other, never nan or inf for another number
    ("tensor(nan)", "tensor(inf)", ()),
    ("tensor(inf)", "tensor(-inf)", ()),
    ("tensor(0.5)", "tensor(nan)", ()),
    ("1e-08", "1e+08", ("structure",)),
    ("tensor([1, 2])", "tensor([1., 2.])", ("structure",)),
    ("tensor([1, 2])", "tensor([0.5, 0.7])", ("structure",)),
    ("(1+2j)", "(1-2j)", ("structure",)),
    ("1j", "1", ()),
    ("1,000", "1,001", ("structure",)),
    ("100%", "50%", ("structure",)),
    ("0.25", "0.26", ("structure", "tolerance")),
    ("1e-08", "-1e-08", ("structure", "tolerance")),
    ("1e-400", "2e-400", ("structure", "tolerance")),
    ("True", "1", ()),
    ("False", "0", ()),
    ("None", "0", ()),
    # Numbers in names, versions and hex values are text.
    ("layer1", "layer2", ()),
    ("conv2d", "conv3d", ()),
    ("cuda:0", "cuda:1", ()),
    ("torch 2.1.0", "torch 2.10.0", ()),
    ("2.1.0+cu118", "2.1.0+cu121", ()),
    ("0x3f800000", "0x3f800001", ()),
    # Lines.
    ("a\nb\nc", "a\nc", ()),
    ("a\nb", "a\nb\nc", ()),
    ("a\nb\nc", "a\nc\nb", ()),
    ("a\nb", "a b", ()),
    ("sad :(\nok", "sad :( ok", ()),
    ("loss 0.25", "loss 0.25 (best)", ()),
    ("done", "done.", ()),
    ("", "x", ()),
    ("x", "", ()),
    # Exceptions.
    ("ValueError: bad value", "TypeError: bad value", ()),
    ("ValueError: bad value", "ValueError: bad values", ()),
    # Characters that look alike.
    ("损失：0.25", "损失:0.25", ()),
    ("（1，2）", "(1,2)", ()),
    ("a\u200bb", "ab", ()),
    ("scale", "s\u0441ale", ()),
    ("\u00e9", "e\u0301", ()),
    ("a\u00a0b", "a b", ()),
    ("Loading...", "Loading\u2026", ("ellipsis",)),
    ("tensor([0, 1, 2,  ..., 7, 8, 9])", "tensor([0, 1, 2, 3, 7, 8, 9])", ("ellipsis",)),
    ("<Foo object at 0x7f3a2c1b5e50>", "<Bar object at 0x7f3a2c1b5e50>", ()),
    ("\x1b[31mERROR\x1b[0m", "WARNING", ()),
    ("10%\r100%", "10%", ("structure",)),
    # What the docs say looks different only.
    ("-0.", "0.", LOOSE),
    ("nan", "-nan", LOOSE),
    ("", "   \n\n", EVERY),
    ("x", "   x", LOOSE),
    ("a  b", "a\tb", LOOSE),
    ("tensor([1, 2])", "tensor([1,\n        2])", LOOSE),
    ("5", "+5", LOOSE),
    ("5", "05", LOOSE),
    ("0.5", ".5", LOOSE),
    ("1e2", "100.", LOOSE),
    ("1,000", "1000", LOOSE),
    ("0.33", "0.3333", LOOSE),
    ("1.0", "1.04", LOOSE),
    ("<Foo object at 0x7f3a2c1b5e50>", "<Foo object at 0x55d0c0ffee00>", EVERY),
    ("data at 0x55d0c0ffee00", "data at 0x7f3a2c1b5e50", EVERY),
    ("<Foo at 0x10>", "<Foo at 0x20>", EVERY),
    # A short hex value outside a repr is no address: an offset, a register, a byte.
    ("found at 0x10", "found at 0x20", ()),
    ("byte 3 at 0x1f, byte 4 at 0x20", "byte 3 at 0x1f, byte 4 at 0x21", ()),
    ("at 0x7f...", "at 0x10", ("ellipsis",)),
    ("<Foo at 0x7f3a2c1b5e50>", "<Foo object at 0x7f3a2c1b5e50>", EVERY),
    ("10%\r100%", "100%", EVERY),
    ("\x1b[31mERROR\x1b[0m", "ERROR", EVERY),
    ("abc\b\bX", "aXc", EVERY),
    ("Model() <class ...Model'>", "Model() <class '__main__.Model'>", ("ellipsis",)),
    ("a ... b", "a x y b", ("ellipsis",)),
    ("...", "", ("ellipsis",)),
    ("conv...", "conv1", ("ellipsis",)),
    ("loss 1.5...", "loss 1.5e+10", ("ellipsis",)),
    ("tensor([0.1, 0.2])", "tensor([-3.5, 7.1])", ("structure",)),
]


@pytest.mark.parametrize(("expected", "actual", "accepted_by"), PAIRS)
def test_a_pair_matches_only_where_the_docs_say(
    expected: str, actual: str, accepted_by: tuple[str, ...]
) -> None:
    for mode, comparator in MODES.items():
        result = comparator.compare(expected, actual)
        if mode in accepted_by:
            assert result.matched, mode
        else:
            assert not result.matched, mode
            assert not comparator.compare(actual, expected).matched, mode
            assert result.drift in ("text", "value", "format"), mode


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


def test_neighbouring_floats_differ_as_written() -> None:
    result = NUMERIC.compare("0.1 + 0.2 = 0.30000000000000004", "0.1 + 0.2 = 0.3")
    assert (result.matched, result.drift) == (False, "format")
    assert [number.describe() for number in result.numbers] == [
        "expected 0.30000000000000004, got 0.3: printed with fewer digits than the note wrote,"
        " so it cannot show the same value"
    ]
    result = NUMERIC.compare("1.0000000000000002", "1.0000000000000004")
    assert (result.matched, result.drift) == (False, "value")
    assert [number.describe() for number in result.numbers] == [
        "expected 1.0000000000000002, got 1.0000000000000004 (differs by 2e-16; tolerance 5e-17)"
    ]
    # Written with fewer digits, the note means to be less exact.
    assert NUMERIC.compare("0.3", "0.30000000000000004").matched


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


# -- properties -----------------------------------------------------------------------------

#: Pieces of printed output: torch's text, names with digits, numbers, CJK, punctuation.
FRAGMENT = st.sampled_from(
    [
        "tensor([",
        "])",
        "1.5000",
        "-0.2500",
        "3",
        "10",
        "1e-08",
        "1.2346e+03",
        "nan",
        "-inf",
        "(1+2j)",
        "15,771",
        "95.5%",
        "torch.Size([2, 3])",
        "dtype=torch.float16",
        "device='cuda:0'",
        "requires_grad=True",
        "grad_fn=<MulBackward0>",
        "layer1",
        "conv2d",
        "torch 2.1.0",
        "2026-11-29",
        "12:30",
        "0x3f",
        "共15个",
        "损失：0.25",
        "epoch 1:",
        "True",
        "None",
        "{'a': 1}",
        "ValueError: bad value",
        "Linear(in_features=4, out_features=2, bias=True)",
        "4.",
        ".5",
        "a-1",
        "#3",
    ]
)
SEPARATOR = st.sampled_from(["", " ", "  ", ", ", "\n", "\n\n", " = "])
#: What a character is replaced with: letters, digits, punctuation, full-width forms,
#: lookalikes and invisible characters (not the ones that move a terminal's cursor).
REPLACEMENT = st.sampled_from([*"aZ_09.,:;-+()[]{}<>=/%#'\"!j", "：", "，", "个", "а", "\u200b"])


def _outputs() -> st.SearchStrategy[str]:
    return st.lists(st.tuples(FRAGMENT, SEPARATOR), min_size=1, max_size=8).map(
        lambda pieces: "".join(fragment + separator for fragment, separator in pieces)
    )


def _in_numbers(text: str) -> set[int]:
    """The positions of ``text`` inside a token compared as a number."""
    inside: set[int] = set()
    for match in TOKEN.finditer(text):
        if match.lastgroup in ("number", "complex", "special"):
            inside.update(range(match.start(), match.end()))
    return inside


@given(_outputs(), st.data())
def test_a_changed_character_outside_numbers_never_matches(text: str, data: st.DataObject) -> None:
    numbers = _in_numbers(text)
    positions = [i for i, char in enumerate(text) if not char.isspace() and i not in numbers]
    assume(positions)
    position = data.draw(st.sampled_from(positions))
    new = data.draw(REPLACEMENT.filter(lambda char: char != text[position]))
    changed = text[:position] + new + text[position + 1 :]
    assume(not any(MEMORY_ADDRESS.search(t) for t in (text, changed)))
    for mode, comparator in MODES.items():
        if mode == "ellipsis" and "..." in text + changed:
            continue
        assert not comparator.compare(text, changed).matched, (mode, text[position], new)
        assert not comparator.compare(changed, text).matched, (mode, new, text[position])


@given(
    st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=6),
    st.lists(st.integers(1, 64), min_size=1, max_size=4),
    st.data(),
    st.floats(0, 1e6),
    st.floats(0, 1e6),
)
def test_a_tolerance_never_hides_a_changed_integer_or_shape(
    values: list[int], shape: list[int], data: st.DataObject, rtol: float, atol: float
) -> None:
    tolerant = Comparator(CompareOptions("numeric", rtol=rtol, atol=atol))

    def printed(values: list[int], shape: list[int]) -> str:
        return f"tensor({values}) torch.Size({shape})"

    which = data.draw(st.sampled_from(["value", "dimension"]))
    changed_values, changed_shape = list(values), list(shape)
    if which == "value":
        index = data.draw(st.integers(0, len(values) - 1))
        changed_values[index] += data.draw(st.sampled_from([-1, 1, 10, 10**6]))
    else:
        index = data.draw(st.integers(0, len(shape) - 1))
        changed_shape[index] += 1
    expected, actual = printed(values, shape), printed(changed_values, changed_shape)
    assert not tolerant.compare(expected, actual).matched
    assert not tolerant.compare(actual, expected).matched
    if which == "dimension":
        assert not MODES["structure"].compare(expected, actual).matched


@given(
    st.integers(1, 9),
    st.text(alphabet="0123456789", max_size=4),
    st.integers(1, 40),
    st.floats(0, 0.5),
    st.floats(0, 1),
)
def test_a_tolerance_never_hides_a_changed_exponent_sign(
    lead: int, fraction: str, exponent: int, rtol: float, atol: float
) -> None:
    tolerant = Comparator(CompareOptions("numeric", rtol=rtol, atol=atol))
    mantissa = f"{lead}.{fraction}" if fraction else str(lead)
    big, small = f"{mantissa}e+{exponent:02d}", f"{mantissa}e-{exponent:02d}"
    for expected, actual in ((big, small), (small, big)):
        result = tolerant.compare(f"tensor([{expected}])", f"tensor([{actual}])")
        assert (result.matched, result.drift) == (False, "value")
        assert f"expected {expected}, got {actual}" in result.numbers[0].describe()


#: Lines of output with no brackets, where every line break counts; each has words of its
#: own, as ``structure`` compares no numbers.
LINE = st.sampled_from(
    ["epoch 1: loss 0.25", "step 2: lr 0.20", "done", "共15个", "accuracy 95.5%", "x = 3", "ok"]
)


@given(st.lists(LINE, min_size=2, max_size=6, unique=True), st.data())
def test_a_line_dropped_added_moved_or_joined_never_matches(
    lines: list[str], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(lines) - 1))
    other = data.draw(st.integers(0, len(lines) - 1).filter(lambda i: i != index))
    moved = list(lines)
    moved.insert(other, moved.pop(index))
    edits = [
        lines[:index] + lines[index + 1 :],
        [*lines[: index + 1], lines[index], *lines[index + 1 :]],
        moved,
        [*lines[:-2], f"{lines[-2]} {lines[-1]}"],
        [*lines[:-1], f"{lines[-1]} extra"],
        [*lines, "ok 1"],
    ]
    expected = "\n".join(lines)
    for edit in edits:
        actual = "\n".join(edit)
        for mode, comparator in MODES.items():
            assert not comparator.compare(expected, actual).matched, (mode, actual)
            assert not comparator.compare(actual, expected).matched, (mode, actual)


@pytest.mark.parametrize(
    ("expected", "actual", "named"),
    [
        ("torch.float16", "torch.float32", "expected 'float16', got 'float32'"),
        (
            "tensor([1., 2.])",
            "tensor([1., 2.], dtype=torch.float64)",
            "printed ', dtype=torch.float64' where the note has nothing",
        ),
        ("a\nb\nc", "a\nc", "expected 'b\\n', printed nothing there"),
        ("损失：0.25", "损失:0.25", "expected '：0.25', got ':0.25'"),
        ("a\u200bb", "ab", "expected 'a\\u200bb', got 'ab'"),
        ("x", "", "expected 'x', printed nothing there"),
        ("tensor([1, 2]) layer1", "tensor([1, 3]) layer2", "expected 'layer1', got 'layer2'"),
    ],
)
def test_a_text_difference_is_named(expected: str, actual: str, named: str) -> None:
    for comparator in (NUMERIC, MODES["exact"]):
        result = comparator.compare(expected, actual)
        assert result.text is not None
        assert result.text.describe() == named


def test_structure_names_the_text_that_differs() -> None:
    result = MODES["structure"].compare("tensor([0.5], dtype=torch.float16)", "tensor([0.7])")
    assert result.text is not None
    assert result.text.describe() == "expected ', dtype=torch.float16', printed nothing there"


def test_a_number_that_moved_is_no_text_difference() -> None:
    result = NUMERIC.compare("tensor([1, 2])", "tensor([1, 3])")
    assert result.text is None
    assert [number.describe() for number in result.numbers] == [
        "expected 2, got 3 (differs by 1; tolerance 0)"
    ]


def test_a_long_text_difference_is_cut() -> None:
    result = NUMERIC.compare("x", "y" * 200)
    assert result.text is not None
    assert result.text.actual == "y" * 59 + "…"


def _written(value: float, style: str) -> str:
    """``value`` as a program prints it: ``repr``, fixed or scientific at some precision."""
    if style == "repr":
        return repr(value)
    kind, digits = style[0], int(style[1:])
    return f"{value:.{digits}{kind}}"


STYLES = st.sampled_from(["repr", *(f"f{p}" for p in range(1, 18)), *(f"e{p}" for p in range(18))])
VALUES = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e30, max_value=1e30)


@given(VALUES, STYLES, STYLES, st.data())
def test_floats_match_exactly_when_they_agree_to_the_digits_the_note_wrote(
    first: float, first_style: str, second_style: str, data: st.DataObject
) -> None:
    nearby = st.sampled_from(
        [
            first,
            math.nextafter(first, math.inf),
            math.nextafter(first, -math.inf),
            first * (1 + 1e-7),
            first + 1e-4,
            -first,
        ]
    )
    second = data.draw(st.one_of(nearby, VALUES))
    expected, printed = _written(first, first_style), _written(second, second_style)
    mantissa, _, exponent = expected.partition("e")
    unit = Decimal(1).scaleb(int(exponent or 0) - len(mantissa.partition(".")[2]))
    agrees = abs(Decimal(printed) - Decimal(expected)) <= unit / 2
    assert NUMERIC.compare(expected, printed).matched is agrees, (expected, printed)


@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
        ).filter(lambda char: not char.isspace() or char == " ")
        | st.sampled_from(["\n", "\t"]),
        max_size=80,
    )
)
def test_normalisation_drops_only_trailing_blanks_and_blank_edge_lines(text: str) -> None:
    assume("0x" not in text and " at " not in text)
    lines = [line.rstrip(" \t") for line in text.split("\n")]
    while lines and not lines[0].strip(" \t"):
        lines.pop(0)
    while lines and not lines[-1].strip(" \t"):
        lines.pop()
    for comparator in MODES.values():
        assert comparator.prepare(text) == "\n".join(lines)


@given(
    st.integers(0, 0xFFFFFFF),
    st.integers(0, 0xFFFFFFF),
    st.sampled_from(["found at 0x{}", "offset at 0x{} (page 2)", "value at 0x{}: 7"]),
)
def test_a_short_hex_value_after_at_is_compared(first: int, second: int, layout: str) -> None:
    """Fewer than 8 hex digits, outside a repr: text, as in output about offsets."""
    assume(first != second)
    expected, printed = layout.format(f"{first:x}"), layout.format(f"{second:x}")
    for mode, comparator in MODES.items():
        assert not comparator.compare(expected, printed).matched, mode


@given(
    st.integers(0x10000000, 0xFFFFFFFFFFFFFFFF),
    st.integers(0x10000000, 0xFFFFFFFFFFFFFFFF),
    st.sampled_from(["data at 0x{}", "<Foo object at 0x{}>", "<function f at 0x{}>"]),
)
def test_an_address_after_at_is_masked(first: int, second: int, layout: str) -> None:
    """A pointer (8 hex digits or more), or the address at the end of a repr, differs on
    every run: it matches any other in every mode."""
    expected, printed = layout.format(f"{first:x}"), layout.format(f"{second:X}")
    for mode, comparator in MODES.items():
        assert comparator.compare(expected, printed).matched, mode
