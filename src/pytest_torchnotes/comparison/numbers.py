"""Numbers compared to the precision the note wrote: the expected side sets the tolerance.

Half a unit in the last digit the note wrote, or the ``rtol`` / ``atol`` of the block's
compare settings when they are larger: an expected ``0.3333`` matches a printed
``0.33333334`` and ``4.0000`` matches ``4.``, while ``0.3333`` does not match ``0.3433``.
Output printed less precisely than the note wrote it is not rounded to meet it: an expected
``0.45`` does not match a printed ``0.5``, nor ``0.33333334`` a printed ``0.3333``, as the
printed text cannot tell that its value is the one the note holds. Integers must be equal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_torchnotes.comparison.findings import NumberDifference
from pytest_torchnotes.comparison.tokens import Token

if TYPE_CHECKING:
    from pytest_torchnotes.comparison.compare import CompareOptions

#: Slack added to tolerances so that a difference of exactly half a unit passes despite
#: binary floating point: relative to the tolerance and to the size of the numbers.
EPSILON = 1e-9
MAGNITUDE_EPSILON = 1e-12


@dataclass(frozen=True, slots=True)
class Number:
    """A number token with what its text says about its precision."""

    value: float | int
    is_integer: bool
    #: One unit in the last printed digit; 0 for torch's ``4.`` which means exactly 4.
    unit: float

    @classmethod
    def parse(cls, text: str) -> Number:
        """
        >>> Number.parse("0.3333").unit
        0.0001
        >>> Number.parse("4.").unit
        0.0
        >>> Number.parse("1.2346e+03").unit
        0.1
        """
        lowered = text.lower().replace(",", "")
        if lowered.lstrip("+-") in ("inf", "nan"):
            return cls(float(lowered), False, 0.0)
        mantissa, _, exponent = lowered.partition("e")
        if "." not in mantissa and not exponent:
            return cls(int(mantissa), True, 0.0)
        _, dot, fraction = mantissa.partition(".")
        if dot and not fraction and not exponent:
            return cls(float(mantissa), False, 0.0)
        power = int(exponent) if exponent else 0
        return cls(float(lowered), False, 10.0 ** (power - len(fraction)))


def number_difference(want: Token, got: Token, options: CompareOptions) -> NumberDifference | None:
    """How two number tokens at the same place differ, or ``None`` when they agree."""
    expected = Number.parse(want.text)
    actual = Number.parse(got.text)
    tolerance = max(0.5 * expected.unit, options.atol + options.rtol * _magnitude(expected.value))
    if expected.is_integer != actual.is_integer:
        return NumberDifference(want.text, got.text, want.line, None, tolerance)
    if expected.is_integer:
        if expected.value == actual.value:
            return None
        return NumberDifference(
            want.text, got.text, want.line, float(abs(actual.value - expected.value)), 0.0
        )
    if math.isnan(expected.value) or math.isnan(actual.value):
        if math.isnan(expected.value) and math.isnan(actual.value):
            return None
        return NumberDifference(want.text, got.text, want.line, None, tolerance)
    if expected.value == actual.value:
        return None
    difference = abs(actual.value - expected.value)
    slack = tolerance * EPSILON + MAGNITUDE_EPSILON * max(
        _magnitude(expected.value), _magnitude(actual.value)
    )
    if difference <= tolerance + slack:
        return None
    fewer_digits = actual.unit > expected.unit and difference <= 0.5 * actual.unit * (
        1 + EPSILON
    ) + MAGNITUDE_EPSILON * _magnitude(expected.value)
    return NumberDifference(
        want.text,
        got.text,
        want.line,
        difference if math.isfinite(difference) else None,
        tolerance,
        fewer_digits,
    )


def _magnitude(value: float | int) -> float:
    return abs(float(value)) if math.isfinite(value) else 0.0
