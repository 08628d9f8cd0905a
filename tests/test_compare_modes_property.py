"""The comparison, mode by mode, on what torch itself prints: a change that a mode does not
tolerate fails in that mode (a digit, a sign, a dtype, a shape, ``True``/``False``, a
``grad_fn``, ``requires_grad``, a device, a line, an invisible or full-width character, a
tail hidden behind ``...``), and what a mode tolerates (a tolerance the note sets, the
summary torch prints under ``compare ellipsis``) passes."""

from __future__ import annotations

import re

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions

MODES = ["numeric", "exact", "ellipsis", "structure"]
#: Modes that compare values: a changed digit fails in them.
VALUE_MODES = ["numeric", "exact", "ellipsis"]


def _matches(mode: str, expected: str, actual: str, **tolerance: float) -> bool:
    return Comparator(CompareOptions(mode, **tolerance)).compare(expected, actual).matched


@st.composite
def tensor_reprs(draw: st.DrawFn) -> str:
    """What ``print`` shows of a float tensor, as torch prints it (fixed or scientific)."""
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    scale = draw(st.sampled_from([1e-9, 1e-3, 1.0, 1e3, 1e9]))
    seed = draw(st.integers(0, 2**16))
    generator = torch.Generator().manual_seed(seed)
    values = torch.randn(shape, generator=generator, dtype=torch.float64) * scale
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    tensor = values.to(dtype)
    if draw(st.booleans()):
        tensor = tensor.requires_grad_(True) * 2
    return f"{tensor}\n{tensor.shape}"


#: Numbers as the comparison reads them: a digit of one of them is a digit of a value.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:e[-+]?\d+)?(?![\w])")


@settings(max_examples=60, deadline=None)
@given(tensor_reprs(), st.data())
def test_one_digit_changed_in_a_value_fails_where_values_are_compared(
    text: str, data: st.DataObject
) -> None:
    head = text.split("\n")[0] if "Size" in text.split("\n")[-1] else text
    digits = [
        match.start() + offset
        for match in NUMBER.finditer(head)
        for offset, char in enumerate(match.group())
        if char.isdigit()
    ]
    position = data.draw(st.sampled_from(digits))
    new = str((int(text[position]) + data.draw(st.integers(1, 9))) % 10)
    changed = text[:position] + new + text[position + 1 :]
    for mode in VALUE_MODES:
        assert not _matches(mode, text, changed), (mode, text, changed)


#: Changes no mode tolerates: ``(what, what it becomes)`` where the text holds ``what``.
CHANGES = [
    ("torch.float64", "torch.float32"),
    ("torch.Size([", "torch.Size([1, "),
    ("MulBackward0", "AddBackward0"),
    (", requires_grad=True", ""),
    ("tensor(", "Tensor("),
]


@settings(max_examples=40, deadline=None)
@given(tensor_reprs(), st.sampled_from(MODES))
def test_text_that_no_mode_tolerates_fails_in_every_mode(text: str, mode: str) -> None:
    for old, new in CHANGES:
        if old in text:
            assert not _matches(mode, text, text.replace(old, new, 1)), (mode, old)
    lines = text.split("\n")
    assert not _matches(mode, text, text + "\nextra line")
    assert not _matches(mode, text, "\n".join(lines[:-1]))  # the shape's line dropped
    assert not _matches(mode, text, "\n".join([lines[-1], *lines[:-1]]))  # moved first


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("True", "False"),
        ("tensor([True, False])", "tensor([False, False])"),
        ("tensor([1.], device='cuda:0')", "tensor([1.])"),
        ("tensor([1.], device='cuda:0')", "tensor([1.], device='cuda:1')"),
        ("tensor([1, 2, 3])", "tensor([1, 2, 3, 4])"),  # one more value
        ("输出：tensor([1.])", "输出:tensor([1.])"),  # full-width colon
        ("ｔｅｎｓｏｒ([1.])", "tensor([1.])"),  # full-width letters
        ("a b", "a\u00a0b"),  # NBSP
        ("ab", "a\u200bb"),  # zero-width space
        ("loss nan", "loss inf"),
        ("loss inf", "loss -inf"),
        ("a\nb", "b\na"),
    ],
)
def test_pairs_no_mode_tolerates(mode: str, expected: str, actual: str) -> None:
    assert not _matches(mode, expected, actual)


@pytest.mark.parametrize("mode", ["numeric", "exact", "structure"])
def test_dots_are_text_unless_ellipsis_is_on(mode: str) -> None:
    full = str(torch.arange(2000))
    summary = str(torch.arange(2000).tolist()[:3])[:-1] + ", ...]"
    assert not _matches(mode, "tensor([0, 1, 2, ...])", full)
    assert not _matches(mode, summary, str(torch.arange(2000).tolist()))
    assert not _matches(mode, "a\nb\n...", "a\nb\nc")


