"""The attributes a note patched, taken off between its blocks and put on again."""

from __future__ import annotations

import json
import sys
import types

from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run.between import BetweenBlocks
from pytest_torchnotes.run.patches import AttributeGuard


def _module(name: str = "fake") -> types.ModuleType:
    module = types.ModuleType(name)
    module.clock = len  # type: ignore[attr-defined]
    module.other = abs  # type: ignore[attr-defined]
    return module


def test_what_a_block_sets_is_off_between_blocks_and_on_in_the_next() -> None:
    module = _module()
    between = BetweenBlocks.watching([module], frozenset({"clock", "added"}))
    between.enter()
    module.clock = None  # type: ignore[attr-defined]
    module.added = 1  # type: ignore[attr-defined]
    between.leave()
    assert module.clock is len
    assert module.added == 1  # type: ignore[attr-defined]  # not the session's to call
    between.enter()
    assert module.clock is None
    between.leave()
    assert module.clock is len
    assert between.changed() == ["fake.clock"]


def test_a_block_that_puts_back_what_it_set_is_not_named() -> None:
    module = _module()
    between = BetweenBlocks.watching([module], frozenset({"clock"}))
    between.enter()
    module.clock = None  # type: ignore[attr-defined]
    between.leave()
    between.enter()
    module.clock = len  # type: ignore[attr-defined]
    between.leave()
    between.enter()
    assert module.clock is len
    between.leave()
    assert between.changed() == []


def test_every_attribute_of_the_standard_library_when_the_names_cannot_be_read() -> None:
    module = _module("json.fake")
    between = BetweenBlocks.watching([module, _module()], None)
    assert between.modules == [module]
    between.enter()
    vars(module)["other"] = None
    del module.clock  # type: ignore[attr-defined]
    module.sub = types.ModuleType("fake.sub")  # type: ignore[attr-defined]
    between.leave()
    assert (module.clock, module.other) == (len, abs)  # type: ignore[attr-defined]
    assert isinstance(module.sub, types.ModuleType)  # type: ignore[attr-defined]
    assert sorted(between.changed()) == ["json.fake.clock", "json.fake.other"]
    between.enter()
    assert not hasattr(module, "clock")
    assert module.other is None
    between.leave()


def test_attributes_not_named_are_left_alone() -> None:
    module = _module()
    between = BetweenBlocks.watching([module], frozenset({"clock"}))
    between.enter()
    module.other = None  # type: ignore[attr-defined]
    between.leave()
    assert module.other is None  # type: ignore[attr-defined]
    assert between.changed() == []


def test_a_target_listed_twice_is_watched_once() -> None:
    module = _module()
    between = BetweenBlocks.watching([module, module], frozenset({"clock"}))
    between.enter()
    module.clock = None  # type: ignore[attr-defined]
    between.leave()
    assert module.clock is len
    assert between.changed() == ["fake.clock"]


def test_the_standard_streams_are_the_sessions_for_each_block() -> None:
    between = BetweenBlocks.watching([sys], frozenset({"stdout"}))
    between.enter()
    saved = sys.stdout
    sys.stdout = sys.__stdout__
    try:
        between.leave()
        assert sys.stdout is sys.__stdout__  # left to the capture, which puts its own back
        assert between.changed() == []
    finally:
        sys.stdout = saved


def test_what_the_attribute_guard_saved_is_watched() -> None:
    module = _module()
    guard = AttributeGuard([module, module], frozenset({"clock", "missing"}))
    between = BetweenBlocks.of(guard)
    assert between.pairs == [(module, "clock")]
    assert BetweenBlocks.of(AttributeGuard([json, module], None)).modules == [json]


#: What a block does to an attribute: set it to one of a few values, or delete it.
CHANGES = st.lists(
    st.tuples(st.sampled_from(["clock", "other"]), st.sampled_from([None, 1, "x", "del"])),
    max_size=3,
)


@given(st.lists(CHANGES, min_size=1, max_size=4), st.booleans())
def test_between_blocks_the_session_sees_its_own_and_each_block_the_notes(
    blocks: list[list[tuple[str, object]]], whole: bool
) -> None:
    """Whatever blocks do to the watched attributes, the session finds its own values after
    each block, and each block starts with what the blocks before it left."""
    module = _module("json.fake")
    session = dict(vars(module))
    between = BetweenBlocks.watching([module], None if whole else frozenset({"clock", "other"}))
    note = dict(session)  # what a script running the blocks one after the other would see
    for changes in blocks:
        between.enter()
        assert {key: vars(module).get(key) for key in ("clock", "other")} == {
            key: note.get(key) for key in ("clock", "other")
        }
        for name, value in changes:
            if value == "del":
                if hasattr(module, name):
                    delattr(module, name)
                note.pop(name, None)
            else:
                setattr(module, name, value)
                note[name] = value
        between.leave()
        assert vars(module) == session
    changed = {name for name in ("clock", "other") if note.get(name, session) is not session[name]}
    assert {name.rpartition(".")[2] for name in between.changed()} == changed
