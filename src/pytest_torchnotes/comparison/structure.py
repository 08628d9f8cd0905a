"""``compare structure``: the layout of the output, not its values.

Any finite number matches any finite number, but those of a shape or a device index, which
must be equal. ``nan`` and ``inf`` are no value that random weights print: a loss that became
``nan``, or a value that overflowed, is a change of what the block computes, not of its seed,
so they match only themselves (``inf`` of the same sign).
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.comparison.findings import MATCH, Comparison
from pytest_torchnotes.comparison.tokens import CLOSING, OPENING, Token

#: Words after which the numbers in brackets are a shape, compared even by ``structure``:
#: ``torch.Size([2, 3])``, ``shape=(2, 3)``, ``stride=(3, 1)``.
SHAPE_WORDS = frozenset({"Size", "shape", "size", "stride"})

#: Words after which ``:N`` is a device index: ``device='cuda:0'``.
DEVICE_WORDS = frozenset({"cuda", "mps", "xpu", "npu", "hpu"})


def structural_numbers(tokens: Sequence[Token]) -> list[bool]:
    """For each token, whether it is a number that ``structure`` still compares: a shape
    or a device index.

    >>> from pytest_torchnotes.comparison.tokens import tokenize
    >>> tokens = tokenize("torch.Size([2, 3]) tensor([0.5])")
    >>> [t.text for t, kept in zip(tokens, structural_numbers(tokens)) if kept]
    ['2', '3']
    """
    kept = [False] * len(tokens)
    depth_of_shape: int | None = None
    depth = 0
    previous: list[Token] = []
    for position, token in enumerate(tokens):
        if token.text in OPENING:
            depth += 1
            words = [t for t in previous[-2:] if t.kind == "word"]
            if depth_of_shape is None and any(t.text in SHAPE_WORDS for t in words):
                depth_of_shape = depth
        elif token.text in CLOSING:
            if depth_of_shape == depth:
                depth_of_shape = None
            depth = max(depth - 1, 0)
        elif token.kind == "number":
            device = (
                len(previous) >= 2
                and previous[-1].text == ":"
                and previous[-2].text in DEVICE_WORDS
            )
            kept[position] = depth_of_shape is not None or device
        previous.append(token)
    return kept


def structure_match(expected: list[Token], actual: list[Token]) -> Comparison:
    """``compare structure``: the same tokens in the same order, where any number matches
    any number (integer or float) but those of a shape or a device index, which must be
    equal. For output of random tensors: the values change, the layout does not.

    >>> from pytest_torchnotes.comparison.tokens import tokenize
    >>> structure_match(tokenize("tensor([0.1, 2])"), tokenize("tensor([-5.5, 7.25])")).matched
    True
    >>> structure_match(tokenize("torch.Size([2, 3])"), tokenize("torch.Size([2, 4])")).drift
    'text'
    >>> structure_match(tokenize("loss 0.25"), tokenize("loss nan")).matched
    False
    """
    if len(expected) != len(actual):
        return Comparison(False, "text")
    kept = structural_numbers(expected)
    for want, got, compared in zip(expected, actual, kept, strict=True):
        if want.kind == "number" and got.kind == "number" and not compared:
            if non_finite(want.text) != non_finite(got.text):
                return Comparison(False, "value")
            continue
        if want.kind != got.kind or want.text != got.text:
            return Comparison(False, "text")
    return MATCH


def non_finite(number: str) -> str | None:
    """``nan``, ``inf`` or ``-inf`` for a number token that is one (``-nan`` is ``nan``, as
    torch prints either), ``None`` for a finite number.

    >>> [non_finite(text) for text in ("nan", "-nan", "+inf", "-inf", "1.5", "-0.")]
    ['nan', 'nan', 'inf', '-inf', None, None]
    """
    text = number.lower().lstrip("+")
    if text.endswith("nan"):
        return "nan"
    if text.endswith("inf"):
        return text
    return None
