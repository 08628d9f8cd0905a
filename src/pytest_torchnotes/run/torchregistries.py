"""What a note registers with torch for the rest of the process: custom operators
(``torch.library.custom_op("nb::f")``, ``torch.library.define``, a ``Library`` kept in a
module), pytree nodes (``torch.utils._pytree.register_pytree_node``,
``torch.export.register_dataclass``), functions ``torch.fx.wrap`` patches into every later
trace, and ``torch.serialization.register_package``'s taggers and loaders.

Left registered, the next note that defines the same operator, as two chapters of a course
copied from one tutorial do, fails with ``Tried to register an operator ... multiple
times`` (in a script it would run), the next note sees ``torch.ops.nb.f`` it never made,
its ``torch.load`` runs the note's loader, and each registry keeps the note's namespace
alive. What a library's code registers stays, as the library stays imported (``import
torchvision`` registers its operators, torch registers some of its own on first use);
what the note's code registers, and the modules of its folder, forgotten after the note,
is taken off: the guard is asked after them, like :mod:`.copyregs`. Whose an
entry is, is read from what it holds: the module of the class or function registered and
of the code that registered it (for a ``Library``, the module that made it).

The registries only grow, so the guard keeps their sizes, not their contents: a passing
note that registers nothing costs a length per registry.
"""

from __future__ import annotations

import functools
import os
import sys
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import Any

#: Where each ``Library`` was made: the module of the first caller outside
#: :data:`LIBRARY_MAKERS`.
_CREATORS: weakref.WeakKeyDictionary[Any, str | None] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class _Registry:
    """One registry: what it is named in the run report, the container, whose an entry
    is (the module of what is registered and of the code that registered it), and how
    to take an entry off (returning its name)."""

    name: str
    container: Any
    owners: Callable[[Any, Any], tuple[str | None, str | None]]
    take: Callable[[Any, Any], str]
    #: Kept sorted (``register_package`` sorts by priority): the new entries are not the
    #: last, and the few there are kept whole.
    sorted: bool = False

    def read(self) -> int | tuple[Any, ...]:
        return tuple(self.container) if self.sorted else len(self.container)

    def added(self, saved: int | tuple[Any, ...]) -> list[Any]:
        """The entries added since ``saved`` was read."""
        if isinstance(saved, tuple):
            return [entry for entry in self.container if not any(entry is e for e in saved)]
        return list(self.container)[saved:]  # lists and dicts keep the order of adding


class TorchRegistryGuard:
    """Snapshot the sizes of torch's registries; :meth:`restore` takes off what the note
    added."""

    def __init__(self) -> None:
        self.registries = list(_registries()) if "torch" in sys.modules else []
        self.saved = [registry.read() for registry in self.registries]
        _record_creators()

    def restore(self) -> list[str]:
        """Take off the note's registrations; call it after its folder's modules are
        forgotten."""
        changes: list[str] = []
        for registry, saved in zip(self.registries, self.saved, strict=True):
            container = registry.container
            if len(container) <= (len(saved) if isinstance(saved, tuple) else saved):
                continue
            changes.extend(
                _taken(registry, key)
                for key in registry.added(saved)
                if not self._stays(*registry.owners(container, key))
            )
        return changes

    @staticmethod
    def _stays(module: str | None, registrar: str | None) -> bool:
        """Whether what ``module`` defines, registered by ``registrar``, is a library's:
        neither is the note's ``__main__`` nor a module forgotten after it. Not whether
        they were imported before the note, as for reducers: torch registers its own
        operators and pytree nodes on first use too, and those must stay."""
        return _imported(module) and _imported(registrar)


def _taken(registry: _Registry, key: Any) -> str:
    try:
        return f"{registry.name} ({registry.take(registry.container, key)})"
    except Exception as error:  # torch changed what it keeps there
        return f"{registry.name} ({key!r}: could not be restored: {error})"


def _imported(module: str | None) -> bool:
    """Whether ``module`` is imported and is not the note's ``__main__``."""
    return module is not None and module != "__main__" and module in sys.modules


def _registries() -> Iterator[_Registry]:
    nodes = getattr(sys.modules.get("torch.utils._pytree"), "SUPPORTED_NODES", None)
    if isinstance(nodes, dict):
        yield _Registry("torch pytree nodes", nodes, _node_owners, _take_node)
    keep_alive = getattr(sys.modules.get("torch.library"), "_keep_alive", None)
    if isinstance(keep_alive, list):
        yield _Registry("torch.library", keep_alive, _library_owners, _take_library)
    custom_ops = sys.modules.get("torch._library.custom_ops")
    opdef_libraries = getattr(custom_ops, "OPDEF_TO_LIB", None)
    if isinstance(opdef_libraries, dict):
        yield _Registry("torch.library.custom_op", opdef_libraries, _opdef_owners, _take_opdef)
    fx = sys.modules.get("torch.fx._symbolic_trace")
    wrapped = getattr(fx, "_wrapped_fns_to_patch", None)
    if isinstance(wrapped, dict):
        yield _Registry("torch.fx.wrap", wrapped, _wrapped_owners, _take_wrapped)
    packages = getattr(sys.modules.get("torch.serialization"), "_package_registry", None)
    if isinstance(packages, list):
        yield _Registry(
            "torch.serialization.register_package",
            packages,
            _package_owners,
            _take_package,
            sorted=True,
        )


