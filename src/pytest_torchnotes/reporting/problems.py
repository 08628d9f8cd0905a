"""What pytest shows of a note's problems: the first ones, and how many more there are.

A hostile or generated note can hold tens of thousands of problems (a directive on every
line of prose); listing each one would flood the session. ``torchnotes check`` lists them
all.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from pytest_torchnotes.markdown.blocks import Problem
from pytest_torchnotes.notelines import location
from pytest_torchnotes.quoting import warned_line
from pytest_torchnotes.words import plural

#: The most problems of one note that a session lists, errors and warnings each.
MAX_PROBLEMS = 50


def shown_problems(problems: Sequence[Problem]) -> Sequence[Problem]:
    """The problems a session lists of ``problems``."""
    return problems[:MAX_PROBLEMS]


def more_problems(display: str, problems: Sequence[Problem], kind: str) -> str | None:
    """What is said of the problems past the first :data:`MAX_PROBLEMS`, if there are any.

    >>> print(more_problems("n.md", [Problem(line, "bad") for line in range(52)], "error"))
    n.md: 2 more errors (torchnotes check n.md lists them all)
    """
    left = len(problems) - MAX_PROBLEMS
    if left <= 0:
        return None
    return f"{display}: {plural(left, f'more {kind}')} (torchnotes check {display} lists them all)"


def warn_problems(
    display: str,
    path: str,
    lines: Sequence[str],
    problems: Sequence[Problem],
    category: type[Warning],
) -> None:
    """File a ``category`` warning at ``path`` for each of the first of a note's warning
    ``problems`` (at its line, unless the line is too long to show under it), and one that
    counts the rest."""
    more = more_problems(display, problems, "warning")
    if more is not None:
        warnings.warn_explicit(category(more), category, path, 0)
    for problem in shown_problems(problems):
        warnings.warn_explicit(
            category(f"{location(display, problem.line_index)}: {problem.message}"),
            category,
            path,
            warned_line(lines, problem.line_index),
        )


def error_text(display: str, problems: Sequence[Problem]) -> str:
    """The failure of a note that cannot run: its errors, one a line, the first ones."""
    lines = [
        f"{location(display, problem.line_index)}: {problem.message}"
        for problem in shown_problems(problems)
    ]
    more = more_problems(display, problems, "error")
    return "\n".join([*lines, more] if more is not None else lines)
