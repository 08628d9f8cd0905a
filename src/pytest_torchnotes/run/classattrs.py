"""Class attributes a note sets on classes of modules that stay imported after it (the
standard library, torch, numpy, other libraries): ``json.JSONEncoder.item_separator =
";"``, ``logging.Formatter.default_time_format = ...``, ``pprint.PrettyPrinter._dispatch[f]
= g``. Every later note would format, parse and log with them.

A class is watched only when the note's code changes an attribute of something it names
(:func:`changed_owners`): most notes change none and cost one search of their code. Each
owner (``json.JSONEncoder``, ``E``, ``enc``) is resolved when the note starts
(:func:`find_classes`): its first name through what the code binds it to
(``from json import JSONEncoder as E``, ``import json as j``, ``enc = json.JSONEncoder``:
:func:`bindings`), then through the modules imported at that moment; an owner that does not
resolve so is looked up by its last name, when that name starts with a capital letter as
classes' names do, in the imported modules of the standard library, torch and numpy
(``JSONEncoder.x = 1`` after ``from json import *``). The classes' attributes are saved,
containers among them (``_dispatch``, a dict) by their contents, and put back after the note.
A class of a module the note imports for the first time is not watched: it is not there when
the note starts.
"""

from __future__ import annotations

import re
import string
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

#: An attribute changed in place or set, through the dotted name before its dot
#: (made of :data:`DOTTED`): ``json.JSONEncoder.item_separator = ";"``, ``E.x = 1``,
#: ``PrettyPrinter._dispatch[f] = g``, ``Formatter.converter += 1``,
#: ``PrettyPrinter._dispatch.update(...)``. The search starts at the dot: starting at every
#: letter of the code costs several times as much.
CHANGED = re.compile(
    r"\.(?<=\w\.)(?<!\bself\.)(?<!\bcls\.)\w+\b[ \t]*(?:\[[^\]\n]*\][ \t]*)?"
    r"(?:(?:[-+*/%@&|^]|//|\*\*|>>|<<)?=(?!=)"
    r"|\.(?:update|pop|popitem|setdefault|clear|append|extend|insert|remove)\()"
)

#: The characters of a dotted name, stripped from the text before a match of
#: :data:`CHANGED` to find its owner.
DOTTED = string.ascii_letters + string.digits + "_."

#: How far back from a match of :data:`CHANGED` its owner is looked for.
OWNER_REACH = 120

#: A class attribute set or deleted through ``setattr``/``delattr``: ``setattr(Formatter,
#: "converter", f)``, ``setattr(E, "x", 1)``.
NAMED = re.compile(r"attr\((?<=\bsetattr\(|\bdelattr\()\s*(?P<owner>[A-Za-z_][\w.]*)\s*,")

#: A class attribute deleted: ``del argparse.ArgumentParser.prog``.
DELETED = re.compile(r"del(?<=\bdel)[ \t]+(?P<owner>[A-Za-z_][\w.]*)\.\w+(?![\w.])")

#: Names an import binds, read from the lines that hold ``import`` (:func:`_import_lines`):
#: ``from json import JSONEncoder as E``, ``from json import (A, B)``, ``import json as j``.
IMPORTED = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<module>[\w.]+)[ \t]+import[ \t]*"
    r"(?:\((?P<group>[^)]*)\)|(?P<names>[^\n#;]*))|import[ \t]+(?P<modules>[^\n#;]*))",
    re.MULTILINE,
)

#: A dotted name assigned to a name at the start of a line, found at its ``=``: ``enc =
#: json.JSONEncoder``. The search starts at ``=``, which most lines of a note lack, and
#: does not give back the dotted name letter by letter.
BOUND = re.compile(
    r"=(?<![=!<>+\-*/%&|^@:]=)(?!=)[ \t]*(?P<value>[A-Za-z_][\w.]*)(?![\w.])[ \t]*(?:#[^\n]*)?$",
    re.MULTILINE,
)

#: The name at the start of a line that ends where a match of :data:`BOUND` starts.
BOUND_NAME = re.compile(r"[ \t]*(?P<name>[A-Za-z_]\w*)[ \t]*\Z")

#: What a dotted name does not start with.
NOT_FIRST = frozenset("0123456789.")

#: Owners that are the instance or class a method is given, not a name the note binds.
ARGUMENTS = frozenset({"self", "cls"})

#: Text of private attributes: a class's containers changed in place are private ones
#: (``PrettyPrinter._dispatch``).
PRIVATE = "._"

#: Top-level packages besides the standard library whose classes are found by name.
PACKAGES = frozenset({"torch", "numpy"})

#: How many bindings are followed from an owner to a module (``enc = E`` after ``from json
#: import JSONEncoder as E``).
DEPTH = 3

