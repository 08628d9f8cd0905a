"""Torch-aware comparison of expected and printed output.

Both texts are normalised the same way (:mod:`.normalize`), then split into
tokens: numbers, words, punctuation, ``...`` and the line breaks that matter. Whitespace only
separates tokens, and a line break inside brackets is whitespace too, because torch wraps
and re-aligns long tensors. Numbers match when they agree to the precision printed: the
less precise side sets the tolerance (half a unit in its last digit), so ``0.3333`` matches
``0.33333334`` and ``4.`` matches ``4.0000``, while ``0.3333`` does not match ``0.3433``.
Integers, words (dtypes, ``grad_fn`` names, ``requires_grad``) and punctuation must be equal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pytest_torchnotes.comparison.normalize import (
    BASE_STEPS,
    Step,
    collapse_spaces,
    normalize,
    strip_blank_edges,
    strip_trailing_whitespace,
)

#: Comparison modes, in the order the docs present them.
MODES = ("numeric", "exact", "ellipsis", "structure", "ignore")

#: Letters, digits and ``_`` that glue to a number and make it part of a name (``conv1``,
#: ``5ms``, ``2nd``). Letters of scripts written without spaces between words (Chinese,
#: Japanese, Korean, full-width forms) do not: ``共15个`` holds the number 15.
SPACELESS = r"\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
GLUE = rf"[^\W{SPACELESS}]"

#: What may not stand just before a number (or its sign): a glued character, ``.``, ``:``,
#: ``#``, ``$``, ``@``, ``/``, ``\``, ``%``, or a ``-``/``+`` joined to one of them
#: (``x-1``, ``2026-11``).
NOT_AFTER = rf"(?<!{GLUE})(?<![.:#$@/\\%])(?<!{GLUE}[-+])(?<![.:#$@/\\%)\]][-+])"

#: What may not follow a number: a glued character, ``.`` or ``:`` before a letter or digit
#: (``2.10.0``, ``12:30``), ``-``, ``+`` or ``/`` before a digit (``2026-11-29``, ``1/2``).
NOT_BEFORE = rf"(?!{GLUE})(?![.:]\w)(?![-+/][0-9])"

#: A number's digits: a thousands-grouped integer (``15,771``, optionally with a fraction;
#: not first in brackets nor after a comma, where commas separate elements: ``[5,100]``),
#: an integer, a decimal (``4.`` and ``.5`` as torch and Python print them), then an exponent.
DIGITS = (
    r"(?:(?<![\[({,])(?<![\[({,][-+])[1-9][0-9]{0,2}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?"
    r"|[0-9]+(?:\.(?!\.)[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
)

#: The real or imaginary part of a complex number as torch and Python print it.
PART = r"(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|inf|nan)"

#: A complex number, ``1.+2.j``, ``1.5000-0.2500j``, ``(1+2j)``, ``1j``, ``nan+infj``.
COMPLEX = re.compile(
    rf"(?:(?P<real>[-+]?{PART})(?P<imag>[-+]{PART})|(?P<alone>[-+]?{PART}))j", re.ASCII
)

#: One token of printed output. Order matters: ``...`` before numbers (so ``1...`` is 1 and
#: ...), complex numbers before real ones, ``inf``/``nan`` before words. A number is a number
#: only when it stands alone (:data:`NOT_AFTER`, :data:`NOT_BEFORE`); digits glued to a name,
#: a version, a date or a time are text (``glued``).
TOKEN = re.compile(
    rf"""
    (?P<newline>\n)
    |(?P<space>[ \t\f\v]+)
    |(?P<ellipsis>\.\.\.)
    |(?P<complex>{NOT_AFTER}{COMPLEX.pattern}{NOT_BEFORE})
    |(?P<special>(?:(?<![\w.)\]])[-+])?(?:inf|nan)\b)
    |(?P<number>(?:(?<![.:#$@/\\%)\]])[-+])?{NOT_AFTER}{DIGITS}{NOT_BEFORE})
    |(?P<word>[^\W\d{SPACELESS}]{GLUE}*|(?:(?=\w)[{SPACELESS}])+)
    |(?P<glued>\d\w*)
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

OPENING = frozenset("([{")
CLOSING = frozenset(")]}")

#: Slack added to tolerances so that a difference of exactly half a unit passes despite
#: binary floating point: relative to the tolerance and to the size of the numbers.
EPSILON = 1e-9
MAGNITUDE_EPSILON = 1e-12


class CompareSpecError(ValueError):
    """A ``compare`` spec (directive, front matter or ini) that cannot be parsed."""


@dataclass(frozen=True)
class CompareOptions:
    """How a block's output is compared."""

    mode: str = "numeric"
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


@dataclass(frozen=True, slots=True)
class Token:
    #: ``number``, ``word``, ``other``, ``ellipsis`` or ``newline``.
    kind: str
    text: str
    #: 0-based line within the normalised text.
    line: int


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


@dataclass(frozen=True)
class NumberDifference:
    """Two numbers at the same place that do not agree."""

    expected: str
    actual: str
    #: 0-based line of the expected number within the normalised expected text.
    line: int
    #: ``None`` when the two cannot be subtracted (integer vs float, nan vs number).
    difference: float | None
    tolerance: float

    def describe(self) -> str:
        if self.difference is None:
            return f"expected {self.expected}, got {self.actual}"
        return (
            f"expected {self.expected}, got {self.actual} "
            f"(differs by {self.difference:.3g}; tolerance {self.tolerance:.3g})"
        )


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing one expected text with one actual text."""

    matched: bool
    #: ``None`` when the texts are identical after normalisation, ``"format"`` when only
    #: formatting differs (spacing, precision, line wrapping), ``"value"`` when the same
    #: text holds other numbers, ``"text"`` when anything else differs.
    drift: str | None
    numbers: tuple[NumberDifference, ...] = field(default_factory=tuple)


MATCH = Comparison(True, None)


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
        if mode == "ignore":
            return MATCH
        want = self.prepare(expected)
        got = self.prepare(actual)
        if want == got:
            return MATCH
        if mode == "structure":
            return structure_match(tokenize(want), tokenize(got))
        if mode == "exact":
            numeric = self._tokens_match(want, got, ellipsis=False)
            if numeric.matched:
                return Comparison(False, "format")
            return numeric
        result = self._tokens_match(want, got, ellipsis=mode == "ellipsis")
        if result.matched:
            return Comparison(True, "format")
        return result

    def _tokens_match(self, want: str, got: str, *, ellipsis: bool) -> Comparison:
        if collapse_spaces(want) == collapse_spaces(got):
            return Comparison(True, "format")
        expected = tokenize(want)
        actual = tokenize(got)
        if ellipsis and any(token.kind == "ellipsis" for token in expected):
            result = self._ellipsis_match(expected, actual)
            if not result.matched and _doctest_ellipsis(
                collapse_spaces(want), collapse_spaces(got)
            ):
                return Comparison(True, "format")
            return result
        return self._aligned(expected, actual)

    def _aligned(self, expected: list[Token], actual: list[Token]) -> Comparison:
        if len(expected) != len(actual):
            return Comparison(False, "text")
        differences: list[NumberDifference] = []
        text_differs = False
        for want, got in zip(expected, actual, strict=True):
            if want.kind == "number" and got.kind == "number":
                difference = self._number_difference(want, got)
                if difference is not None:
                    differences.append(difference)
            elif want.kind != got.kind or want.text != got.text:
                text_differs = True
        if text_differs:
            return Comparison(False, "text", tuple(differences))
        if differences:
            return Comparison(False, "value", tuple(differences))
        return Comparison(True, "format")

    def _number_difference(self, want: Token, got: Token) -> NumberDifference | None:
        expected = Number.parse(want.text)
        actual = Number.parse(got.text)
        tolerance = max(
            0.5 * max(expected.unit, actual.unit),
            self.options.atol + self.options.rtol * _magnitude(expected.value),
        )
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
        return NumberDifference(
            want.text,
            got.text,
            want.line,
            difference if math.isfinite(difference) else None,
            tolerance,
        )

    def _segment_matches(self, segment: Sequence[Token], actual: Sequence[Token], at: int) -> bool:
        if at + len(segment) > len(actual):
            return False
        for offset, want in enumerate(segment):
            got = actual[at + offset]
            if want.kind == "number" and got.kind == "number":
                if self._number_difference(want, got) is not None:
                    return False
            elif want.kind != got.kind or want.text != got.text:
                return False
        return True

    def _ellipsis_match(self, expected: list[Token], actual: list[Token]) -> Comparison:
        segments: list[list[Token]] = [[]]
        for token in expected:
            if token.kind == "ellipsis":
                segments.append([])
            else:
                segments[-1].append(token)
        first, *middle, last = segments
        end = len(actual) - len(last)
        if end < len(first) or not self._segment_matches(first, actual, 0):
            return Comparison(False, "text")
        if not self._segment_matches(last, actual, end):
            return Comparison(False, "text")
        position = len(first)
        for segment in middle:
            while position + len(segment) <= end:
                if self._segment_matches(segment, actual, position):
                    break
                position += 1
            else:
                return Comparison(False, "text")
            position += len(segment)
        return Comparison(True, "format")


#: Words after which the numbers in brackets are a shape, compared even by ``structure``:
#: ``torch.Size([2, 3])``, ``shape=(2, 3)``, ``stride=(3, 1)``.
SHAPE_WORDS = frozenset({"Size", "shape", "size", "stride"})

#: Words after which ``:N`` is a device index: ``device='cuda:0'``.
DEVICE_WORDS = frozenset({"cuda", "mps", "xpu", "npu", "hpu"})


def structural_numbers(tokens: Sequence[Token]) -> list[bool]:
    """For each token, whether it is a number that ``structure`` still compares: a shape
    or a device index.

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

    >>> structure_match(tokenize("tensor([0.1, 2])"), tokenize("tensor([-5.5, 7.25])")).matched
    True
    >>> structure_match(tokenize("torch.Size([2, 3])"), tokenize("torch.Size([2, 4])")).drift
    'text'
    """
    if len(expected) != len(actual):
        return Comparison(False, "text")
    kept = structural_numbers(expected)
    for want, got, compared in zip(expected, actual, kept, strict=True):
        if want.kind == "number" and got.kind == "number" and not compared:
            continue
        if want.kind != got.kind or want.text != got.text:
            return Comparison(False, "text")
    return MATCH


def _doctest_ellipsis(want: str, got: str) -> bool:
    """doctest's character-level ``...`` matching, for wildcards inside words."""
    import doctest

    return doctest.OutputChecker().check_output(want, got, doctest.ELLIPSIS)


def _magnitude(value: float | int) -> float:
    return abs(float(value)) if math.isfinite(value) else 0.0


def tokenize(text: str) -> list[Token]:
    """Split normalised output into tokens; line breaks inside brackets are dropped.

    >>> [t.text for t in tokenize("tensor([1.5,\\n        2.])")]
    ['tensor', '(', '[', '1.5', ',', '2.', ']', ')']
    """
    tokens: list[Token] = []
    depth = 0
    line = 0
    for match in TOKEN.finditer(text):
        kind = match.lastgroup
        value = match.group()
        if kind == "newline":
            if depth == 0:
                tokens.append(Token("newline", value, line))
            line += 1
            continue
        if kind == "space":
            continue
        if kind == "complex":
            tokens.extend(_complex_tokens(value, line))
            continue
        if kind == "special":
            kind = "number"
        elif kind == "glued":
            kind = "word"
        elif kind == "other":
            if value in OPENING:
                depth += 1
            elif value in CLOSING:
                depth = max(depth - 1, 0)
        tokens.append(Token(kind or "other", value, line))
    return tokens


def _complex_tokens(text: str, line: int) -> list[Token]:
    """A complex number as its real and imaginary parts (numbers) and the ``j``.

    >>> [t.text for t in _complex_tokens("1.5000-2.j", 0)]
    ['1.5000', '-2.', 'j']
    """
    match = COMPLEX.fullmatch(text)
    assert match is not None
    parts = [match["real"], match["imag"]] if match["alone"] is None else [match["alone"]]
    return [*(Token("number", part, line) for part in parts), Token("other", "j", line)]
