"""Failures that follow from an earlier one: a block that failed to import or define
something, and later blocks that fail because that name is missing.

One missing import should read as one failure and its consequences, not as a dozen
independent drifts.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from pytest_torchnotes.markdown.blocks import NotRun
from pytest_torchnotes.markdown.magics import as_run
from pytest_torchnotes.markdown.tabs import extension_names
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run.results import FAILED, PASSED, SKIPPED, BlockResult

#: Exceptions that leave names a block should have bound undefined.
DEFINING_ERRORS = frozenset({"NameError", "ImportError", "ModuleNotFoundError"})

#: The name in ``NameError: name 'np' is not defined``.
UNDEFINED_NAME = re.compile(r"name '(\w+)' is not defined")

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)

#: Nodes that bind the name in their ``name`` field (``except E as name``, ``case [*name]``).
_NAMED = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.ExceptHandler,
    ast.MatchAs,
    ast.MatchStar,
)


def bound_names(code: str) -> frozenset[str]:
    """The names a block binds in its namespace when it runs to its end.

    >>> sorted(bound_names("import numpy as np, os.path\\nx, (y, z) = 1, (2, 3)\\ndef f(a): b = 1"))
    ['f', 'np', 'os', 'x', 'y', 'z']
    """
    parsed = as_run(code)
    if parsed is None:
        return frozenset()
    tree = parsed[1]
    names: set[str] = set()
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update(
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
                if alias.name != "*"
            )
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, _NAMED) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        if isinstance(node, _SCOPES):
            # Names bound inside a function or class are not the note's; its decorators,
            # defaults and bases are evaluated at the top level but bind nothing.
            continue
        pending.extend(ast.iter_child_nodes(node))
    return frozenset(names)


#: How a Python block that is not run at all is named in :attr:`.BlockResult.follows`.
NOT_RUN_BLOCK = "the block not run"


class FollowOn:
    """Watches the blocks of one note in order and marks the failures that follow from an
    earlier block that failed before it defined what they use, or from an earlier block that
    did not run and would have defined it: one skipped (a directive, a requirement), or a
    Python block that is not run at all (``not_run``: the parser's, with why: another
    framework's tab, a cell option)."""

    def __init__(self, not_run: Sequence[NotRun] = ()) -> None:
        #: Per name, the last block that should have bound it and failed: (name, line).
        self._missing: dict[str, tuple[str, int]] = {}
        #: Per name, the last block that would have bound it and was skipped: (name, line,
        #: why).
        self._skipped: dict[str, tuple[str, int, str]] = {}
        self._not_run = not_run
        #: Why each block that did not run did not, by the ``follows`` of its follow-ons.
        self._why: dict[tuple[str, int], str] = {}

    def check(self, result: BlockResult, code: str) -> None:
        """Mark ``result`` when it follows from an earlier failure, or an earlier block that
        did not run; remember what its block failed to define, or would have defined."""
        error = result.error
        if result.outcome == PASSED and (self._missing or self._skipped):  # else no parse
            for name in bound_names(code):
                self._missing.pop(name, None)
                self._skipped.pop(name, None)
        if result.outcome == SKIPPED:
            why = f"which was skipped: {result.reason or 'skipped'}"
            for name in bound_names(code):
                self._skipped[name] = (result.item.name, result.item.first_line, why)
        if result.outcome != FAILED or error is None:
            return
        if "NameError" in error.names:
            match = UNDEFINED_NAME.search(error.message)
            if match is not None and match.group(1) not in self._missing:
                self._not_run_cause(result, match.group(1))
            elif match is not None:
                undefined = match.group(1)
                block, line = result.follows = self._missing[undefined]
                root = self._why.get(result.follows)
                self._mark(
                    result,
                    f"{block} (line {shown(line)})",
                    f"which failed before it defined {undefined!r}"
                    if root is None
                    else f"{root}; it would have defined {undefined!r}",
                )
        if DEFINING_ERRORS & error.names:
            cause = result.follows or (result.item.name, result.item.first_line)
            for name in bound_names(code):
                self._missing[name] = cause

    def _not_run_cause(self, result: BlockResult, name: str) -> None:
        """Mark ``result``, which failed for ``name``, as following from the last block
        above it that did not run and would have defined ``name``: one skipped, or one the
        parser does not run."""
        before = result.item.first_line
        causes = [
            (block.line_index, NOT_RUN_BLOCK, f"which is not run: {block.why}")
            for block in self._not_run
            if block.line_index < before
            and name in bound_names(block.code) | extension_names(block.code)
        ]
        if name in self._skipped:
            label, line, why = self._skipped[name]
            causes.append((line, label, why))
        if not causes:
            return
        line, label, why = max(causes)
        result.follows = (label, line)
        self._why[result.follows] = why
        self._mark(
            result, f"{label} (line {shown(line)})", f"{why}; it would have defined {name!r}"
        )

    @staticmethod
    def _mark(result: BlockResult, cause: str, why: str) -> None:
        """Name ``cause`` in ``result``'s summary and, with ``why``, in its message."""
        result.summary = f"follows from {cause}: {result.summary}"
        head, _, rest = result.message.partition("\n")
        because = f"  follows from {cause}, {why}"
        result.message = "\n".join(part for part in (head, because, rest) if part)
