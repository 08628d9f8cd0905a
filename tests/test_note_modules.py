"""The names of ``sys.modules`` before a note, and those it added (run/note_modules.py)."""

from __future__ import annotations

import sys
import types

from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run.note_modules import ModuleNames

#: Names of the stand-in modules the property puts into ``sys.modules`` and takes out.
PREFIX = "_torchnotes_stand_in_"

#: Steps on ``sys.modules``: import a name (put in or back), or remove one.
STEPS = st.lists(st.tuples(st.sampled_from(["import", "remove"]), st.integers(0, 5)))


def _apply(steps: list[tuple[str, int]]) -> None:
    for action, number in steps:
        name = f"{PREFIX}{number}"
        if action == "import":
            sys.modules.setdefault(name, types.ModuleType(name))
        else:
            sys.modules.pop(name, None)


@given(before=STEPS, during=STEPS)
def test_added_is_what_a_set_difference_finds(
    before: list[tuple[str, int]], during: list[tuple[str, int]]
) -> None:
    try:
        _apply(before)
        names = ModuleNames()
        then = set(sys.modules)
        _apply(during)
        assert names.added() == [name for name in sys.modules if name not in then]
        assert set(names) == then
        assert len(names) == len(then)
        assert all(name in names for name in then)
        assert f"{PREFIX}absent" not in names
        assert names - {f"{PREFIX}0"} == then - {f"{PREFIX}0"}
    finally:
        for name in [name for name in sys.modules if name.startswith(PREFIX)]:
            del sys.modules[name]


def test_a_module_removed_and_imported_again_is_not_added() -> None:
    name = f"{PREFIX}again"
    sys.modules[name] = types.ModuleType(name)
    try:
        names = ModuleNames()
        module = sys.modules.pop(name)
        sys.modules[f"{PREFIX}new"] = types.ModuleType(f"{PREFIX}new")
        sys.modules[name] = module  # now last in the order of sys.modules
        assert names.added() == [f"{PREFIX}new"]
    finally:
        sys.modules.pop(name, None)
        sys.modules.pop(f"{PREFIX}new", None)
