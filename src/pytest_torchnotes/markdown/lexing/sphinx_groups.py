"""What of Sphinx's doctest a note does not follow: groups run apart, and ``testcleanup``.

Sphinx's doctest runs each group its directives name (``.. testcode:: a``; ``default``
when they name none, every group for ``*``) in a namespace of its own, its ``testsetup``
bodies first and its ``testcleanup`` bodies after its last test, one group after the other.
A note runs its blocks in one namespace, in the order they are written. Where that differs,
the note is told at the directive's line, with the layout that runs as Sphinx would: a
``testcleanup`` is not run, and a second group's first directive is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pytest_torchnotes.markdown.lexing.problems import LexerProblem

if TYPE_CHECKING:
    from pytest_torchnotes.markdown.lexing.sphinx_doctests import SphinxDoctest

#: The group of every group (``.. testsetup:: *``).
EVERY_GROUP = "*"


def apart(doctests: Sequence[SphinxDoctest]) -> list[LexerProblem]:
    """A warning for each ``testcleanup``, and for the first directive of a second group."""
    problems: list[LexerProblem] = []
    first: str | None = None
    named = False
    for doctest in doctests:
        directive = doctest.code
        shown = f"`.. {directive.name}:: {', '.join(directive.groups)}`"
        if directive.name == "testcleanup":
            problems.append(
                LexerProblem(
                    directive.line,
                    f"{shown} is not run: Sphinx's doctest runs it after the last test of its "
                    "group, which a note's blocks, run in the order they are written, do not "
                    "follow: to run it, write its body as a `.. testcode::` after that test",
                    "warning",
                )
            )
            continue
        groups = [group for group in directive.groups if group != EVERY_GROUP]
        if not groups or named:
            continue
        if first is None:
            first = groups[0]
        other = next((group for group in groups if group != first), None)
        if other is not None:
            named = True
            problems.append(
                LexerProblem(
                    directive.line,
                    f"{shown} names the group '{other}': Sphinx's doctest runs each group in a "
                    "namespace of its own, after its testsetup, and this note runs all its "
                    f"blocks in one, in the order written, so that '{other}' sees what "
                    f"'{first}' bound: put each group in a note of its own to run them apart",
                    "warning",
                )
            )
    return problems