_CONTAINERS = (dict, list, set)


def changed_owners(code: str, assigns: bool) -> frozenset[str]:
    """The dotted names through which ``code`` may change a class's attributes.
    ``assigns`` says whether the code sets any attribute at all
    (:func:`pytest_torchnotes.run.patches.patched_names`): unless it does, or names a
    private attribute, the code is not searched.

    >>> sorted(changed_owners('json.JSONEncoder.item_separator = ";"\\nx[0].y = 1\\n'
    ...                       'pprint.PrettyPrinter._dispatch[f] = g\\nsetattr(E, "x", 1)', True))
    ['E', 'json.JSONEncoder', 'pprint.PrettyPrinter']
    """
    if not assigns and PRIVATE not in code:
        return frozenset()
    owners: set[str] = set()
    for match in CHANGED.finditer(code):
        before = code[max(0, match.start() - OWNER_REACH) : match.start()]
        owners.add(before[len(before.rstrip(DOTTED)) :])
    for pattern in (NAMED, DELETED):
        owners.update(match.group("owner") for match in pattern.finditer(code))
    return frozenset(
        owner
        for owner in owners
        if owner and owner[0] not in NOT_FIRST and owner.partition(".")[0] not in ARGUMENTS
    )


def bindings(code: str, names: Iterable[str]) -> dict[str, list[str]]:
    """What ``code`` binds each of ``names`` to, and what those are bound to in turn, by an
    import or an assignment of a dotted name. Only the lines that hold ``import`` and the
    assignments of a bare dotted name are read.

    >>> bindings("from json import JSONEncoder as E, dumps\\nimport json as j, os.path\\n"
    ...          "enc = E  # the encoder\\nx = f(1)", ["enc", "x", "j"])
    {'enc': ['E'], 'j': ['json'], 'E': ['json.JSONEncoder']}
    """
    lines = _import_lines(code)
    imports: dict[str, list[str]] | None = None
    assigned = _assigned(code)
    bound: dict[str, list[str]] = {}
    wanted, seen = set(names), set[str]()
    for _ in range(DEPTH):
        for name in sorted(wanted - seen):
            if imports is None and name in lines:
                imports = _imports(lines)
            values = [*(imports or {}).get(name, ()), *assigned.get(name, ())]
            if values:
                bound[name] = values
        seen |= wanted
        wanted = {value.partition(".")[0] for name in seen for value in bound.get(name, ())}
    return bound


def _import_lines(code: str) -> str:
    """The lines of ``code`` that hold ``import``, and what a parenthesis opened on them
    holds."""
    lines = []
    at = code.find("import")
    while at != -1:
        start = code.rfind("\n", 0, at) + 1
        end = code.find("\n", at)
        end = len(code) if end == -1 else end
        if "(" in code[at:end] and ")" not in code[at:end]:
            close = code.find(")", end)
            end = len(code) if close == -1 else close + 1
        lines.append(code[start:end])
        at = code.find("import", end)
    return "\n".join(lines)


def _imports(lines: str) -> dict[str, list[str]]:
    """What the import ``lines`` bind names to (``{"E": ["json.JSONEncoder"]}``)."""
    bound: dict[str, list[str]] = {}
    for match in IMPORTED.finditer(lines):
        module = match.group("module")
        listed = match.group("group") or match.group("names") or match.group("modules")
        for part in (listed or "").split(","):
            words = part.split()
            if len(words) == 1 or (len(words) == 3 and words[1] == "as"):
                target = f"{module}.{words[0]}" if module else words[0]
                if words[-1] != target:
                    bound.setdefault(words[-1], []).append(target)
    return bound


def _assigned(code: str) -> dict[str, list[str]]:
    """The bare dotted names that lines of ``code`` assign to a name (``{"enc":
    ["json.JSONEncoder"]}``)."""
    assigned: dict[str, list[str]] = {}
    for match in BOUND.finditer(code):
        start = match.start()
        name = BOUND_NAME.match(code, code.rfind("\n", 0, start) + 1, start)
        if name is not None:
            assigned.setdefault(name.group("name"), []).append(match.group("value"))
    return assigned


def find_classes(
    owners: Iterable[str], code: str = "", reached: Iterable[tuple[str, Any]] | None = None
) -> list[type]:
    """The classes ``owners`` reach (``reached``, or :func:`reached_through` ``code``); an
    owner that reaches none so is looked up by its last name, when it is capitalised, in the
    imported modules of the standard library, torch and numpy."""
    owners = list(owners)
    found: dict[int, type] = {}
    reaching: set[str] = set()
    for owner, value in reached_through(owners, code) if reached is None else reached:
        if isinstance(value, type):
            found[id(value)] = value
            reaching.add(owner)
    by_name = {
        last
        for owner in owners
        if owner not in reaching and (last := owner.rpartition(".")[2])[:1].isupper()
    }
    if by_name:
        for namespace in _namespaces():
            for name in by_name:
                value = namespace.get(name)
                if isinstance(value, type):
                    found[id(value)] = value
    return list(found.values())


