"""Merging new output into a drifted section: the author's lines that still match stay.

The new expected lines keep the precision and the ``...`` wildcards the author wrote wherever
they still match the new output, as a diff aligns lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pytest_torchnotes.comparison.compare import Comparator

#: A line that is only ``...``: a wildcard that may stand for several lines.
WILDCARD_LINE = re.compile(r"^\s*\.\.\.\s*$")

#: Above this many line comparisons, a drifted section is replaced whole instead of merged.
MAX_MERGE_WORK = 40_000


def merge(expected: Sequence[str], actual: Sequence[str], comparator: Comparator) -> list[str]:
    """New expected lines for a drifted section: the author's lines that still match are
    kept as written (their precision, their ``...`` wildcards), the rest is replaced.

    The result is only used when it matches ``actual`` as a whole; otherwise ``actual``.
    """
    if not expected or len(expected) * max(len(actual), 1) > MAX_MERGE_WORK:
        return list(actual)
    merged = _align(expected, actual, comparator)
    if comparator.compare("\n".join(merged), "\n".join(actual)).matched:
        return merged
    return list(actual)


#: Scores of the alignment: keeping a line the author wrote is worth most, pairing a changed
#: line with its new version comes next, and a new line that pairs with nothing costs a bit,
#: so that a ``...`` line absorbs what it stands for.
KEEP, REPLACE, INSERT = 200, 100, -1


def _align(expected: Sequence[str], actual: Sequence[str], comparator: Comparator) -> list[str]:
    """Align expected with actual lines, as a diff does, where an expected line may match an
    actual line it does not equal (numbers to the precision written, ``...``) and a line that
    is only ``...`` stands for any number of actual lines."""
    rows, columns = len(expected), len(actual)
    wildcard = [bool(WILDCARD_LINE.match(line)) for line in expected]
    matches = [
        [
            not wildcard[i] and comparator.compare(expected[i], actual[j]).matched
            for j in range(columns)
        ]
        for i in range(rows)
    ]
    # best[i][j]: score of aligning expected[i:] with actual[j:];
    # reach[i][j]: the best of best[i + 1][k] for k >= j, what a wildcard at i can reach.
    best = [[0] * (columns + 1) for _ in range(rows + 1)]
    reach = [[0] * (columns + 1) for _ in range(rows + 1)]
    for j in range(columns - 1, -1, -1):
        best[rows][j] = best[rows][j + 1] + INSERT
    for i in range(rows - 1, -1, -1):
        for j in range(columns, -1, -1):
            reach[i][j] = best[i + 1][j] if j == columns else max(best[i + 1][j], reach[i][j + 1])
            options = [best[i + 1][j]]
            if wildcard[i]:
                options.append(reach[i][j] + KEEP)
            if j < columns:
                options.append(best[i][j + 1] + INSERT)
                if matches[i][j]:
                    options.append(best[i + 1][j + 1] + KEEP)
                elif not wildcard[i]:
                    options.append(best[i + 1][j + 1] + REPLACE)
            best[i][j] = max(options)
    merged: list[str] = []
    i = j = 0
    while i < rows or j < columns:
        score = best[i][j]
        if i < rows and wildcard[i] and reach[i][j] + KEEP == score:
            k = max(k for k in range(j, columns + 1) if best[i + 1][k] == reach[i][j])
            merged.append(expected[i])
            i, j = i + 1, k
        elif i < rows and j < columns and matches[i][j] and best[i + 1][j + 1] + KEEP == score:
            merged.append(expected[i])
            i, j = i + 1, j + 1
        elif i < rows and j < columns and not wildcard[i] and best[i + 1][j + 1] + REPLACE == score:
            merged.append(actual[j])
            i, j = i + 1, j + 1
        elif j < columns and best[i][j + 1] + INSERT == score:
            merged.append(actual[j])
            j += 1
        else:
            i += 1
    return merged
