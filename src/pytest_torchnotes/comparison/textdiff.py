"""Where two outputs first differ in their text: the words, punctuation or lines that a
failure names beside the numbers that moved.

The tokens are aligned as :mod:`difflib` aligns sequences, numbers counting as alike
whatever their values (those are :class:`~.findings.NumberDifference`), and the first run
that differs is quoted from each text. Aligning takes time that grows with the product of
the two lengths where the outputs differ everywhere (20,000 lines against 20,000 others:
minutes), so long outputs are aligned only around their first difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from pytest_torchnotes.comparison.findings import TextDifference
from pytest_torchnotes.comparison.tokens import Token

#: Longest quote of either text in a :class:`TextDifference`.
QUOTED = 60

#: Outputs whose token counts multiply to more than this are aligned only in a window of
#: :data:`WINDOW` tokens of each, from the end of what they share at their start.
ALIGNED_WHOLE = 250_000
WINDOW = 400


def _key(token: Token) -> tuple[str, str]:
    return (token.kind, "" if token.kind == "number" else token.text)


def first_text_difference(
    want: str, got: str, expected: Sequence[Token], actual: Sequence[Token]
) -> TextDifference | None:
    """The first run of tokens where ``expected`` (of the text ``want``) and ``actual`` (of
    ``got``) differ other than in the values of numbers.

    >>> from pytest_torchnotes.comparison.tokens import tokenize
    >>> want, got = "tensor([1.5])", "tensor([2.5], dtype=torch.float64)"
    >>> first_text_difference(want, got, tokenize(want), tokenize(got)).describe()
    "printed ', dtype=torch.float64' where the note has nothing"
    """
    start, stop = 0, max(len(expected), len(actual))
    if len(expected) * len(actual) > ALIGNED_WHOLE:
        start = _shared_start(map(_key, expected), map(_key, actual))
        stop = start + WINDOW
    wanted = [_key(t) for t in expected[start:stop]]
    printed = [_key(t) for t in actual[start:stop]]
    matcher = SequenceMatcher(None, wanted, printed, False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            continue
        i1, i2, j1, j2 = i1 + start, i2 + start, j1 + start, j2 + start
        # Nothing of the expected text is left to point at: its last line.
        line = expected[min(i1, len(expected) - 1)].line if expected else 0
        return TextDifference(_quote(want, expected[i1:i2]), _quote(got, actual[j1:j2]), line)
    return None


def _shared_start(wanted: Iterable[object], printed: Iterable[object]) -> int:
    """How many keys the two sequences share at their start.

    >>> _shared_start("abcd", "abxd")
    2
    """
    shared = 0
    for want, got in zip(wanted, printed, strict=False):
        if want != got:
            break
        shared += 1
    return shared


def _quote(text: str, tokens: Sequence[Token]) -> str:
    """The part of ``text`` that ``tokens`` cover, cut to :data:`QUOTED` characters."""
    if not tokens:
        return ""
    last = tokens[-1]
    quoted = text[tokens[0].start : last.start + len(last.text)]
    return quoted if len(quoted) <= QUOTED else quoted[: QUOTED - 1] + "…"
