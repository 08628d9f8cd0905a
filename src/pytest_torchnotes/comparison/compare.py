"""Torch-aware comparison of expected and printed output: the :class:`Comparator` and its options.

Both texts are normalised the same way (:mod:`.normalize`), then split into tokens
(:mod:`.tokens`): numbers, words, punctuation, ``...`` and the line breaks that matter.
Numbers match when they agree to the precision printed (:mod:`.numbers`); integers, words
(dtypes, ``grad_fn`` names, ``requires_grad``) and punctuation must be equal. The
``ellipsis`` and ``structure`` modes are :mod:`.ellipsis` and :mod:`.structure`; what a
comparison finds is a :class:`~.findings.Comparison`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pytest_torchnotes import defaults
from pytest_torchnotes.comparison.ellipsis import doctest_ellipsis, ellipsis_match
from pytest_torchnotes.comparison.findings import MATCH, Comparison, NumberDifference
from pytest_torchnotes.comparison.normalize import (
    BASE_STEPS,
    Step,
    collapse_spaces,
    normalize,
    strip_blank_edges,
    strip_trailing_whitespace,
)
from pytest_torchnotes.comparison.numbers import number_difference
from pytest_torchnotes.comparison.structure import structure_match
from pytest_torchnotes.comparison.textdiff import first_text_difference
from pytest_torchnotes.comparison.tokens import Token, tokenize

#: Comparison modes, in the order the docs present them.
MODES = ("numeric", "exact", "ellipsis", "structure", "ignore")


class CompareSpecError(ValueError):
    """A ``compare`` spec (directive, front matter or ini) that cannot be parsed."""


@dataclass(frozen=True)
class CompareOptions:
    """How a block's output is compared."""

    mode: str = defaults.COMPARE
    rtol: float = 0.0
    atol: float = 0.0


def parse_compare_spec(text: str) -> CompareOptions:
    """Parse ``MODE [rtol=X] [atol=Y]``.

    >>> parse_compare_spec("numeric rtol=1e-3")
    CompareOptions(mode='numeric', rtol=0.001, atol=0.0)
    """
    words = text.split()
    if not words:
        raise CompareSpecError(f"expected one of {', '.join(MODES)}")
    mode, *settings = words
    if mode not in MODES:
        raise CompareSpecError(f"unknown mode {mode!r}: expected one of {', '.join(MODES)}")
    tolerances = {"rtol": 0.0, "atol": 0.0}
    for setting in settings:
        key, equals, value = setting.partition("=")
        if not equals or key not in tolerances:
            raise CompareSpecError(f"{setting!r}: expected rtol=NUMBER or atol=NUMBER")
        try:
            number = float(value)
        except ValueError:
            raise CompareSpecError(f"{setting!r}: {value!r} is not a number") from None
        if not number >= 0 or math.isinf(number):
            raise CompareSpecError(f"{setting!r}: a tolerance is a finite number >= 0")
        tolerances[key] = number
    return CompareOptions(mode, tolerances["rtol"], tolerances["atol"])


def printed_as_written(expected: str, actual: str) -> bool:
    """Whether ``actual`` is ``expected`` as written, or that and the newline ``print`` ends
    with: both then normalise alike, told without normalising either (most passing blocks
    print their note's text so). The same text goes through the same pure steps; and every
    comparator runs :data:`BASE_STEPS` first, after which a last newline is gone (a blank
    last line, or one ``\\r\\n`` with the carriage returns before it).

    >>> printed_as_written("tensor([1])", "tensor([1])\\n"), printed_as_written("1", "1\\n\\n")
    (True, False)
    """
    length = len(expected)
    if len(actual) == length + 1:
        return actual[length] == "\n" and actual.startswith(expected)
    return actual == expected


class Comparator:
    """Compare texts under one :class:`CompareOptions` and a list of sanitizers."""

    def __init__(self, options: CompareOptions, sanitizers: Sequence[Step] = ()) -> None:
        self.options = options
        self.sanitizers = tuple(sanitizers)
        if sanitizers:
            self.steps: tuple[Step, ...] = (
                *BASE_STEPS,
                *sanitizers,
                strip_trailing_whitespace,
                strip_blank_edges,
            )
        else:
            self.steps = BASE_STEPS

    def prepare(self, text: str) -> str:
        """Normalise ``text`` as this comparator sees it."""
        return normalize(text, self.steps)

    def compare(self, expected: str, actual: str) -> Comparison:
        """Compare two raw texts."""
        mode = self.options.mode
        if mode == "ignore" or printed_as_written(expected, actual):
            return MATCH
        want = self.prepare(expected)
        got = self.prepare(actual)
        if want == got:
            return MATCH
        if mode == "structure":
            wanted, printed = tokenize(want), tokenize(got)
            result = structure_match(wanted, printed)
            if result.matched:
                return result
            return replace(result, text=first_text_difference(want, got, wanted, printed))
        if mode == "exact":
            numeric = self._tokens_match(want, got, ellipsis=False)
            if numeric.matched:
                return Comparison(False, "format")
            return numeric
        result = self._tokens_match(want, got, ellipsis=mode == "ellipsis")
        if result.matched:
            return Comparison(True, "format", elided=result.elided)
        return result

    def _tokens_match(self, want: str, got: str, *, ellipsis: bool) -> Comparison:
        if collapse_spaces(want) == collapse_spaces(got):
            return Comparison(True, "format")
        expected = tokenize(want)
        actual = tokenize(got)
        if ellipsis and any(token.kind == "ellipsis" for token in expected):
            aligned = self._aligned(expected, actual, want, got)
            if aligned.matched:  # the block printed each ``...`` too: nothing was elided
                return aligned
            result = ellipsis_match(expected, actual, self.options)
            if not result.matched and doctest_ellipsis(collapse_spaces(want), collapse_spaces(got)):
                return Comparison(True, "format", elided=True)
            return result
        return self._aligned(expected, actual, want, got)

    def _aligned(
        self, expected: list[Token], actual: list[Token], wanted: str, printed: str
    ) -> Comparison:
        if len(expected) != len(actual):
            text = first_text_difference(wanted, printed, expected, actual)
            return Comparison(False, "text", text=text)
        differences: list[NumberDifference] = []
        text_differs = False
        for want, got in zip(expected, actual, strict=True):
            if want.kind == "number" and got.kind == "number":
                difference = number_difference(want, got, self.options)
                if difference is not None:
                    differences.append(difference)
            elif want.kind != got.kind or want.text != got.text:
                text_differs = True
        if text_differs:
            text = first_text_difference(wanted, printed, expected, actual)
            return Comparison(False, "text", tuple(differences), text)
        if differences:
            # Numbers printed with fewer digits, and no other change: the format drifted.
            drift = "format" if all(number.fewer_digits for number in differences) else "value"
            return Comparison(False, drift, tuple(differences))
        return Comparison(True, "format")
