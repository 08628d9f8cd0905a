"""Numbers compared to the precision the note wrote: the expected side sets the tolerance.

Half a unit in the last digit the note wrote, or the ``rtol`` / ``atol`` of the block's
compare settings when they are larger: an expected ``0.3333`` matches a printed
``0.33333334`` and ``4.0000`` matches ``4.``, while ``0.3333`` does not match ``0.3433``.
Output printed less precisely than the note wrote it is not rounded to meet it: an expected
``0.45`` does not match a printed ``0.5``, nor ``0.33333334`` a printed ``0.3333``, as the
printed text cannot tell that its value is the one the note holds. Integers must be equal.

Numbers are compared as the decimals their texts write, not as floats: ``0.30000000000000004``
and ``0.3`` differ though they are neighbouring floats, and so do ``1e-400`` and ``2e-400``,
both ``0.0`` as floats.
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

#: Slack added to a tolerance, relative to it, for ``rtol`` and ``atol`` given as binary
#: floats: ``atol=0.3`` is a little less than 0.3.
EPSILON = 1e-9

#: Significant digits of the decimal arithmetic numbers are compared in.
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
    tolerance = _tolerance(expected, options)
    if expected.is_integer != actual.is_integer:
        return NumberDifference(want.text, got.text, want.line, None, tolerance)
    if math.isnan(expected.value) or math.isnan(actual.value):
        if math.isnan(expected.value) and math.isnan(actual.value):
            return None
        return NumberDifference(want.text, got.text, want.line, None, tolerance)
    return _decimal_difference(want, got, options, tolerance)


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


def _decimal_difference(
    want: Token, got: Token, options: CompareOptions, tolerance: float
) -> NumberDifference | None:
    """:func:`number_difference` of two floats, in the decimal arithmetic of their texts:
    ``0.30000000000000004`` and ``0.3`` are next to each other as floats, and ``1e-400``
    and ``2e-400`` both ``0.0``, but they differ as the note and the block write them.
    The tolerance gets a slack of :data:`EPSILON` of itself, for ``rtol`` and ``atol``
    given as binary floats (``0.3`` is a little less than 0.3)."""
    expected, actual = _exact(want.text), _exact(got.text)
    if expected.is_infinite() or actual.is_infinite():
        if expected == actual:
            return None
        return NumberDifference(want.text, got.text, want.line, None, tolerance)
    with localcontext() as context:
        context.prec = DECIMAL_DIGITS
        unit, printed_unit = _exact_unit(want.text), _exact_unit(got.text)
        allowed = max(unit / 2, Decimal(options.atol) + Decimal(options.rtol) * abs(expected))
        difference = abs(actual - expected)
        if difference <= allowed * (1 + Decimal(EPSILON)):
            return None
        fewer_digits = printed_unit > unit and difference <= printed_unit / 2
        shown = _as_float(difference)
        return NumberDifference(
            want.text,
            got.text,
            want.line,
            shown if shown != 0 and math.isfinite(shown) else None,
            _as_float(allowed),
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
