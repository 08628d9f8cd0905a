"""Another language, or a function's signature, in a fence tagged Python: the tag that says
what it holds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.otherlanguages import (
    other_language,
    signature_hint,
    signature_parameters,
)
from tests.conftest import WriteNote

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


@pytest.mark.parametrize(
    ("code", "parameters"),
    [
        ("torch.rand(*size, out=None, dtype=None, layout=torch.strided)", {"size"}),
        ("torch.zeros(*size, requires_grad=False)", {"size"}),
        (
            "nn.Linear(in_features, out_features, bias=True, device=None)",
            {"in_features", "out_features"},
        ),
        (
            "import torch.nn.functional as F\n"
            "F.pad(input, pad, mode='constant', value=None)\nF.relu(input, out=None)",
            {"input", "pad"},
        ),
    ],
)
def test_a_signature_written_as_a_call_names_its_parameters(
    code: str, parameters: set[str]
) -> None:
    assert signature_parameters(code) == parameters
    name = sorted(parameters)[0]
    hint = signature_hint(code, name)
    assert hint is not None
    assert hint.startswith("it reads as a function's signature (")
    assert f"{name!r} is one of its parameters; tag the fence ```text instead" in hint


@pytest.mark.parametrize(
    "code",
    [
        "print(x, end='')",  # a call with a keyword that is no None default
        "model.fit(X, y, epochs=10)",
        "f(x)",
        "y = torch.rand(*size, out=None)",  # an assignment: code
        "torch.rand(2, 3, out=None)",  # numbers: arguments, not parameters
        "torch.rand(*size, out=None)\nx = 1",
        "import torch",
        "torch.rand(*size, dtype=get_dtype())",
    ],
)
def test_calls_and_code_are_no_signatures_written_as_calls(code: str) -> None:
    assert signature_parameters(code) == frozenset()


@given(
    parameters=st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=4),
    default=st.sampled_from(["None", "False", "1", "-1", "torch.strided", "'mean'"]),
)
def test_a_name_outside_the_parameters_gets_no_signature_hint(
    parameters: list[str], default: str
) -> None:
    rest = "".join(f"{name}, " for name in parameters[1:])
    code = f"torch.f(*{parameters[0]}, {rest}out={default})"
    assert signature_hint(code, "torch") is None
    assert signature_hint(code, parameters[0]) is not None


def test_the_failure_and_triage_name_a_signature_written_as_a_call(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nimport torch\ntorch.rand(*size, out=None, dtype=None)\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*it reads as a function's signature ('torch.rand(*size, out=None, dtype=None)'), "
            "not code: 'size' is one of its parameters; tag the fence ```text instead, or mark "
            "it <!-- torchnotes: skip a function's signature, not code -->"
        ]
    )
