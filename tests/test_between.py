"""The attributes a note patched, taken off between its blocks and put on again."""

from __future__ import annotations

import json
import sys
import types

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
