"""A block that only imports modules, whose note writes what importing one prints (``import
this`` prints the Zen of Python), and that printed nothing: Python runs a module's code the
first time a process imports it, and every note runs in the same process, so a module an
earlier note (or the session) imported prints nothing in a later note. The plugin keeps the
modules notes import (importing torch again for each note would cost seconds, and objects
of one import would not be instances of the other's classes); the failure says why nothing
was printed and what prints it again.
"""

from __future__ import annotations

import ast
import sys
import warnings


def imported_modules(source: str) -> tuple[str, ...] | None:
    """The modules ``source`` imports, when importing is all it does (else ``None``).

    >>> imported_modules("import this\\nfrom antigravity import *")
    ('this', 'antigravity')
    >>> imported_modules("import this\\nprint(1)") is None
    True
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, OverflowError):
            return None
    if not tree.body or not all(
        isinstance(node, ast.Import | ast.ImportFrom) for node in tree.body
    ):
        return None
    modules: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
    return tuple(modules)


def cached_import_hint(source: str, want: str, printed: str) -> str | None:
    """For a block (or example) of ``source`` whose output ``want`` was not printed
    (``printed`` is what was), why, when it only imports modules the process had imported
    already (read on a failure only).

    >>> import json
    >>> print(cached_import_hint("import json", "Zen", ""))
    the code only imports json, which this process had imported already (an earlier note, \
or the session, imported it): Python runs a module's code once a process, so what importing \
it prints is printed only the first time; to run it again, write `import importlib` and \
`_ = importlib.reload(json)` after the import, or remove the output (--torchnotes-update does)
    >>> cached_import_hint("import json", "", "") is None
    True
    """
    if not want.strip() or printed.strip():
        return None
    modules = imported_modules(source)
    if not modules:
        return None
    cached = [name for name in modules if name in sys.modules]
    if len(cached) != len(modules):
        return None
    names = ", ".join(cached)
    return (
        f"the code only imports {names}, which this process had imported already (an earlier "
        "note, or the session, imported it): Python runs a module's code once a process, so "
        "what importing it prints is printed only the first time; to run it again, write "
        f"`import importlib` and `_ = importlib.reload({cached[-1]})` after the import, or "
        "remove the output (--torchnotes-update does)"
    )