def _module_of(thing: Any) -> str | None:
    module = getattr(thing, "__module__", None)
    return module if isinstance(module, str) else None


def _node_owners(nodes: dict[Any, Any], cls: Any) -> tuple[str | None, str | None]:
    return _module_of(cls), _module_of(getattr(nodes[cls], "flatten_fn", None))


def _take_node(nodes: dict[Any, Any], cls: Any) -> str:
    pytree = sys.modules["torch.utils._pytree"]
    entry = nodes.pop(cls)
    name = getattr(entry, "serialized_type_name", None)
    for table, key in (
        (getattr(pytree, "SERIALIZED_TYPE_TO_PYTHON_TYPE", {}), name),
        (getattr(pytree, "SUPPORTED_SERIALIZED_TYPES", {}), cls),
    ):
        if isinstance(table, dict):
            table.pop(key, None)
    fx_pytree = sys.modules.get("torch.fx._pytree")
    flatten_specs = getattr(fx_pytree, "SUPPORTED_NODES", None)
    if isinstance(flatten_specs, dict):
        flatten_specs.pop(cls, None)
    return f"{_module_of(cls)}.{getattr(cls, '__qualname__', cls)}"


def _library_owners(libraries: list[Any], library: Any) -> tuple[str | None, str | None]:
    creator = _CREATORS.get(library)
    return creator, creator


def _take_library(libraries: list[Any], library: Any) -> str:
    names = sorted({*library._op_defs, *library._op_impls}) or [library.ns]
    _destroy(library)
    libraries.remove(library)
    return ", ".join(names)


def _opdef_owners(libraries: dict[str, Any], qualname: str) -> tuple[str | None, str | None]:
    custom_ops = sys.modules["torch._library.custom_ops"]
    opdef = custom_ops.OPDEFS.get(qualname)
    function = _module_of(getattr(opdef, "_init_fn", None))
    return function or _CREATORS.get(libraries[qualname]), function


def _take_opdef(libraries: dict[str, Any], qualname: str) -> str:
    custom_ops = sys.modules["torch._library.custom_ops"]
    _destroy(libraries.pop(qualname))
    custom_ops.OPDEFS.pop(qualname, None)
    return qualname


def _destroy(library: Any) -> None:
    """Take the library's definitions and kernels off torch's dispatcher."""
    library._destroy()
    defined = getattr(sys.modules.get("torch.library"), "_defs", None)
    if isinstance(defined, set):
        defined -= library._op_defs


def _wrapped_owners(wrapped: dict[Any, Any], key: Any) -> tuple[str | None, str | None]:
    module = wrapped[key].get("__name__")
    return module, module


def _take_wrapped(wrapped: dict[Any, Any], key: Any) -> str:
    del wrapped[key]
    return str(key[1])


def _package_owners(packages: list[Any], entry: Any) -> tuple[str | None, str | None]:
    module = _module_of(entry[1])
    return module, module


def _take_package(packages: list[Any], entry: Any) -> str:
    packages.remove(entry)
    return str(getattr(entry[1], "__qualname__", entry[1]))


def _record_creators() -> None:
    """Give ``torch.library.Library`` a ``__new__``, once for the session, that notes the
    module making each library: the first caller outside torch, the note's ``__main__``
    for its own. Not ``__init__``: torch reads its caller's line there, for the messages
    that name where a kernel was registered. A ``__new__`` a note's patch of the class
    took off is put on again."""
    cls = getattr(sys.modules.get("torch.library"), "Library", None)
    if not isinstance(cls, type) or getattr(vars(cls).get("__new__"), _RECORDS, False):
        return
    torch_folder = os.path.dirname(sys.modules["torch"].__file__ or "")
    makers = (
        *(os.path.join(torch_folder, *path) for path in LIBRARY_MAKERS),
        functools.__file__,  # torch.library.define is a singledispatch function
    )

    def __new__(subclass: type, *args: Any, **kwargs: Any) -> Any:
        library: Any = object.__new__(subclass)
        frame: FrameType | None = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith(makers):
            frame = frame.f_back
        creator = None if frame is None else frame.f_globals.get("__name__")
        _CREATORS[library] = creator if isinstance(creator, str) else None
        return library

    setattr(__new__, _RECORDS, True)
    cls.__new__ = __new__  # type: ignore[method-assign,assignment]


#: The files of torch that make libraries for their callers (``torch.library.define``,
#: ``custom_op``): the module that made a library is the first caller outside them, so
#: that torch's own modules, imported on first use, own theirs.
LIBRARY_MAKERS = (("library.py",), ("_library", ""))

#: The mark of the ``__new__`` that records where libraries are made.
_RECORDS = "_torchnotes_records_creator"
