"""Sphinx's doctest groups run as Sphinx runs them: each group in a namespace of its own.

A note's blocks run in the order written, in the note's one module (``__main__``, which
pickle and ``inspect`` look classes up in), so the namespaces of the groups are that module's
names swapped where the group changes: the names of the group left are kept aside and the
group's own put back, or, for a group not met before, the ``testsetup:: *`` bodies run so far
run in it first (Sphinx runs every group's setup, ``*``'s among it, before its tests). A
``testsetup:: *`` runs in every group met so far, and is kept for the groups met later; a
``testcleanup`` runs in its group, where it stands or after the group's last test
(:func:`.lexing.sphinx_groups.plan`). Dunder names (``__name__``, ``__builtins__``) are the
module's, never swapped.

Only a note whose blocks carry :class:`~.lexing.sphinx_groups.GroupRun` gets a
:class:`GroupNamespaces`; a block of any other note asks one attribute.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.lexing.sphinx_groups import (
    CLEANUP,
    DEFAULT,
    EVERY_GROUP,
    SETUP,
    GroupRun,
)
from pytest_torchnotes.run.execute import Execution

_R = TypeVar("_R")

#: Run code in the namespace in place: (code, 0-based note line of its first line).
RunCode = Callable[[str, int], Execution]


class GroupNamespaces:
    """The namespaces of a note's groups, swapped in and out of its module's ``namespace``."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.current = DEFAULT
        #: The names of each group not in place, by group.
        self.kept: dict[str, dict[str, Any]] = {}
        #: The groups met so far, in place or kept.
        self.met: list[str] = [DEFAULT]
        #: The ``testsetup:: *`` bodies run so far: (code, code line).
        self.every_setup: list[tuple[str, int]] = []

    def enter(self, group: str, run_code: RunCode) -> list[str]:
        """Put ``group``'s names in place; for a group not met before, run the ``*`` setup
        bodies in it first. The errors those raised, described."""
        if group == self.current:
            return []
        namespace = self.namespace
        names = [name for name in namespace if not _dunder(name)]
        self.kept[self.current] = {name: namespace.pop(name) for name in names}
        self.current = group
        if group in self.kept:
            namespace.update(self.kept.pop(group))
            return []
        self.met.append(group)
        errors = []
        for code, line in self.every_setup:
            execution = run_code(code, line)
            if execution.error is not None:
                errors.append(
                    f"the testsetup of every group (line {line + 1}) raised "
                    f"{execution.error.describe()}"
                )
        return errors

    def groups_of(self, run: GroupRun) -> list[str]:
        """The groups a block runs in: those it names, every group met so far for ``*``."""
        if EVERY_GROUP not in run.groups:
            return list(run.groups)
        return [self.current, *(group for group in self.met if group != self.current)]


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def in_groups(
    groups: GroupNamespaces | None,
    namespace: dict[str, Any],
    block: Block,
    run_block: Callable[[], _R],
    run_code: RunCode,
) -> tuple[GroupNamespaces | None, list[_R], list[str]]:
    """Run ``block`` (``run_block``) in each group it runs in, and the cleanups that follow
    it; return the groups (made at the first block of a group), the results of
    ``run_block`` and the errors of setups and cleanups run around it."""
    run = block.sphinx
    if run is None and groups is None:
        return None, [run_block()], []
    if groups is None:
        groups = GroupNamespaces(namespace)
    run = run or GroupRun()
    results: list[_R] = []
    errors: list[str] = []
    targets = groups.groups_of(run)
    if run.role == CLEANUP and run.after is not None and not targets:
        return groups, results, errors  # it runs after the last test of its group
    for group in targets:
        errors.extend(groups.enter(group, run_code))
        results.append(run_block())
    if run.role == SETUP and EVERY_GROUP in run.groups:
        groups.every_setup.append((block.code, block.code_line))
    for cleanup in run.cleanups:
        errors.extend(groups.enter(cleanup.group, run_code))
        execution = run_code(cleanup.code, cleanup.code_line)
        if execution.error is not None:
            errors.append(
                f"the testcleanup of group '{cleanup.group}' (line {cleanup.code_line + 1}), "
                f"run after this block, raised {execution.error.describe()}"
            )
    return groups, results, errors
