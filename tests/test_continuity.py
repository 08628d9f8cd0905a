"""The state a note found, kept for the next note when nothing ran between them."""

from __future__ import annotations

import os
import threading

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_torchnotes.run import knobs
from pytest_torchnotes.run.continuity import FRESH, Continuity


def _snapshot(every: list[knobs.Knob]) -> list[object]:
    guard = knobs.StateGuard(every)
    guard.snapshot()
    return guard.saved


def _same_as_read_now(every: list[knobs.Knob], taken: list[object]) -> list[str]:
    """The knobs whose taken value differs from what they read now."""
    return [
        knob.name
        for knob, value in zip(every, taken, strict=True)
        if not knobs._same(knob.get(), value)
    ]


def test_off_until_the_driver_turns_it_on() -> None:
    every = knobs.every_knob()
    kept = Continuity()
    kept.leave(every, _snapshot(every), clean=True)
    assert kept.take(every) is None


def test_what_is_taken_is_what_a_snapshot_reads_when_nothing_ran() -> None:
    every = knobs.every_knob()
    kept = Continuity(enabled=True)
    kept.leave(every, _snapshot(every), clean=True)
    taken = kept.take(every)
    assert taken is not None
    assert _same_as_read_now(every, taken) == []
    assert kept.take(every) is None  # once: the next note's end decides again


def test_the_knobs_pytest_changes_between_items_are_read_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    every = knobs.every_knob()
    kept = Continuity(enabled=True)
    kept.leave(every, _snapshot(every), clean=True)
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "notes/b.md::b.md (call)")
    taken = kept.take(every)
    assert taken is not None
    assert "environment variables" in FRESH
    assert _same_as_read_now(every, taken) == []


@pytest.mark.parametrize(
    "why",
    ["a note that changed state", "forgotten", "a new thread", "knobs made anew"],
)
def test_the_state_is_read_afresh(why: str) -> None:
    every = knobs.every_knob()
    kept = Continuity(enabled=True)
    kept.leave(every, _snapshot(every), clean=why != "a note that changed state")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    if why == "forgotten":
        kept.forget()
    elif why == "a new thread":
        thread.start()
    elif why == "knobs made anew":
        every = [knobs.Knob(knob.name, knob.get, knob.set) for knob in every]
    try:
        assert kept.take(every) is None
    finally:
        stop.set()
        if thread.is_alive():
            thread.join()


def test_every_knob_the_fresh_set_names_exists() -> None:
    names = {knob.name for knob in knobs.every_knob()}
    assert names >= FRESH


@settings(max_examples=25, deadline=None)
@given(
    dtype=st.sampled_from([torch.float32, torch.float64]),
    variable=st.sampled_from([None, "a", "b"]),
)
def test_a_taken_snapshot_puts_back_what_a_fresh_one_would(
    dtype: torch.dtype, variable: str | None
) -> None:
    """A note that changes a knob after a note that changed nothing: the state put back and
    the names reported are the same whether its snapshot was taken or read."""
    every = knobs.every_knob()
    before = torch.get_default_dtype()
    saved_variable = os.environ.get("TORCHNOTES_TEST_VARIABLE")
    outcomes = []
    try:
        for take in (False, True):
            kept = Continuity(enabled=True)
            kept.leave(every, _snapshot(every), clean=True)
            guard = knobs.StateGuard(every)
            taken = kept.take(every) if take else None
            if taken is None:
                guard.snapshot()
            else:
                guard.saved = taken
            torch.set_default_dtype(dtype)  # the note
            if variable is not None:
                os.environ["TORCHNOTES_TEST_VARIABLE"] = variable
            outcomes.append((guard.restore(), torch.get_default_dtype(), dict(os.environ)))
    finally:
        torch.set_default_dtype(before)
        if saved_variable is None:
            os.environ.pop("TORCHNOTES_TEST_VARIABLE", None)
        else:
            os.environ["TORCHNOTES_TEST_VARIABLE"] = saved_variable
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1] == before
