"""Registries of the standard library and torch that a note adds to by calling their
functions, which keep what it adds for the rest of the process.

``mimetypes.add_type("text/x-note", ".zzq")`` changes every later note's ``guess_type``;
``shutil.register_archive_format`` and ``logging.addLevelName`` the names every later note
finds; ``@kl.register_kl(Normal, Normal)`` and ``@biject_to.register(constraints.positive)``
every later note's ``kl_divergence`` and ``biject_to`` (which then call a function whose
note is gone: ``NameError``); ``default_collate_fn_map[int] = f`` every later
``DataLoader``'s batches; ``@functional_datapipe("twice")`` makes the next note that defines
the same pipe fail with ``Unable to add DataPipe function name twice as it is already
taken``; ``mock.patch("json.dumps", f).start()`` never stopped keeps ``json.dumps`` patched.

Each registry is looked at only in a note whose code names it (:data:`REGISTRIES`' words):
a note that names none pays one search of its code. Its containers are copied before the
note and, where they changed, put back after it, with the module attributes that hold them.
What a module the note imports for the first time registers for itself stays (a dictionary
entry whose value is a function or class of such a module), as that module stays imported.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from functools import partial
from typing import Any


@dataclass(frozen=True)
class Registry:
    """One registry: the name the run report gives it, the module that holds it, the
    module attributes a call may rebind, the containers it keeps (read from the module),
    and what to do once it was put back (a cache of it emptied)."""

    name: str
    module: str
    attributes: tuple[str, ...] = ()
    containers: Callable[[Any], Iterable[Any]] = lambda module: ()
    after: Callable[[Any], None] = lambda module: None
    #: Put back by something other than copying containers (patchers stopped).
    restore: Callable[[Any, Any], bool] | None = None
    read: Callable[[Any], Any] | None = None
    #: Run before it is read: what the note would make on first use, made now.
    prepare: Callable[[Any], None] = lambda module: None
    words: tuple[str, ...] = field(default=())


def _attribute_values(*names: str) -> Callable[[Any], list[Any]]:
    return lambda module: [getattr(module, name, None) for name in names]


def _mimetypes(module: Any) -> list[Any]:
    db = getattr(module, "_db", None)
    held = [getattr(module, n, None) for n in ("types_map", "common_types", "suffix_map")]
    held.append(getattr(module, "encodings_map", None))
    if db is not None:
        held.extend([*db.types_map, *db.types_map_inv, db.suffix_map, db.encodings_map])
    return held


def _init_mimetypes(module: Any) -> None:
    if not module.inited:
        module.init()  # as the note's first guess_type would: not the note's change


def _clear_kl_memo(module: Any) -> None:
    module._KL_MEMOIZE.clear()  # memoised lookups of the note's functions


def _constraint_registries(module: Any) -> list[Any]:
    return [module.biject_to._registry, module.transform_to._registry]


def _datapipe_functions(module: Any) -> list[Any]:
    return [module.IterDataPipe.functions, module.MapDataPipe.functions]


_OVERRIDE_TABLES = ("get_ignored_functions", "get_testing_overrides", "_get_overridable_functions")


def _override_tables(module: Any) -> list[Any]:
    tables: list[Any] = []
    for name in _OVERRIDE_TABLES:
        function = getattr(module, name, None)
        if function is None:
            continue
        table = function()  # made now if not yet: a table the note fills is copied too
        tables.extend(table if isinstance(table, tuple) else [table])
    return tables


def _clear_override_tables(module: Any) -> None:
    for name in _OVERRIDE_TABLES:
        function = getattr(module, name, None)
        if function is not None:
            function.cache_clear()  # made again, whole, on the next read


def _active_patches(module: Any) -> list[Any]:
    return list(module._patch._active_patches)


def _stop_patches(module: Any, saved: list[Any]) -> bool:
    """Stop the patchers the note started and left (``patch(...).start()``), the last
    first, as ``patch.stopall`` does."""
    started = [p for p in module._patch._active_patches if not any(p is s for s in saved)]
    for patcher in reversed(started):
        patcher.stop()
    return bool(started)


#: The registries, each with the words of the code that reaches it.
REGISTRIES = (
    Registry(
        "mimetypes",
        "mimetypes",
        ("inited", "_db", "types_map", "common_types", "suffix_map", "encodings_map"),
        _mimetypes,
        prepare=_init_mimetypes,
        words=("mimetypes",),
    ),
    Registry(
        "shutil archive formats",
        "shutil",
        containers=_attribute_values("_ARCHIVE_FORMATS", "_UNPACK_FORMATS"),
        words=("_format",),
    ),
    Registry(
        "copyreg extensions",
        "copyreg",
        containers=_attribute_values(
            "_extension_registry", "_inverted_registry", "_extension_cache"
        ),
        words=("_extension",),
    ),
    Registry(
        "logging level names",
        "logging",
        containers=_attribute_values("_levelToName", "_nameToLevel"),
        words=("LevelName", "ToLevel", "ToName"),
    ),
    Registry(
        "sqlite3 adapters and converters",
        "sqlite3",
        containers=_attribute_values("adapters", "converters"),
        words=("sqlite3",),
    ),
    Registry(
        "torch.distributions.kl registry",
        "torch.distributions.kl",
        containers=_attribute_values("_KL_REGISTRY"),
        after=_clear_kl_memo,
        words=("register_kl", "_KL_"),
    ),
    Registry(
        "torch.distributions biject_to and transform_to",
        "torch.distributions.constraint_registry",
        containers=_constraint_registries,
        words=("biject_to", "transform_to"),
    ),
    Registry(
        "torch.utils.data collate functions",
        "torch.utils.data._utils.collate",
        containers=_attribute_values("default_collate_fn_map", "default_convert_fn_map"),
        words=("fn_map",),
    ),
    Registry(
        "torch.utils.data functional datapipes",
        "torch.utils.data.datapipes.datapipe",
        containers=_datapipe_functions,
        words=("datapipe",),
    ),
    Registry(
        "torch.overrides tables",
        "torch.overrides",
        containers=_override_tables,
        after=_clear_override_tables,
        words=("overrid",),
    ),
    Registry(
        "unittest.mock patchers left started",
        "unittest.mock",
        read=_active_patches,
        restore=_stop_patches,
        words=("mock",),
    ),
)

#: Every registry's words: a note whose code holds none pays a search for each (about 20
#: us in a note of 3,000 characters).
WORDS = tuple(word for registry in REGISTRIES for word in registry.words)


class CallRegistryGuard:
    """Snapshot the registries ``code`` names; :meth:`restore` puts back what changed.
    ``modules`` are the modules imported before the note."""

    def __init__(self, code: str, modules: Set[str]) -> None:
        self.modules = modules
        self.saved: list[tuple[Registry, Any, Any]] = []
        if not any(word in code for word in WORDS):
            return
        for registry in REGISTRIES:
            if not any(word in code for word in registry.words):
                continue
            module = _imported(registry.module)
            if module is None:
                continue
            try:
                self.saved.append((registry, module, _read(registry, module)))
            except Exception:  # pragma: no cover - a registry this Python or torch lacks
                continue

    def restore(self) -> list[str]:
        """Put back what the note changed; call it after its folder's modules are
        forgotten (what they registered is the note's)."""
        changed = (
            self._put_back(registry, module, saved) for registry, module, saved in self.saved
        )
        return [name for name in changed if name is not None]

    def _put_back(self, registry: Registry, module: Any, saved: Any) -> str | None:
        """The registry's name where it changed and was put back, ``None`` where not."""
        try:
            moved = self._moved_back(registry, module, saved)
        except Exception as error:
            return f"{registry.name} (could not be restored: {error})"
        return registry.name if moved else None

    def _moved_back(self, registry: Registry, module: Any, saved: Any) -> bool:
        if registry.restore is not None:
            return registry.restore(module, saved)
        attributes, contents = saved
        moved = False
        for name, value in attributes.items():
            if getattr(module, name, _MISSING) is not value:
                setattr(module, name, value)
                moved = True
        for container, copy in contents:
            if _put_back_contents(container, copy, self._stays):
                moved = True
        if moved:
            registry.after(module)
        return moved

    def _stays(self, value: Any) -> bool:
        """Whether ``value`` (or what a ``functools.partial`` of it binds, as
        ``functional_datapipe`` registers) is a function or class of a module the note
        imported for the first time (not its ``__main__``), which registered it itself."""
        parts = (value, value.func, *value.args) if isinstance(value, partial) else (value,)
        return any(self._new_module(part) for part in parts)

    def _new_module(self, value: Any) -> bool:
        owner = getattr(value, "__module__", None)
        return (
            isinstance(owner, str)
            and owner not in self.modules
            and owner != "__main__"
            and owner in sys.modules
        )


def _read(registry: Registry, module: Any) -> Any:
    registry.prepare(module)
    if registry.read is not None:
        return registry.read(module)
    attributes = {name: getattr(module, name, _MISSING) for name in registry.attributes}
    contents = [(c, _copy(c)) for c in registry.containers(module) if _copy(c) is not None]
    return attributes, contents


def _copy(container: Any) -> Any:
    if isinstance(container, dict):
        return dict(container)
    if isinstance(container, (list, set)):
        return type(container)(container)
    return None


def _put_back_contents(container: Any, copy: Any, stays: Callable[[Any], bool]) -> bool:
    """Make ``container`` hold ``copy``'s contents again, keeping a new dictionary entry
    whose value ``stays``; whether anything changed."""
    if isinstance(container, dict):
        changed = False
        for key in [key for key in container if key not in copy]:
            if not stays(container[key]):
                del container[key]
                changed = True
        for key, value in copy.items():
            if container.get(key, _MISSING) is not value:
                container[key] = value
                changed = True
        return changed
    if isinstance(container, list):
        if len(container) == len(copy) and all(
            a is b for a, b in zip(container, copy, strict=True)
        ):
            return False
        container[:] = copy
        return True
    if container == copy:
        return False
    container.clear()
    container.update(copy)
    return True


def _imported(name: str) -> Any:
    """The module ``name`` where it is imported; a standard module of :data:`_STANDARD`
    is imported here, so that its registry is read before the note imports it itself."""
    module = sys.modules.get(name)
    if module is not None or name not in _STANDARD:
        return module
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - a Python built without sqlite3
        return None


#: Standard modules imported to save their registry before a note that names it imports
#: them itself (importing them prints nothing and changes nothing).
_STANDARD = frozenset({"mimetypes", "shutil", "copyreg", "logging", "sqlite3"})

#: An attribute or entry that was not there.
_MISSING = object()
