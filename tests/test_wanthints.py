"""The hint a failing >>> example gives: the directive under which it passes."""

from __future__ import annotations

import doctest

import pytest

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.run.errors import ErrorInfo
from pytest_torchnotes.run.execute import Execution
from pytest_torchnotes.run.wanthints import RANDOM_CALL, directive_hint, random_hint
from tests.conftest import WriteNote

NUMERIC = CompareOptions()


def example(text: str) -> doctest.Example:
    (only,) = doctest.DocTestParser().get_examples(text)
    return only


@pytest.mark.parametrize(
    ("text", "stdout", "named"),
    [
        (">>> loss\ntensor(0.20...)\n", "tensor(0.2014)\n", "+ELLIPSIS"),
        (">>> print(s)\nfirst: 1\n  second: 2\n", "first: 1 second: 2\n", "+NORMALIZE_WHITESPACE"),
        (">>> print(s)\nfirst: ...\n  second: 2\n", "first: 1 second: 2\n", "+ELLIPSIS, +NORM"),
        (">>> loss\ntensor(0.20...)\n", "tensor(0.3014)\n", None),
        (">>> loss  # doctest: +ELLIPSIS\ntensor(0.20...)\n", "tensor(0.3014)\n", None),
    ],
)
def test_a_directive_is_named_only_where_the_example_passes_with_it(
    text: str, stdout: str, named: str | None
) -> None:
    hint = directive_hint(Comparator, example(text), Execution(stdout=stdout), NUMERIC)
    if named is None:
        assert hint is None
    else:
        assert hint is not None
        assert f"'# doctest: {named}" in hint


def test_an_exception_wrapped_on_two_lines_names_normalize_whitespace() -> None:
    text = ">>> f()\nTraceback (most recent call last):\nTypeError: no pair of\ninputs\n"
    raised = ErrorInfo("TypeError", frozenset({"TypeError"}), "no pair of inputs", "", 1)
    hint = directive_hint(Comparator, example(text), Execution(error=raised), NUMERIC)
    assert hint is not None
    assert "+NORMALIZE_WHITESPACE'" in hint


@pytest.mark.parametrize(
    ("code", "found"),
    [
        ("a = torch.randn(4)", "randn("),
        ("a = torch.empty(3).uniform_(0, 1)", "uniform_("),
        ("m = torch.distributions.Normal(0, 1)\nm.sample()", "sample("),
        ("idx = torch.randperm(4)", "randperm("),
        ("a = torch.arange(4)\nbrand(a)", None),
        ("a = torch.ones(4)", None),
        # a module whose parameters start random (torch.nn.Embedding's, Module.to's examples)
        ("embedding = nn.Embedding(10, 3)\nembedding(input)", "nn.Embedding("),
        ("linear = torch.nn.Linear(2, 2)\nlinear.weight", "nn.Linear("),
        ("rnn = nn.LSTMCell(10, 20)", "nn.LSTMCell("),
        ("m = nn.Conv2d(16, 33, 3)", "nn.Conv2d("),
        # modules with no random parameters
        ("m = nn.ReLU()\nm(x)", None),
        ("m = nn.Flatten()", None),
    ],
)
def test_random_calls(code: str, found: str | None) -> None:
    match = RANDOM_CALL.search(code)
    assert (match.group(0) if match else None) == found


def test_random_hint_only_for_output_that_differs() -> None:
    assert random_hint("torch.randn(2)", "tensor([1.])", "output differs") is not None
    assert random_hint("torch.randn(2)", "tensor([1.])", "the block raised X") is None


EMBEDDING = """\
```pycon
>>> import torch
>>> from torch import nn
>>> embedding = nn.Embedding(4, 2)
>>> embedding(torch.tensor([1])){directive}
tensor([[0.1000, 0.2000]], grad_fn=<EmbeddingBackward0>)
```
"""


def test_a_module_s_random_parameters_name_the_directive_that_leaves_them_uncompared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(EMBEDDING.format(directive=""))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*draws random numbers with nn.Embedding()*'# xdoctest: +IGNORE_WANT'*"]
    )
    write_note(EMBEDDING.format(directive="  # xdoctest: +IGNORE_WANT"))
    pytester.runpytest().assert_outcomes(passed=1)
