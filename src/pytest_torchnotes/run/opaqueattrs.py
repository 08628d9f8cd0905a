"""Class attributes a note sets through an owner that its text does not name: ``type(e).x =
1``, ``e.__class__.x = 1``, ``getattr(json, "JSONEncoder").x = 1``, ``setattr(type(e), "x",
1)``, ``del type(e).x``. ``run/classattrs.py`` finds a class by the dotted name written
before the attribute; here there is none, so the class may be any one.

What such code sets is read off the text (:func:`opaque_names`): the names of the attributes,
not their owner. Those names are saved on every class of the modules imported when the note
starts (:func:`every_class`; the plugin's own are left out), containers by their contents,
and put back after the note on the classes where they changed: only those names, so that a
library that sets another attribute of its classes while the note runs (a method wrapped on
first use, a cache) is left alone. A note that sets no attribute through a call, a subscript
or ``__class__`` pays one search of its code; one that does, the look at every class (a few
milliseconds with torch imported). A class of a module that the note imports for the first
time is not watched, and neither is an owner that a name stands for (``c = type(e); c.x =
1``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any

from pytest_torchnotes.run.classattrs import MISSING, copy_contents, put_back

#: An attribute set, changed in place or deleted after a call, a subscript or ``__class__``:
#: ``type(e).x = 1``, ``e.__class__.x += 1``, ``getattr(m, "C")._registry[k] = v``,
#: ``type(e)._hooks.append(f)``, ``del type(e).x``. The search starts at the dot.
OPAQUE_SET = re.compile(
    r"\.(?:(?<=[)\]]\.)|(?<=__class__\.))(?P<name>\w+)\b[ \t]*(?:\[[^\]\n]*\][ \t]*)?"
    r"(?:(?:[-+*/%@&|^]|//|\*\*|>>|<<)?=(?!=)"
    r"|\.(?:update|pop|popitem|setdefault|clear|append|extend|insert|remove)\()"
)

#: An attribute deleted after a call, a subscript or ``__class__``: ``del type(e).x``.
OPAQUE_DELETED = re.compile(
    r"del(?<=\bdel)[ \t]+[^\n#]*?(?:[)\]]|__class__)\.(?P<name>\w+)[ \t]*(?:#[^\n]*)?$",
    re.MULTILINE,
)

#: An attribute set or deleted by ``setattr``/``delattr`` on a call's or a subscript's value:
#: ``setattr(type(e), "x", 1)``, ``delattr(classes[0], "x")``.
OPAQUE_NAMED = re.compile(
    r"attr\((?<=\bsetattr\(|\bdelattr\()(?![ \t]*[\w.]+[ \t]*,)"
    r"(?:[^(),\n]|\((?:[^()\n]|\([^()\n]*\))*\))+,\s*(?P<quote>['\"])(?P<name>\w+)(?P=quote)"
)

#: Top-level packages whose classes are not watched: the plugin's own.
OWN_PACKAGES = frozenset({"pytest_torchnotes"})


def opaque_names(code: str) -> frozenset[str]:
    """The names of the attributes ``code`` may set on a class it does not name.

    >>> sorted(opaque_names('type(e).x = 1\\ne.__class__.y += 1\\nsetattr(f(g()), "z", 2)\\n'
    ...                     'del type(e).w\\nf(a).b == c\\nm.n = 1\\nprint(type(e).v)\\n'
    ...                     'setattr(m.C, "u", 1)\\nsetattr(getattr(m, "C"), "t", 1)'))
    ['t', 'w', 'x', 'y', 'z']
    """
    return frozenset(
        match.group("name")
        for pattern in (OPAQUE_SET, OPAQUE_DELETED, OPAQUE_NAMED)
        for match in pattern.finditer(code)
    )


#: The classes :func:`every_class` found, and how many modules were imported then.
_found: tuple[int, list[type]] = (0, [])


def every_class() -> list[type]:
    """The classes that the modules imported now hold by name, the plugin's left out."""
    global _found
    count, classes = _found
    if count == len(sys.modules):
        return classes
    seen: dict[int, type] = {}
    for name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if name.partition(".")[0] in OWN_PACKAGES or not isinstance(namespace, dict):
            continue
        for value in list(namespace.values()):
            if issubclass(type(value), type):  # not isinstance: no __class__ of a lazy object
                seen[id(value)] = value
    classes = list(seen.values())
    _found = (len(sys.modules), classes)
    return classes


class OpaqueGuard:
    """Save ``names`` on ``classes``; :meth:`restore` puts back where they changed."""

    def __init__(self, classes: Iterable[type], names: Iterable[str]) -> None:
        self.names = tuple(names)
        self.saved: list[tuple[type, dict[str, Any], dict[str, Any]]] = []
        for cls in classes:
            attributes = vars(cls)
            values = {name: attributes.get(name, MISSING) for name in self.names}
            contents = {name: copy_contents(value) for name, value in values.items()}
            self.saved.append((cls, values, contents))

    def restore(self) -> list[str]:
        changed = []
        for cls, values, contents in self.saved:
            for name, before in values.items():
                if put_back(cls, name, before, contents[name]):
                    changed.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
        return sorted(changed)
