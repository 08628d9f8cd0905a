"""Sphinx's doctest groups: where each directive's block runs, and when a ``testcleanup`` does.

Sphinx's doctest runs each group its directives name (``.. testcode:: a``; ``default`` when
they name none) in a namespace of its own: a group's ``testsetup`` bodies first, ``*``'s
(every group's) among them, then its tests, then its ``testcleanup`` bodies. A note runs
its blocks in the order they are written, so the run switches namespaces where the group
changes (:mod:`...run.groups`), and a ``testcleanup`` written above the last test of its
group (a page's setup and cleanup usually stand at its top) runs right after that test.

Only a note that holds a directive of Sphinx's doctest has any of this: a block of another
note has no :class:`GroupRun`, and its run asks nothing more.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_torchnotes.markdown.lexing.problems import LexerProblem

if TYPE_CHECKING:
    from pytest_torchnotes.markdown.blocks import Block, SetupBlock
    from pytest_torchnotes.markdown.lexing.sphinx_doctests import SphinxDirective

#: The group of every group (``.. testsetup:: *``).
EVERY_GROUP = "*"
#: The group of a directive that names none, and of the note's other blocks.
DEFAULT = "default"

#: What a directive's block is to its groups.
SETUP, TEST, CLEANUP = "setup", "test", "cleanup"


@dataclass(frozen=True, slots=True)
class Cleanup:
    """A ``testcleanup`` body run after the last test of its group."""

    code: str
    #: 0-based note line of its first code line.
    code_line: int
    group: str


@dataclass(frozen=True, slots=True)
class GroupRun:
    """Where a block of Sphinx's doctest runs."""

    #: The groups its directive names (``*``: every group).
    groups: tuple[str, ...] = (DEFAULT,)
    #: :data:`SETUP`, :data:`TEST` or :data:`CLEANUP`.
    role: str = TEST
    #: The ``testcleanup`` bodies written above this test that run after it, the last test
    #: of their group.
    cleanups: tuple[Cleanup, ...] = ()
    #: For a ``testcleanup`` that runs after a later test: that test's 0-based line.
    after: int | None = None


def group_run(directive: SphinxDirective) -> GroupRun:
    """The groups and role of ``directive``'s block."""
    role = {"testsetup": SETUP, "testcleanup": CLEANUP}.get(directive.name, TEST)
    return GroupRun(directive.groups, role)


def plan(items: Sequence[Block | SetupBlock]) -> list[Block | SetupBlock]:
    """``items`` with each ``testcleanup`` that stands above the last test of its group moved
    to run after that test (:attr:`GroupRun.cleanups`); the other blocks as they are. A
    block of no directive is a test of ``default``."""
    from pytest_torchnotes.markdown.blocks import Block

    blocks = [(index, item) for index, item in enumerate(items) if isinstance(item, Block)]
    last_test: dict[str, int] = {}
    for index, block in blocks:
        run = block.sphinx
        if run is None or run.role == TEST:
            for group in (DEFAULT,) if run is None else run.groups:
                last_test[group] = index
    planned = list(items)
    for index, block in blocks:
        run = block.sphinx
        if run is None or run.role != CLEANUP:
            continue
        named = list(last_test) if EVERY_GROUP in run.groups else list(run.groups)
        deferred = [group for group in named if last_test.get(group, -1) > index]
        if not deferred:
            continue  # it runs where it stands, after its groups' tests
        for group in deferred:
            target = last_test[group]
            test = planned[target]
            assert isinstance(test, Block)  # a test is a block
            test_run = test.sphinx or GroupRun()
            cleanup = Cleanup(block.code, block.code_line, group)
            planned[target] = dataclasses.replace(
                test, sphinx=dataclasses.replace(test_run, cleanups=(*test_run.cleanups, cleanup))
            )
        in_place = [group for group in named if group not in deferred]
        after = max(planned[last_test[group]].code_line for group in deferred)
        planned[index] = dataclasses.replace(
            block, sphinx=dataclasses.replace(run, groups=tuple(in_place), after=after)
        )
    return planned


def apart(directives: Sequence[SphinxDirective]) -> list[LexerProblem]:
    """A warning for each test that names every group (``.. testcode:: *``): Sphinx runs it
    in each group, the note in the group of the test before it."""
    return [
        LexerProblem(
            directive.line,
            f"`.. {directive.name}:: *` runs in the group of the test above it: Sphinx's "
            "doctest runs it in every group, which a note's blocks, run in the order they are "
            "written, do not follow: write it under each group's name to run it in each",
            "warning",
        )
        for directive in directives
        if directive.name in ("testcode", "doctest") and EVERY_GROUP in directive.groups
    ]
