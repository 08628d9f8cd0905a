"""Failures that follow from an earlier one: a block that failed to import or define
something, and later blocks that fail because that name is missing.

One missing import should read as one failure and its consequences, not as a dozen
independent drifts.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from pytest_torchnotes.comparison.missing import missing_hint
from pytest_torchnotes.markdown.blocks import Block, NotRun, SetupBlock
from pytest_torchnotes.markdown.magics import as_run
from pytest_torchnotes.markdown.otherlanguages import signature_hint
from pytest_torchnotes.markdown.tabs import extension_names
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run.results import CANNOT_RUN, FAILED, PASSED, SKIPPED, BlockResult
from pytest_torchnotes.run.starnames import star_binds
from pytest_torchnotes.run.transcriptcode import examples_code
from pytest_torchnotes.run.unbound import where_bound
from pytest_torchnotes.run.unwritten import FILE_ERRORS, Seen, missing_file, writer

#: Exceptions that leave names a block should have bound undefined.
DEFINING_ERRORS = frozenset({"NameError", "ImportError", "ModuleNotFoundError", "SyntaxError"})

#: What a block that uses a name no block above it binds is told: a README's placeholder
#: (torchinfo's ``summary(ConvNet(), ...)``) or a chapter that goes on from another.
UNBOUND = (
    "no block above binds {name!r}: define it in an earlier block or a setup comment, or, if "
    "the block is an outline, mark it <!-- torchnotes: skip why -->"
)

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
    if parsed is not None:
        return _bound_by(parsed[1])
    if ">>>" not in code:
        return _bound_by_lines(code)
    # a >>> transcript: the names of each example that parses, as each runs on its own
    trees = (as_run(example) for example in examples_code(code))
    return frozenset().union(*(_bound_by(tree[1]) for tree in trees if tree is not None))


def _bound_by_lines(code: str) -> frozenset[str]:
    """The names the top-level lines of code that does not compile bind, each line that
    parses on its own (a block mangled by a Markdown converter, ``a = ((a _ 8) / 2)``, still
    says what it meant to define: ``out = z.mean()``). Asked only of a block that failed.

    >>> sorted(_bound_by_lines("z = y _ y _ 3\\nout = z.mean()\\nimport numpy as np\\n  w = 1"))
    ['np', 'out']
    """
    names: set[str] = set()
    for line in code.split("\n"):
        if not line[:1].isalpha() and line[:1] != "_":
            continue  # indented, a comment, blank: not a statement of the top level alone
        try:
            tree = ast.parse(line)
        except (SyntaxError, ValueError):
            continue
        names |= _bound_by(tree)
    return frozenset(names)


def _bound_by(tree: ast.Module) -> frozenset[str]:
    """The names the code of ``tree`` binds at its top level."""
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


def star_imports(code: str) -> tuple[str, ...]:
    """The modules a block star-imports at its top level (``from fastai.vision.all import *``,
    as notebooks of fastai and nbdev start): the names they bind are known only when they run.

    >>> star_imports("import torch\\nfrom fastdebug.utils import *\\nif x:\\n    from os import *")
    ('fastdebug.utils',)
    """
    parsed = as_run(code)
    if parsed is None:
        return ()
    return tuple(
        node.module
        for node in parsed[1].body
        if isinstance(node, ast.ImportFrom)
        and node.module
        and any(alias.name == "*" for alias in node.names)
    )


def not_run_binds(code: str) -> frozenset[str]:
    """The names a Python block that is not run would have bound: its own, and those of the
    extension it loads (``%load_ext d2lbook.tab`` gives ``tab``)."""
    return bound_names(code) | extension_names(code)


#: How a Python block that is not run at all is named in :attr:`.BlockResult.follows`.
NOT_RUN_BLOCK = "the block not run"


class FollowOn:
    """Watches the blocks of one note in order and marks the failures that follow from an
    earlier block that failed before it defined what they use, or from an earlier block that
    did not run and would have defined it: one skipped (a directive, a requirement), or a
    Python block that is not run at all (``not_run``: the parser's, with why: another
    framework's tab, a cell option)."""

    def __init__(
        self,
        not_run: Sequence[NotRun] = (),
        lines: Sequence[str] = (),
        items: Sequence[Block | SetupBlock] = (),
    ) -> None:
        #: Per name, the last block that should have bound it and failed: (name, line).
        self._missing: dict[str, tuple[str, int]] = {}
        #: Per name, the last block that would have bound it and was skipped: (name, line,
        #: why).
        self._skipped: dict[str, tuple[str, int, str]] = {}
        self._not_run = not_run
        #: The note's lines and its blocks: read only for a block that uses a name no block
        #: above binds (:mod:`.unbound`).
        self._lines = lines
        self._items = items
        #: Why each block that did not run did not, by the ``follows`` of its follow-ons.
        self._why: dict[tuple[str, int], str] = {}
        #: The last block that failed before its star import ran, and that import: a name
        #: a later block misses may be one of those it would have bound, unless the module
        #: is known not to bind it (:mod:`.starnames`).
        self._star: tuple[str, int, str] | None = None
        #: The code of every block seen so far, and the names those of them read so far
        #: bind (read only when a name is missing: a passing note parses no block twice).
        self._codes: list[str] = []
        self._bound: set[str] = set()
        self._read = 0
        #: Every block seen so far, for the lines that did not run (read only when a block
        #: misses a file).
        self._seen: list[Seen] = []

    def check(self, result: BlockResult, code: str) -> None:
        """Mark ``result`` when it follows from an earlier failure, or an earlier block that
        did not run; remember what its block failed to define, or would have defined."""
        error = result.error
        self._codes.append(code)
        item = result.item
        self._seen.append(
            Seen(
                code,
                item.code_line,
                (result.reason or "skipped") if result.outcome == SKIPPED else None,
                item.name,
            )
        )
        if result.outcome == PASSED and (self._missing or self._skipped or self._star):
            for name in bound_names(code):  # else no parse
                self._missing.pop(name, None)
                self._skipped.pop(name, None)
            if self._star is not None and self._star[2] in star_imports(code):
                self._star = None
        if result.outcome == SKIPPED:
            why = f"which was skipped: {result.reason or 'skipped'}"
            for name in bound_names(code):
                self._skipped[name] = (result.item.name, result.item.first_line, why)
        if result.drift == CANNOT_RUN:  # refused as written: none of its code ran
            why = "which is not run as written (its own failure says why)"
            for name in bound_names(code):
                self._skipped[name] = (result.item.name, result.item.first_line, why)
        if result.outcome != FAILED or error is None:
            return
        if "NameError" in error.names:
            match = UNDEFINED_NAME.search(error.message)
            undefined = match.group(1) if match is not None else None
            if undefined is None:
                pass
            elif undefined in self._missing:
                block, line = result.follows = self._missing[undefined]
                root = self._why.get(result.follows)
                self._mark(
                    result,
                    f"{block} (line {shown(line)})",
                    f"which failed before it defined {undefined!r}"
                    if root is None
                    else f"{root}; it would have defined {undefined!r}",
                )
            elif self._not_run_cause(result, undefined):
                pass
            elif self._star is not None and star_binds(self._star[2], undefined) is not False:
                block, line, module = self._star
                result.follows = block, line
                self._mark(
                    result,
                    f"{block} (line {shown(line)})",
                    f"which failed before its `from {module} import *` could define {undefined!r}",
                )
            elif (
                not self._bound_above(undefined)
                and missing_hint("NameError", f"name {undefined!r} is not defined") is None
            ):
                elsewhere = where_bound(
                    undefined, result.item.first_line, self._lines, self._items, bound_names
                )
                signature = signature_hint(code, undefined)
                result.add_hint(signature or elsewhere or UNBOUND.format(name=undefined))
        if result.follows is None and FILE_ERRORS & error.names:
            self._unwritten(result, error.message)
        if DEFINING_ERRORS & error.names:
            cause = result.follows or (result.item.name, result.item.first_line)
            for name in bound_names(code):
                self._missing[name] = cause
            modules = star_imports(code)
            if modules:
                self._star = (*cause, modules[-1])

    def _bound_above(self, name: str) -> bool:
        """Whether a block above the last one seen binds ``name``, whatever its outcome."""
        while self._read < len(self._codes) - 1:
            self._bound |= bound_names(self._codes[self._read])
            self._read += 1
        return name in self._bound

    def _not_run_cause(self, result: BlockResult, name: str) -> bool:
        """Mark ``result``, which failed for ``name``, as following from the last block
        above it that did not run and would have defined ``name``: one skipped, or one the
        parser does not run. Whether there was one."""
        before = result.item.first_line
        causes = [
            (block.line_index, NOT_RUN_BLOCK, f"which is not run: {block.why}")
            for block in self._not_run
            if block.line_index < before and name in not_run_binds(block.code)
        ]
        if name in self._skipped:
            label, line, why = self._skipped[name]
            causes.append((line, label, why))
        if not causes:
            return False
        line, label, why = max(causes)
        result.follows = (label, line)
        self._why[result.follows] = why
        self._mark(
            result, f"{label} (line {shown(line)})", f"{why}; it would have defined {name!r}"
        )
        return True

    def _unwritten(self, result: BlockResult, message: str) -> None:
        """Mark ``result``, which failed for a file that is not there, as following from
        the last line above it that did not run and names that file."""
        name = missing_file(message)
        found = writer(name, self._seen[:-1]) if name is not None else None
        if found is None:
            return
        result.follows = (found.label, found.line)
        self._mark(
            result,
            f"{found.label} (line {shown(found.line)})",
            f"{found.why}; it names {name!r}, which this block does not find: make the file "
            f"before the run, or mark the blocks that use it <!-- torchnotes: skip needs "
            f"{name} -->",
        )

    @staticmethod
    def _mark(result: BlockResult, cause: str, why: str) -> None:
        """Name ``cause`` in ``result``'s summary and, with ``why``, in its message."""
        result.summary = f"follows from {cause}: {result.summary}"
        result.add_hint(f"follows from {cause}, {why}")
