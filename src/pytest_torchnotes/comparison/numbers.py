"""Numbers compared to the precision the note wrote: the expected side sets the tolerance.

Half a unit in the last digit the note wrote, or the ``rtol`` / ``atol`` of the block's
compare settings when they are larger: an expected ``0.3333`` matches a printed
``0.33333334`` and ``4.0000`` matches ``4.``, while ``0.3333`` does not match ``0.3433``.
Output printed less precisely than the note wrote it is not rounded to meet it: an expected
``0.45`` does not match a printed ``0.5``, nor ``0.33333334`` a printed ``0.3333``, as the
printed text cannot tell that its value is the one the note holds. Integers must be equal.

A number beyond the range of a float (``1e-400``, ``1e400``, a 400-digit integer) is compared
as the decimal its text writes, so that two of them do not become one ``0.0`` or ``inf``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from pytest_torchnotes.comparison.findings import NumberDifference
from pytest_torchnotes.comparison.tokens import Token

if TYPE_CHECKING:
    from pytest_torchnotes.comparison.compare import CompareOptions

#: Slack added to tolerances so that a difference of exactly half a unit passes despite
#: binary floating point: relative to the tolerance and to the size of the numbers.
EPSILON = 1e-9
MAGNITUDE_EPSILON = 1e-12

#: Significant digits of the decimal arithmetic of numbers beyond the range of a float.
DECIMAL_DIGITS = 120


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
        return cls(float(lowered), False, _power_of_ten(power - len(fraction)))


def number_difference(want: Token, got: Token, options: CompareOptions) -> NumberDifference | None:
    """How two number tokens at the same place differ, or ``None`` when they agree."""
    expected = Number.parse(want.text)
    actual = Number.parse(got.text)
    if expected.is_integer and actual.is_integer:
        if expected.value == actual.value:
            return None
        difference = abs(actual.value - expected.value)
        return NumberDifference(want.text, got.text, want.line, _as_float(difference), 0.0)
    if expected.is_integer != actual.is_integer:
        return NumberDifference(want.text, got.text, want.line, None, _tolerance(expected, options))
    tolerance = _tolerance(expected, options)
    if math.isnan(expected.value) or math.isnan(actual.value):
        if math.isnan(expected.value) and math.isnan(actual.value):
            return None
        return NumberDifference(want.text, got.text, want.line, None, tolerance)
    if _beyond_float(want.text, expected) or _beyond_float(got.text, actual):
        return _decimal_difference(want, got, options)
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


def _tolerance(expected: Number, options: CompareOptions) -> float:
    return max(0.5 * expected.unit, options.atol + options.rtol * _magnitude(expected.value))


def _power_of_ten(exponent: int) -> float:
    """``10.0 ** exponent``, ``inf`` where that overflows.

    >>> _power_of_ten(-2), _power_of_ten(400)
    (0.01, inf)
    """
    try:
        return 10.0**exponent
    except OverflowError:
        return math.inf


def _exact(text: str) -> Decimal:
    """The decimal a number's text writes.

    >>> _exact("1,234.5e-400")
    Decimal('1.2345E-397')
    """
    return Decimal(text.lower().replace(",", ""))


def _exact_unit(text: str) -> Decimal:
    """One unit in the last digit ``text`` writes, as a decimal; 0 for torch's ``4.``.

    >>> _exact_unit("1.25e-400"), _exact_unit("4.")
    (Decimal('1E-402'), Decimal('0'))
    """
    mantissa, _, exponent = text.lower().replace(",", "").partition("e")
    _, dot, fraction = mantissa.partition(".")
    if dot and not fraction and not exponent:
        return Decimal(0)
    return Decimal(1).scaleb((int(exponent) if exponent else 0) - len(fraction))


def _beyond_float(text: str, number: Number) -> bool:
    """Whether a float's text writes a number a float cannot hold: it overflows to ``inf``,
    underflows to 0, or the unit of its last digit does (``1e400``, ``1e-400``,
    ``1.0000e-325``).

    >>> _beyond_float("1e-400", Number.parse("1e-400")), _beyond_float("0.5", Number.parse("0.5"))
    (True, False)
    """
    if math.isinf(number.value):
        return text.lower().lstrip("+-") != "inf"
    if not math.isfinite(number.unit):
        return True
    exact = _exact(text)
    if (number.value == 0) != (exact == 0):
        return True
    return number.unit == 0 and _exact_unit(text) != 0


def _decimal_difference(
    want: Token, got: Token, options: CompareOptions
) -> NumberDifference | None:
    """:func:`number_difference` of two finite or infinite numbers, one of which a float
    cannot hold, in decimal arithmetic: neither ``inf - inf`` nor ``0.0 == 0.0`` stands for
    two numbers that differ."""
    expected, actual = _exact(want.text), _exact(got.text)
    if expected.is_infinite() or actual.is_infinite():
        if expected == actual:
            return None
        return NumberDifference(want.text, got.text, want.line, None, math.inf)
    with localcontext() as context:
        context.prec = DECIMAL_DIGITS
        unit, printed_unit = _exact_unit(want.text), _exact_unit(got.text)
        tolerance = max(unit / 2, Decimal(options.atol) + Decimal(options.rtol) * abs(expected))
        difference = abs(actual - expected)
        if difference <= tolerance:
            return None
        fewer_digits = printed_unit > unit and difference <= printed_unit / 2
        shown = _as_float(difference)
        return NumberDifference(
            want.text,
            got.text,
            want.line,
            shown if shown != 0 and math.isfinite(shown) else None,
            _as_float(tolerance),
            fewer_digits,
        )


def _as_float(value: int | float | Decimal) -> float:
    """``float(value)``, ``inf`` where it is too large for one."""
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _magnitude(value: float | int) -> float:
    if isinstance(value, int):
        return _as_float(abs(value))
    return abs(value) if math.isfinite(value) else 0.0
