"""``compare ellipsis``: ``...`` in the expected output stands for any tokens.

Between the wildcards, tokens match as in ``numeric`` mode; a wildcard inside a word falls
back on doctest's character-level ``...`` matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pytest_torchnotes.comparison.findings import Comparison
from pytest_torchnotes.comparison.numbers import number_difference
from pytest_torchnotes.comparison.tokens import Token, tokenize

if TYPE_CHECKING:
    from pytest_torchnotes.comparison.compare import CompareOptions


def segment_matches(
    segment: Sequence[Token], actual: Sequence[Token], at: int, options: CompareOptions
) -> bool:
    if at + len(segment) > len(actual):
        return False
    for offset, want in enumerate(segment):
        got = actual[at + offset]
        if want.kind == "number" and got.kind == "number":
            if number_difference(want, got, options) is not None:
                return False
        elif want.kind != got.kind or want.text != got.text:
            return False
    return True


def ellipsis_match(
    expected: list[Token], actual: list[Token], options: CompareOptions
) -> Comparison:
    """Whether ``actual`` matches the segments of ``expected`` between its ``...``, in order."""
    segments: list[list[Token]] = [[]]
    for token in expected:
        if token.kind == "ellipsis":
            segments.append([])
        else:
            segments[-1].append(token)
    first, *middle, last = segments
    end = len(actual) - len(last)
    if end < len(first) or not segment_matches(first, actual, 0, options):
        return Comparison(False, "text")
    if not segment_matches(last, actual, end, options):
        return Comparison(False, "text")
    position = len(first)
    for segment in middle:
        while position + len(segment) <= end:
            if segment_matches(segment, actual, position, options):
                break
            position += 1
        else:
            return Comparison(False, "text")
        position += len(segment)
    return Comparison(True, "format", elided=True)


def only_ellipsis(text: str) -> bool:
    """Whether ``text`` is nothing but ``...``: it stands for any output, and compares none.

    >>> only_ellipsis("...\\n..."), only_ellipsis("tensor(...)")
    (True, False)
    """
    kinds = {token.kind for token in tokenize(text)}
    return "ellipsis" in kinds and kinds <= {"ellipsis", "newline"}


def doctest_ellipsis(want: str, got: str) -> bool:
    """doctest's character-level ``...`` matching, for wildcards inside words."""
    import doctest

    return doctest.OutputChecker().check_output(want, got, doctest.ELLIPSIS)
