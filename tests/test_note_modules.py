"""The names of ``sys.modules`` before a note, those it added, and the entries it changed
(run/note_modules.py)."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run import note_modules
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


class _Liar(types.ModuleType):
    """A stand-in that says it equals every object."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = types.ModuleType.__hash__


#: Steps of a note on ``sys.modules``: those of :data:`STEPS`, a stand-in module in place of
#: one of them, or in place of ``json``.
NOTE_STEPS = st.lists(
    st.tuples(st.sampled_from(["import", "remove", "replace", "json"]), st.integers(0, 5))
)


def _run_note(before: list[tuple[str, int]], during: list[tuple[str, int]]) -> tuple[Any, ...]:
    """A note's run under the guard: what it named, what it says the note added, and the
    names of ``sys.modules`` after, with whether each entry of before is its module."""
    session_main, json_module = sys.modules["__main__"], sys.modules["json"]
    try:
        _apply(before)
        then = dict(sys.modules)
        guard = note_modules.ModulesGuard()
        names = guard.names_now()
        guard.enter(types.ModuleType("__main__"))
        for action, number in during:
            name = f"{PREFIX}{number}"
            if action == "replace" and name in sys.modules:
                sys.modules[name] = _Liar(name)
            elif action == "json":
                sys.modules["json"] = _Liar("json")
            else:
                _apply([(action, number)])
        restored = guard.restore()
        guard.leave(session_main, names)
        kept = all(sys.modules.get(name) is module for name, module in then.items())
        return restored, names.added(), list(sys.modules), kept
    finally:
        sys.modules["__main__"], sys.modules["json"] = session_main, json_module
        for name in [name for name in sys.modules if name.startswith(PREFIX)]:
            del sys.modules[name]


@given(before=STEPS, during=NOTE_STEPS, again=st.booleans())
def test_the_guard_by_version_finds_what_the_comparison_of_every_entry_finds(
    before: list[tuple[str, int]], during: list[tuple[str, int]], again: bool
) -> None:
    """With the version of ``sys.modules`` read (a note that changed nothing is not
    compared entry by entry, and the next note's guard takes its lists) the guard names,
    puts back and finds added what it does comparing every entry."""
    by_version = _run_note(before, during)
    if again:  # a note after it, which may take its lists
        by_version = _run_note(before, during)
    saved = note_modules.VERSION
    note_modules.VERSION = None
    try:
        by_entries = _run_note(before, during)
    finally:
        note_modules.VERSION = saved
    assert by_version == by_entries
    assert by_version[3]  # every entry of before is its module again


@pytest.mark.skipif(note_modules.VERSION is None, reason="no version to read here")
def test_a_note_that_changed_nothing_is_not_compared_and_leaves_its_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session_main = sys.modules["__main__"]
    guard = note_modules.ModulesGuard()
    names = guard.names_now()
    assert names.listed(guard.names)  # one list of the names, not two
    guard.enter(types.ModuleType("__main__"))
    with monkeypatch.context() as patched:  # no entry is read
        patched.setattr(note_modules.ModulesGuard, "_unchanged", None)
        assert guard.restore() == []
    guard.leave(session_main, names)
    assert sys.modules["__main__"] is session_main
    assert names.added() == []
    following = note_modules.ModulesGuard()
    assert following.names is guard.names
    assert following.modules is guard.modules
    # Something imported between two notes: the next guard takes the lists afresh.
    sys.modules[f"{PREFIX}between"] = types.ModuleType(f"{PREFIX}between")
    try:
        third = note_modules.ModulesGuard()
        assert third.names is not guard.names
        assert third.names[-1] == f"{PREFIX}between"
    finally:
        del sys.modules[f"{PREFIX}between"]
