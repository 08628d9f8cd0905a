"""``compare structure``: numbers are not compared, everything else is."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions, parse_compare_spec

STRUCTURE = Comparator(CompareOptions("structure"))

finite = st.floats(-1e6, 1e6, allow_nan=False, width=32)


def test_the_mode_is_a_compare_spec() -> None:
    assert parse_compare_spec("structure") == CompareOptions("structure")


@given(
    st.lists(finite, min_size=1, max_size=12),
    st.lists(finite, min_size=1, max_size=12),
    st.integers(1, 3),
)
def test_tensors_of_the_same_shape_match_whatever_their_values(
    first: list[float], second: list[float], rows: int
) -> None:
    size = min(len(first), len(second)) // rows * rows or rows
    shape = (rows, size // rows)
    a = torch.tensor((first * size)[:size]).reshape(shape)
    b = torch.tensor((second * size)[:size]).reshape(shape)
    assert STRUCTURE.compare(f"{a}\n{a.shape}", f"{b}\n{b.shape}").matched


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("tensor([0.1, 0.2])", "tensor([-3.5, 7])"),
        ("loss 0.6931 after 12 steps", "loss 0.0012 after 3 steps"),
        ("took 1.2 s", "took 0.07 s"),
        ("torch.Size([2, 3]) torch.float32", "torch.Size([2, 3]) torch.float32"),
        ("tensor([1., 2.], device='cuda:0')", "tensor([5., 6.], device='cuda:0')"),
    ],
)
def test_numbers_are_not_compared(expected: str, actual: str) -> None:
    assert STRUCTURE.compare(expected, actual).matched


@pytest.mark.parametrize(
    ("expected", "actual", "what"),
    [
        ("tensor([0.1, 0.2])", "tensor([0.1, 0.2, 0.3])", "layout"),
        ("torch.Size([2, 3])", "torch.Size([3, 2])", "shape"),
        ("x.shape=(2, 3)", "x.shape=(2, 4)", "shape"),
        ("stride=(3, 1)", "stride=(1, 3)", "stride"),
        ("tensor([1.], dtype=torch.float64)", "tensor([1.], dtype=torch.float16)", "dtype"),
        ("tensor([1.], device='cuda:0')", "tensor([1.], device='cuda:1')", "device"),
        ("tensor([1.], device='cuda:0')", "tensor([1.])", "device"),
        ("the coin says heads", "the coin says tails", "text"),
        ("tensor([[1.]])", "tensor([1.])", "brackets"),
    ],
)
def test_everything_else_is(expected: str, actual: str, what: str) -> None:
    comparison = STRUCTURE.compare(expected, actual)
    assert not comparison.matched, what
    assert comparison.drift == "text"


def test_in_a_note(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    (pytester.path / "notes").mkdir()
    (pytester.path / "notes" / "random.md").write_text(
        "<!-- torchnotes: compare structure; random initial weights -->\n"
        "```python\nimport torch\nw = torch.randn(2, 3)\nprint(w, w.shape)\n```\n"
        "```output\ntensor([[ 9.9,  9.9,  9.9],\n        [ 9.9,  9.9,  9.9]]) "
        "torch.Size([2, 3])\n```\n"
        "<!-- torchnotes: compare structure -->\n"
        "```python\nprint(torch.randn(3, 2).shape)\n```\n"
        "```output\ntorch.Size([2, 3])\n```\n",
        encoding="utf-8",
    )
    result = pytester.runpytest("-p", "no:randomly", "-v")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*VERIFIED block 1, line 2*",
            "*FAILED block 2, line 12*",
            "*random.md:12: block 2: text drift*",
        ]
    )
