"""The attributes a note patched, taken off between its blocks and put on again."""

from __future__ import annotations

import types

from pytest_torchnotes.run.between import BetweenBlocks


def _module() -> types.ModuleType:
    module = types.ModuleType("fake")
    module.clock = len  # type: ignore[attr-defined]
    module.other = abs  # type: ignore[attr-defined]
    return module


def test_what_a_block_sets_is_off_between_blocks_and_on_in_the_next() -> None:
    module = _module()
    between = BetweenBlocks([module], frozenset({"clock", "added"}))
    between.enter()
    module.clock = None  # type: ignore[attr-defined]
    module.added = 1  # type: ignore[attr-defined]
    between.leave()
    assert module.clock is len
    assert not hasattr(module, "added")
    between.enter()
    assert module.clock is None
    assert module.added == 1  # type: ignore[attr-defined]
    between.leave()
    assert module.clock is len
    assert sorted(between.changed()) == ["fake.added", "fake.clock"]


def test_a_block_that_puts_back_what_it_set_is_not_named() -> None:
    module = _module()
    between = BetweenBlocks([module], frozenset({"clock"}))
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


def test_every_attribute_when_the_names_cannot_be_read() -> None:
    module = _module()
    between = BetweenBlocks([module], None)
    between.enter()
    vars(module)["other"] = None
    del module.clock  # type: ignore[attr-defined]
    module.sub = types.ModuleType("fake.sub")  # type: ignore[attr-defined]
    between.leave()
    assert (module.clock, module.other) == (len, abs)  # type: ignore[attr-defined]
    assert isinstance(module.sub, types.ModuleType)  # type: ignore[attr-defined]
    assert sorted(between.changed()) == ["fake.clock", "fake.other"]
    between.enter()
    assert not hasattr(module, "clock")
    assert module.other is None
    between.leave()


def test_attributes_not_named_are_left_alone() -> None:
    module = _module()
    between = BetweenBlocks([module], frozenset({"clock"}))
    between.enter()
    module.other = None  # type: ignore[attr-defined]
    between.leave()
    assert module.other is None  # type: ignore[attr-defined]
    assert between.changed() == []


def test_a_target_listed_twice_is_watched_once() -> None:
    module = _module()
    between = BetweenBlocks([module, module], frozenset({"clock"}))
    between.enter()
    module.clock = None  # type: ignore[attr-defined]
    between.leave()
    assert module.clock is len
    assert between.changed() == ["fake.clock"]
