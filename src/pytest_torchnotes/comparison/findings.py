"""What a comparison finds: whether the texts match, the kind of drift, the numbers that differ."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    #: The printed number has fewer digits than the note wrote, and rounds the same: it
    #: may be the same value printed less precisely, or one that moved.
    fewer_digits: bool = False

    def describe(self) -> str:
        if self.difference is None:
            return f"expected {self.expected}, got {self.actual}"
        if self.fewer_digits:
            return (
                f"expected {self.expected}, got {self.actual}: printed with fewer digits than "
                "the note wrote, so it cannot show the same value"
            )
        return (
            f"expected {self.expected}, got {self.actual} "
            f"(differs by {self.difference:.3g}; tolerance {self.tolerance:.3g})"
        )


@dataclass(frozen=True)
class TextDifference:
    """The first place where two outputs differ in other than the values of numbers: what
    each holds there (``""`` for nothing)."""

    expected: str
    actual: str
    #: 0-based line within the normalised expected text.
    line: int

    def describe(self) -> str:
        if not self.expected:
            return f"printed {self.actual!r} where the note has nothing"
        if not self.actual:
            return f"expected {self.expected!r}, printed nothing there"
        return f"expected {self.expected!r}, got {self.actual!r}"


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing one expected text with one actual text."""

    matched: bool
    #: ``None`` when the texts are identical after normalisation, ``"format"`` when only
    #: formatting differs (spacing, precision, line wrapping), ``"value"`` when the same
    #: text holds other numbers, ``"text"`` when anything else differs.
    drift: str | None
    numbers: tuple[NumberDifference, ...] = field(default_factory=tuple)
    #: Where the texts first differ other than in numbers, when they do.
    text: TextDifference | None = None
    #: A ``...`` of the expected text stood for printed text, which was not compared.
    elided: bool = False


MATCH = Comparison(True, None)
