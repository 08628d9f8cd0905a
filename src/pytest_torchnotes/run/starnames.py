"""Whether ``from module import *`` binds a name, for the follow-on of a block that failed
before its star import ran (:mod:`.followon`): a later block's missing name follows from it
only when the module could have bound that name.

A module already imported is asked (its ``__all__``, else its public names). One not
imported is read, not run: its source found as the import system would find it (its
packages' ``__path__`` read from their specs, no ``__init__`` run), its ``__all__`` when
it writes one as a list of strings, else the public names its top level binds in any
branch, with those of the modules it star-imports in turn, and for a package the names of
its submodules (an attribute of it once anything imports them). Where that cannot be known
(no module found, code compiled to a shared library, a module that makes names by running
code: ``globals()``, ``exec``, a module ``__getattr__``), the answer is ``None``: the name
may be the module's. A name another module sets on it as it runs is not seen.
"""

from __future__ import annotations

import ast
import importlib.machinery
import pkgutil
import sys
from collections.abc import Iterator

#: How many modules one answer reads at the most (fastai's ``vision.all`` star-imports a
#: few dozen); past it, the answer is ``None``.
MOST_MODULES = 200

#: What in a module's source makes names that reading it does not find.
DYNAMIC = (
    "globals()",
    "exec(",
    "__getattr__",
    "sys.modules",
    "setattr(",
    "__dict__",
    "__all__.",
)


class _Unknown(Exception):
    """The names of a module cannot be told without running it."""


def star_binds(module: str, name: str) -> bool | None:
    """Whether ``from module import *`` binds ``name``: ``None`` when that cannot be told.

    >>> star_binds("os.path", "join"), star_binds("os.path", "nb_url")
    (True, False)
    >>> star_binds("os.path", "_get_sep"), star_binds("no_such_module_here", "x")
    (False, None)
    """
    try:
        return name in _names(module, set())
    except _Unknown:
        return None


def _names(module: str, read: set[str]) -> frozenset[str]:
    loaded = sys.modules.get(module)
    if loaded is not None:
        try:
            names = getattr(loaded, "__all__", None)
            if names is None:
                return frozenset(key for key in vars(loaded) if not key.startswith("_"))
            return frozenset(str(key) for key in names)
        except Exception:  # a module object a note made, that answers nothing sensible
            raise _Unknown from None
    if module in read:
        return frozenset()  # a cycle: its names are being gathered below
    read.add(module)
    if len(read) > MOST_MODULES:
        raise _Unknown
    source, package, folders = _source(module)
    if any(word in source for word in DYNAMIC):
        raise _Unknown
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        raise _Unknown from None
    listed = _listed(tree)
    if listed is not None:
        return listed
    names = set(_top_level_names(tree))
    if folders is not None:  # a submodule imported by anyone is an attribute of its package
        names.update(found.name for found in pkgutil.iter_modules(folders))
    for node in _top_level(tree):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            names |= _names(_absolute(node, package), read)
    return frozenset(name for name in names if not name.startswith("_"))


def _source(module: str) -> tuple[str, str, list[str] | None]:
    """The source of ``module``, found without running any of it, its package, and the
    folders of its submodules when it is a package."""
    path = None
    spec = None
    parts = module.split(".")
    for depth in range(1, len(parts) + 1):
        spec = importlib.machinery.PathFinder.find_spec(".".join(parts[:depth]), path)
        if spec is None:
            raise _Unknown
        path = spec.submodule_search_locations
        if depth < len(parts) and path is None:
            raise _Unknown  # a module, not a package, named as one
    assert spec is not None
    if not isinstance(spec.loader, importlib.machinery.SourceFileLoader) or not spec.origin:
        raise _Unknown  # a shared library, a namespace package, a zip
    try:
        with open(spec.origin, encoding="utf-8") as file:
            source = file.read()
    except (OSError, UnicodeDecodeError):
        raise _Unknown from None
    folders = spec.submodule_search_locations
    package = module if folders is not None else module.rpartition(".")[0]
    return source, package, None if folders is None else list(folders)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")
    if node.level - 1 > len(base) - 1:
        raise _Unknown
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


#: The fields of a compound statement that hold statements, read as the top level's own.
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _top_level(tree: ast.Module) -> Iterator[ast.AST]:
    """The statements of the module's top level, in every branch (``if``, ``try``,
    ``with``, ``match``, loops), not inside functions or classes, in the order they are
    written (``__all__`` is set, then added to)."""
    pending: list[ast.AST] = list(reversed(tree.body))
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        inner = [part for field in _BODIES for part in getattr(node, field, ())]
        pending.extend(reversed(inner))


def _listed(tree: ast.Module) -> frozenset[str] | None:
    """The names of the module's ``__all__``, when it writes them as strings; ``None``
    when it has none. One it changes otherwise is not known."""
    listed: set[str] | None = None
    for node in _top_level(tree):
        targets = _all_targets(node)
        if not targets:
            continue
        value = getattr(node, "value", None)
        try:
            names = ast.literal_eval(value) if value is not None else None
        except ValueError:
            raise _Unknown from None
        if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
            raise _Unknown
        listed = set(names) | (listed or set()) if isinstance(node, ast.AugAssign) else set(names)
    return None if listed is None else frozenset(listed)


def _all_targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        targets = [node.target]
    else:
        return []
    return [target for target in targets if isinstance(target, ast.Name) and target.id == "__all__"]


def _top_level_names(tree: ast.Module) -> Iterator[str]:
    for node in _top_level(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    yield (alias.asname or alias.name).split(".")[0]
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
            continue
        if isinstance(node, ast.ExceptHandler) and node.name:
            yield node.name
        for field, value in ast.iter_fields(node):
            if field in _BODIES:
                continue  # read as statements of their own
            for part in value if isinstance(value, list) else [value]:
                if isinstance(part, ast.AST):
                    yield from _bound(part)


def _bound(node: ast.AST) -> Iterator[str]:
    """The names ``node`` binds: targets, patterns, ``:=``."""
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            yield child.id
        elif isinstance(child, ast.MatchAs | ast.MatchStar) and child.name:
            yield child.name
        elif isinstance(child, ast.MatchMapping) and child.rest:
            yield child.rest
