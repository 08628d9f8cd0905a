"""What a note tells ``torch.compile`` about functions for the rest of the process.

``torch._dynamo.disallow_in_graph(torch.sin)``, ``torch.compiler.allow_in_graph(f)``,
``nonstrict_trace`` and the like record the ``id()`` of a function in sets that
``torch._dynamo.trace_rules`` keeps for the process. Left there, every later note that
compiles ``torch.sin`` breaks its graph on it, and one compiled with ``fullgraph=True``
fails with ``Unsupported``, where the same note run as a script passes.

The sets hold ids, not functions, so whose an entry is cannot be read from it: torch's own
modules register theirs when they are imported (``torch.nn.attention.varlen`` disallows its
functions), and those must stay. So the sets' ``add`` and ``remove`` are wrapped, once for
the session, to note who called the function that changed them: the first caller outside
dynamo's decorators and ``torch.compiler``. After the note, what the note's ``__main__`` or a
module of its folder changed (forgotten after the note) is put back as it was, the latest
change first. A passing note that compiles nothing costs a look into ``sys.modules``.

The wrapping is put on when a note starts with ``torch._dynamo`` imported, or, in the note
that imports it (``torch.compile`` does, the first time), as soon as its module is made: a
finder is first on ``sys.meta_path`` while such a note runs, and answers only for that
module.
"""

from __future__ import annotations

import importlib.machinery
import sys
from types import FrameType
from typing import Any

#: The module that keeps the sets.
TRACE_RULES = "torch._dynamo.trace_rules"

#: Modules whose frames are torch's machinery of the registration, not its caller: the
#: decorators, the sets, ``torch.compiler``'s names for them. Torch code that registers
#: functions for itself (``torch._dynamo.compiled_autograd``) is a caller of its own.
_MACHINERY = ("torch._dynamo.decorators", "torch._dynamo.trace_rules", "torch.compiler")

#: The mark of the wrapped ``add`` and ``remove``.
_WRAPPED = "_torchnotes_journals"

#: One change: the set, the id, whether the id was in the set before it, the module of
#: the code that asked for it.
Change = tuple[Any, int, bool, "str | None"]

#: The changes of the running note, or ``None`` between notes.
_journal: list[Change] | None = None


class DynamoRulesGuard:
    """Notes what a note changes in dynamo's sets of functions; :meth:`restore` puts back
    what the note's own code changed."""

    def __init__(self) -> None:
        global _journal
        self.journal: list[Change] = []
        self.finder: _TraceRulesFinder | None = None
        if _wrap(sys.modules.get(TRACE_RULES)):
            _journal = self.journal
        elif TRACE_RULES not in sys.modules and "torch" in sys.modules:
            self.finder = _TraceRulesFinder(self.journal)
            sys.meta_path.insert(0, self.finder)

    def stop(self) -> None:
        """Take the finder off ``sys.meta_path``; call it before the session's state is
        compared with its snapshot."""
        finder, self.finder = self.finder, None
        if finder is not None:
            sys.meta_path[:] = [entry for entry in sys.meta_path if entry is not finder]

    def restore(self) -> list[str]:
        """Undo the note's changes; call it after its folder's modules are forgotten."""
        global _journal
        self.stop()
        journal, self.journal = self.journal, []
        _journal = None
        names: dict[str, None] = {}
        for id_set, function_id, was_in, caller in reversed(journal):
            if _library(caller):
                continue
            ids = id_set()
            if was_in:
                ids.add(function_id)
            else:
                ids.discard(function_id)
            names[f"{TRACE_RULES}.{_name_of(id_set)}"] = None
        return list(names)


def _library(module: str | None) -> bool:
    """Whether code of ``module`` is a library's: imported, and not the note's
    ``__main__`` (a module of the note's folder is forgotten by now)."""
    return module is not None and module != "__main__" and module in sys.modules


def _name_of(id_set: Any) -> str:
    module = sys.modules.get(TRACE_RULES)
    for name, value in vars(module).items() if module is not None else ():
        if value is id_set:
            return name
    return "?"


def _wrap(trace_rules: Any) -> bool:
    """Wrap ``FunctionIdSet.add`` and ``remove`` once; whether they are wrapped."""
    cls = getattr(trace_rules, "FunctionIdSet", None)
    if not isinstance(cls, type):
        return False
    if getattr(vars(cls).get("add"), _WRAPPED, False):
        return True
    add, remove = vars(cls).get("add"), vars(cls).get("remove")
    if not (callable(add) and callable(remove)):
        return False  # torch changed the class: nothing is noted

    def journaled(change: Any) -> Any:
        def wrapper(self: Any, idx: int) -> None:
            journal = _journal
            if journal is not None:
                journal.append((self, idx, idx in self(), _caller()))
            change(self, idx)

        setattr(wrapper, _WRAPPED, True)
        return wrapper

    setattr(cls, "add", journaled(add))  # noqa: B010 - a class mypy knows as type
    setattr(cls, "remove", journaled(remove))  # noqa: B010
    return True


def _caller() -> str | None:
    """The module of the first caller outside torch's registration machinery."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__")
        if not isinstance(module, str):
            return None
        if not module.startswith(_MACHINERY):
            return module
        frame = frame.f_back
    return None


class _TraceRulesFinder:
    """Finds nothing itself: wraps the loader of :data:`TRACE_RULES` that the next
    finders find, so that its sets are wrapped once it is made, and this note's changes
    noted from then on."""

    def __init__(self, journal: list[Change]) -> None:
        self.journal = journal

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != TRACE_RULES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        loader = getattr(spec, "loader", None)
        execute = getattr(loader, "exec_module", None)
        if execute is None:
            return spec
        journal = self.journal

        def exec_module(module: Any) -> None:
            global _journal
            execute(module)
            if _wrap(module):
                _journal = journal

        loader.exec_module = exec_module  # type: ignore[union-attr]
        return spec
