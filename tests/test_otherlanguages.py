"""Another language, or a function's signature, in a fence tagged Python: the tag that says
what it holds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.otherlanguages import other_language

TEXT_TAG = ": tag the fence ```text instead"


@pytest.mark.parametrize(
    "code",
    [
        "add(input, other, *, alpha=1, out=None) -> Tensor",
        "ones(*size, *, out=None, dtype=None, layout=torch.strided) -> Tensor",
        "torch.nn.init.xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor",
        "max(input) -> Tensor\nmax(input, dim, keepdim=False, *, out=None) -> (Tensor, LongTensor)",
        "  sum(input, *, dtype=None) -> Tensor  \n\n",
        "where(condition, input, other, *, out=None)",
    ],
)
def test_a_signature_is_named_with_the_text_tag(code: str) -> None:
    said = other_language(code)
    assert said is not None
    assert said.startswith("it reads as a function's signature (")
    assert said.endswith(TEXT_TAG)


@pytest.mark.parametrize(
    "code",
    [
        "print(x)",
        "torch.manual_seed(0)\nprint(torch.rand(2))",
        "add(input, other) -> Tensor\nx = 1",  # code beside it: a broken block, not a signature
        "x = f(1) -> 2",
        "",
    ],
)
def test_calls_and_code_are_not_signatures(code: str) -> None:
    assert other_language(code) is None


@given(
    st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
    st.lists(st.from_regex(r"[a-z]{1,5}(=[0-9])?", fullmatch=True), max_size=4),
    st.sampled_from(["Tensor", "(Tensor, Tensor)", "None"]),
)
def test_any_name_and_parameters_with_what_it_returns(
    name: str, parameters: list[str], returns: str
) -> None:
    """A name, its parameters and ``-> T`` never compile, so they always read as a signature."""
    code = f"{name}({', '.join(parameters)}) -> {returns}"
    said = other_language(code)
    assert said is not None
    assert said.endswith(TEXT_TAG)