def test_a_torch_summary_matches_the_full_tensor_only_under_ellipsis() -> None:
    values = torch.arange(2000.0)
    summary = str(values)
    torch.set_printoptions(threshold=10**6)
    try:
        full = str(values)
    finally:
        torch.set_printoptions(profile="default")
    assert "..." in summary
    assert "..." not in full
    assert _matches("ellipsis", summary, full)
    for mode in ["numeric", "exact", "structure"]:
        assert not _matches(mode, summary, full)
    assert not _matches("ellipsis", full, summary)  # the values behind ... are missing


def test_a_trailing_ellipsis_does_not_hide_a_changed_head() -> None:
    assert not _matches("ellipsis", "a\nb\n...", "a\nc\nd")
    assert not _matches("ellipsis", "tensor([0, 1, ...])", "tensor([0, 2, 3])")


@pytest.mark.parametrize(
    ("expected", "actual", "tolerance", "matched"),
    [
        ("1.0e-8", "1.1e-8", {}, False),  # the note wrote two digits
        ("1.0e-8", "1.1e-8", {"rtol": 0.2}, True),
        ("1.0e-8", "1.1e-8", {"rtol": 0.05}, False),
        ("1.0e-8", "1.1e-8", {"atol": 1e-10}, False),
        ("1.0e-8", "1.1e-8", {"atol": 2e-9}, True),
        ("0", "1e-30", {}, False),
        ("0", "1e-30", {"rtol": 0.5}, False),  # relative to 0: nothing
        ("0", "1e-30", {"atol": 1e-3}, False),  # an integer stays exact
        ("0.", "1e-30", {"atol": 1e-3}, True),
        ("0.", "1e-30", {"rtol": 0.5}, False),
        ("inf", "1e308", {"rtol": 10.0}, False),
        ("1e308", "inf", {"rtol": 10.0}, False),
        ("inf", "1.7977e308", {"atol": 1e300}, False),
        ("nan", "0.", {"atol": 1e300}, False),
        ("3", "3.", {}, False),  # an integer is not a float
        ("3.", "3", {}, False),
        ("3", "4", {"rtol": 0.5}, False),  # integers stay exact under a tolerance
        ("(1+2j)", "(1+3j)", {}, False),
        ("(1.5+2.5j)", "(1.5-2.5j)", {}, False),
        ("1.5000+0.2500j", "1.5000+0.2600j", {"rtol": 0.01}, False),
        ("1.5000+0.2500j", "1.5000+0.2510j", {"rtol": 0.01}, True),
        ("tensor([1.0000e-05, 1.0000e+00])", "tensor([0.0000, 1.0000])", {}, False),
    ],
)
def test_numeric_tolerance(
    expected: str, actual: str, tolerance: dict[str, float], matched: bool
) -> None:
    assert _matches("numeric", expected, actual, **tolerance) is matched


def test_sci_mode_and_fixed_print_the_same_values() -> None:
    values = torch.tensor([0.25, 1.5, 1000.0])
    with _printoptions(sci_mode=True):
        scientific = str(values)
    with _printoptions(sci_mode=False):
        fixed = str(values)
    assert scientific != fixed
    assert _matches("numeric", scientific, fixed)
    assert not _matches("exact", scientific, fixed)
    assert not _matches("numeric", scientific, fixed.replace("1.5000", "1.5001"))


class _printoptions:
    def __init__(self, **options: bool) -> None:
        self.options = options

    def __enter__(self) -> None:
        torch.set_printoptions(**self.options)

    def __exit__(self, *exc: object) -> None:
        torch.set_printoptions(profile="default")


@pytest.mark.parametrize(
    ("expected", "actual", "matched"),
    [
        ("tensor([0.1, 0.2])", "tensor([nan, 0.7])", False),
        ("tensor([0.1, 0.2])", "tensor([inf, 0.7])", False),
        ("tensor([inf, 0.2])", "tensor([-inf, 0.7])", False),
        ("loss nan", "loss 0.25", False),
        ("loss nan", "loss -nan", True),
        ("tensor([inf, 0.2])", "tensor([inf, -5.5])", True),
        ("tensor([0.1, -0.2])", "tensor([-3.5, 7.25])", True),
    ],
)
def test_structure_tells_finite_values_from_nan_and_inf(
    expected: str, actual: str, matched: bool
) -> None:
    """Random weights print finite values: a ``nan`` or an ``inf`` where the note shows a
    number is what the block computes now, not its seed."""
    assert _matches("structure", expected, actual) is matched


def test_a_structure_block_that_prints_nan_fails(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".md",
        n=(
            "<!-- torchnotes: compare structure -->\n```python\nimport torch\n"
            "w = torch.randn(3)\nw[1] = float('nan')\nprint(w)\n\n=== output ===\n"
            "tensor([0.1, 0.2, 0.3])\n```\n"
        ),
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes", "n.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*block 1: value drift*", "+tensor(*nan*"])
