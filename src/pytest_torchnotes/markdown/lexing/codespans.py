"""Inline code spans, as CommonMark reads them: a run of backticks opens a span that the next
run of the same length closes; a run that no such run follows is text.

Found run by run, in linear time: a regular expression with a backreference took minutes on
a line of a few thousand backticks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

#: A run of backticks.
BACKTICKS = re.compile(r"`+")


class CodeSpan(NamedTuple):
    #: Offset of the opening backticks and past the closing ones.
    start: int
    end: int
    #: The code itself, between the backticks.
    code: str


def code_spans(text: str) -> list[CodeSpan]:
    """The code spans of ``text``, in order.

    >>> [span.code for span in code_spans("a `b` ``c ` d`` ``e`")]
    ['b', 'c ` d']
    """
    if "`" not in text:
        return []
    runs = [(match.start(), match.end()) for match in BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    spans: list[CodeSpan] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        later = bisect_right(same, index)
        if later == len(same):
            index += 1  # nothing closes it: text
            continue
        close = same[later]
        spans.append(CodeSpan(start, runs[close][1], text[end : runs[close][0]]))
        index = close + 1
    return spans


def split_code(text: str) -> tuple[list[str], list[str]]:
    """``text`` as the pieces outside code spans and the code of each span between them:
    one more piece than codes.

    >>> split_code("a `b` c")
    (['a ', ' c'], ['b'])
    """
    pieces: list[str] = []
    codes: list[str] = []
    position = 0
    for span in code_spans(text):
        pieces.append(text[position : span.start])
        codes.append(span.code)
        position = span.end
    pieces.append(text[position:])
    return pieces, codes
