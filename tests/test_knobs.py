"""The knobs of global state are made once, and made again around an object a note rebinds."""

from __future__ import annotations

import sys
from importlib.machinery import FileFinder
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_torchnotes.run import knobs


def test_the_knobs_are_made_once() -> None:
    assert knobs.every_knob() is knobs.every_knob()


def test_a_rebound_sys_path_gets_a_knob_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    before = knobs.every_knob()
    monkeypatch.setattr(sys, "path", [*sys.path])
    guard = knobs.StateGuard(knobs.every_knob())
    guard.snapshot()
    sys.path.append("/added/by/a/note")
    assert "sys.path" in guard.restore()
    assert "/added/by/a/note" not in sys.path
    assert knobs.every_knob() is not before


def test_rebound_torch_print_options_get_a_knob_of_their_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    torch_str = pytest.importorskip("torch._tensor_str")
    before = knobs.every_knob()
    monkeypatch.setattr(torch_str, "PRINT_OPTS", type(torch_str.PRINT_OPTS)())
    guard = knobs.StateGuard(knobs.every_knob())
    guard.snapshot()
    torch_str.PRINT_OPTS.precision = 1
    assert "torch print options" in guard.restore()
    assert torch_str.PRINT_OPTS.precision == 4
    assert knobs.every_knob() is not before


def test_a_knob_always_changed_is_put_back_unread() -> None:
    """What the runner itself changes for every note is set back without a read."""
    reads: list[int] = []
    state = {"value": 1}

    def read() -> int:
        reads.append(1)
        return state["value"]

    knob = knobs.Knob("ours", read, lambda value: state.update(value=value))
    guard = knobs.StateGuard([knob])
    guard.snapshot()
    state["value"] = 2
    assert guard.restore(always={"ours"}) == ["ours"]
    assert (state["value"], len(reads)) == (1, 1)
    assert guard.restore() == []
    assert len(reads) == 2


@pytest.mark.parametrize("made_flushing", [False, True])
def test_the_flush_denormal_knob_reads_the_setting_of_now(made_flushing: bool) -> None:
    """The knob reads the setting when it is read, whatever it was when the knob was made."""
    torch = pytest.importorskip("torch")
    from pytest_torchnotes.run.knobs.torch_state import _flush_denormal

    if not torch.set_flush_denormal(made_flushing):
        pytest.skip("this CPU cannot flush denormal numbers")
    try:
        knob = _flush_denormal(torch)
        assert knob.get() is made_flushing
        knob.set(not made_flushing)
        assert knob.get() is (not made_flushing)
    finally:
        torch.set_flush_denormal(False)


def test_the_finder_cache_counts_a_folder_given_none_and_not_a_finder_made_again(
    tmp_path: Path,
) -> None:
    from pytest_torchnotes.run.knobs.registries import _FinderCache

    folder, missing = str(tmp_path), str(tmp_path / "missing")
    before = _FinderCache({folder: FileFinder(folder)})
    assert _FinderCache({folder: FileFinder(folder)}) == before  # made again
    assert _FinderCache({folder: FileFinder(folder), missing: None}) == before  # no folder
    assert _FinderCache({folder: None}) != before  # replaced
    other = tmp_path / "other"
    other.mkdir()
    assert _FinderCache({folder: FileFinder(folder), str(other): None}) != before  # poisoned


#: Finders a path may have: two of one class, one of another, ``None``.
_FINDERS = (FileFinder("/a"), FileFinder("/b"), object(), None)


@settings(max_examples=200, deadline=None)
@given(
    before=st.dictionaries(
        st.sampled_from(["/", "/a", "/b", "/nowhere"]), st.sampled_from(_FINDERS)
    ),
    now=st.dictionaries(st.sampled_from(["/", "/a", "/b", "/nowhere"]), st.sampled_from(_FINDERS)),
    same=st.booleans(),
)
def test_the_finder_cache_compared_at_once_says_what_path_by_path_says(
    before: dict[str, object], now: dict[str, object], same: bool
) -> None:
    """The shortcut for the very same finders in the same order gives what comparing each
    path gives, whatever the order and the finders."""
    from pytest_torchnotes.run.knobs.registries import _FinderCache

    if same:  # the same entries, maybe in another order
        now = dict(sorted(before.items(), key=lambda item: item[0], reverse=bool(len(now) % 2)))
    assert (_FinderCache(now) == _FinderCache(before)) is _FinderCache(now).same_finders(
        _FinderCache(before)
    )


def test_the_finder_cache_read_again_unchanged_is_the_same_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the cache's version can be read, a read of the unchanged cache is the read
    before (no copy, no comparison of its paths); a finder replaced, added or removed is
    a new read, compared path by path as before."""
    from pytest_torchnotes.run.dictversion import VERSION
    from pytest_torchnotes.run.knobs.registries import _FinderCache

    folder = str(tmp_path)
    cache: dict[str, object] = {folder: FileFinder(folder), "/a": FileFinder("/a")}
    monkeypatch.setattr(sys, "path_importer_cache", cache)
    monkeypatch.setattr(_FinderCache, "last", None)
    before = _FinderCache.read()
    again = _FinderCache.read()
    assert again == before
    assert (again is before) is (VERSION is not None)
    cache[folder] = None  # a folder's finder replaced by None: every import from it fails
    assert _FinderCache.read() != before
    cache[folder] = before.entries[folder]  # put back as it was: no change
    assert _FinderCache.read() == before
    cache["/b"] = FileFinder("/b")  # another path looked in: no change either
    assert _FinderCache.read() == before
    cache[folder] = FileFinder(folder)  # made again, of the same class: no change
    assert _FinderCache.read() == before


def test_the_environment_read_again_unchanged_is_the_same_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pytest_torchnotes.run.dictversion import VERSION
    from pytest_torchnotes.run.knobs import python_state

    monkeypatch.delenv("TORCHNOTES_TEST_KNOB", raising=False)
    before = python_state._environment()
    again = python_state._environment()
    assert again == before
    assert (again is before) is (VERSION is not None)
    monkeypatch.setenv("TORCHNOTES_TEST_KNOB", "1")
    changed = python_state._environment()
    assert changed != before
    assert changed[b"TORCHNOTES_TEST_KNOB"] == b"1"
    monkeypatch.delenv("TORCHNOTES_TEST_KNOB")
    assert python_state._environment() == before  # put back: the same variables
