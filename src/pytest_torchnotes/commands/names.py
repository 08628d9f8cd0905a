"""What a block's code binds and reads, found by parsing it (nothing is run).

Used to tell which block a ``NameError`` comes from, and what a block that is skipped takes
away from the blocks after it.
"""

from __future__ import annotations

import ast
import importlib.util
import symtable

from pytest_torchnotes.markdown.magics import as_run

#: Nodes whose names are their own (a function's locals, a comprehension's variables).
SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


def _module_level(tree: ast.AST) -> list[ast.AST]:
    """The nodes of ``tree`` that run in the module's namespace: not inside a function,
    class body or comprehension (whose own names are kept: a def binds its name)."""
    nodes: list[ast.AST] = []
    pending = list(ast.iter_child_nodes(tree))
    while pending:
        node = pending.pop()
        nodes.append(node)
        if not isinstance(node, SCOPES):
            pending.extend(ast.iter_child_nodes(node))
    return nodes


def defined_names(code: str) -> set[str]:
    """Names a block binds in the note's namespace (assignments, imports, defs, loops).

    >>> sorted(defined_names("import torch.nn as nn\\nfor i in range(2):\\n    x = i\\n"
    ...                      "def f():\\n    local = 1\\nsquares = [j * j for j in range(3)]"))
    ['f', 'i', 'nn', 'squares', 'x']
    """
    parsed = as_run(code)
    if parsed is None:
        return set()
    tree = parsed[1]
    names: set[str] = set()
    for node in _module_level(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def used_names(code: str) -> set[str]:
    """Names a block reads from the note's namespace that it does not bind itself: not the
    locals of its functions and classes (a ``forward`` that assigns and returns ``output``
    reads no ``output`` of the note), which Python's symbol tables tell apart.

    >>> sorted(used_names("y = torch.ones(2) * x\\nprint(y)"))
    ['print', 'torch', 'x']
    >>> sorted(used_names("def f(a):\\n    output = a * w\\n    return output"))
    ['w']
    """
    parsed = as_run(code)
    if parsed is None:
        return set()
    try:
        table = symtable.symtable(parsed[0], "<block>", "exec")
    except (SyntaxError, ValueError):
        return set()
    read: set[str] = set()
    pending = [table]
    while pending:
        scope = pending.pop()
        pending.extend(scope.get_children())
        for symbol in scope.get_symbols():
            if not symbol.is_referenced():
                continue
            if scope.get_type() == "module" or (symbol.is_global() and not symbol.is_local()):
                read.add(symbol.get_name())
    return read - defined_names(code)


def importable_imports(code: str) -> dict[str, str]:
    """Top-level import statements of a block whose modules can be imported here, by the
    names they bind.

    >>> importable_imports("import torch\\nfrom torch import nn\\nimport no_such_module_here")
    {'torch': 'import torch', 'nn': 'from torch import nn'}
    """
    parsed = as_run(code)
    if parsed is None:
        return {}
    code, tree = parsed
    statements: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        if not all(importable(module) for module in modules):
            continue
        source = ast.get_source_segment(code, node)
        for alias in node.names:
            if source is not None and "\n" not in source:
                statements[(alias.asname or alias.name).split(".")[0]] = source
    return statements


def importable(module: str) -> bool:
    """Whether the top-level package of ``module`` can be found here (it is not imported)."""
    try:
        return importlib.util.find_spec(module.split(".")[0]) is not None
    except (ImportError, ValueError):
        return False