def reached_through(owners: Iterable[str], code: str) -> Iterable[tuple[str, Any]]:
    """Each of ``owners`` with what it reaches in the imported modules, itself or through
    what ``code`` binds its first name to (:func:`bindings`, read only when an owner does
    not start with the name of an imported module)."""
    owners = list(owners)
    bound: Mapping[str, list[str]] | None = None
    for owner in owners:
        if bound is None and owner.partition(".")[0] not in sys.modules:
            bound = bindings(code, {owner.partition(".")[0] for owner in owners})
        for value in _reach(owner, bound or {}, DEPTH):
            yield owner, value


def reached(owner: str, bound: Mapping[str, list[str]]) -> list[Any]:
    """What the dotted name ``owner`` reaches in the imported modules, itself or through
    the names ``bound`` (:func:`bindings`) gives it."""
    return list(_reach(owner, bound, DEPTH))


def _reach(owner: str, bound: Mapping[str, list[str]], depth: int) -> Iterable[Any]:
    """What the dotted name ``owner`` reaches in the imported modules, itself or through
    the names it is bound to, followed ``depth`` times."""
    value = lookup(owner)
    if value is not None:
        yield value
    first, dot, rest = owner.partition(".")
    if depth:
        for target in bound.get(first, ()):
            yield from _reach(target + dot + rest, bound, depth - 1)


def _own_attribute(value: Any, name: str) -> Any:
    """``name`` from the own attributes of ``value`` (its ``__dict__``), or ``None``."""
    namespace = getattr(value, "__dict__", None)
    return namespace.get(name) if isinstance(namespace, Mapping) else None


def lookup(path: str, step: Callable[[Any, str], Any] = _own_attribute) -> Any:
    """What ``path`` reaches from the longest module name it starts with, each further name
    read by ``step`` (by default from the modules' and classes' own attributes: nothing is
    imported or computed)."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        value = sys.modules.get(".".join(parts[:end]))
        if value is None:
            continue
        for part in parts[end:]:
            value = step(value, part)
            if value is None:
                return None
        return value
    return None


#: The namespaces :func:`find_classes` searches, and how many modules were imported when
#: they were listed: most notes import nothing new.
_listed: tuple[int, list[dict[str, Any]]] = (0, [])


def _namespaces() -> list[dict[str, Any]]:
    global _listed
    count, namespaces = _listed
    if count == len(sys.modules):
        return namespaces
    watched = getattr(sys, "stdlib_module_names", frozenset()) | PACKAGES
    namespaces = []
    for name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if name.partition(".")[0] in watched and isinstance(namespace, dict):
            namespaces.append(namespace)
    _listed = (len(sys.modules), namespaces)
    return namespaces


#: An attribute a class did not have.
MISSING = object()


class ClassGuard:
    """Snapshot the attributes of ``classes``; :meth:`restore` puts back what changed."""

    def __init__(self, classes: Iterable[type]) -> None:
        self.saved = [
            (cls, dict(vars(cls)), {key: copy_contents(value) for key, value in vars(cls).items()})
            for cls in classes
        ]

    def restore(self) -> list[str]:
        changed = []
        for cls, attributes, contents in self.saved:
            current = vars(cls)
            for key in set(current) | set(attributes):
                if key in ("__dict__", "__weakref__"):
                    continue
                if put_back(cls, key, attributes.get(key, MISSING), contents.get(key)):
                    changed.append(f"{cls.__module__}.{cls.__qualname__}.{key}")
        return sorted(changed)


def copy_contents(value: Any) -> Any:
    return type(value)(value) if type(value) in _CONTAINERS else None


def same_contents(value: Any, saved: Any) -> bool:
    if saved is None or type(value) not in _CONTAINERS:
        return True
    try:
        return bool(value == saved) and len(value) == len(saved)
    except Exception:
        return False


def refill(value: Any, saved: Any) -> None:
    value.clear()
    if isinstance(value, list):
        value.extend(saved)
    else:
        value.update(saved)


def put_back(cls: type, name: str, before: object, contents: object) -> bool:
    """Give ``cls`` its attribute ``name`` as it was (``before``, :data:`MISSING` if it had
    none, holding ``contents``); whether it had changed."""
    now = vars(cls).get(name, MISSING)
    try:
        if now is not before:
            if before is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, before)
        elif before is not MISSING and not same_contents(now, contents):
            refill(now, contents)
        else:
            return False
    except (AttributeError, TypeError):
        return False
    return True
