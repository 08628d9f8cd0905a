"""Unified diffs of outputs and notes, as failures, updates and reports show them."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from pytest_torchnotes.words import plural


def text_lines(text: str) -> list[str]:
    """The lines of an output, without its leading and trailing blank lines.

    >>> text_lines("\\na\\nb\\n\\n")
    ['a', 'b']
    """
    return text.strip("\n").split("\n")


def unified_diff(
    old: Sequence[str],
    new: Sequence[str],
    *,
    names: tuple[str, str] | None = None,
    context: int = 3,
    limit: int | None = None,
    hidden: str = "more line",
) -> list[str]:
    """The lines of a unified diff of ``old`` and ``new``: under the ``---``/``+++`` header
    of the two ``names``, or without a header. Past ``limit`` lines, one more line counts
    the ``hidden`` ones: a diff is never cut without saying so.

    >>> unified_diff(["1", "2", "3"], ["1", "4", "3"], context=0)
    ['@@ -2 +2 @@', '-2', '+4']
    >>> unified_diff(["1", "2"], ["3", "4"], limit=2)
    ['@@ -1,2 +1,2 @@', '-1', '... 3 more lines']
    >>> unified_diff(["1"], ["2"], names=("a", "b"))
    ['--- a', '+++ b', '@@ -1 +1 @@', '-1', '+2']
    """
    fromfile, tofile = names or ("", "")
    lines = list(
        difflib.unified_diff(old, new, fromfile=fromfile, tofile=tofile, n=context, lineterm="")
    )
    if names is None:
        lines = lines[2:]
    if limit is not None and len(lines) > limit:
        lines = [*lines[:limit], f"... {plural(len(lines) - limit, hidden)}"]
    return lines
