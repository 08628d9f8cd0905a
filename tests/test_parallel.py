"""The torchnotes summary says when pytest-xdist's workers cost more than they saved."""

from __future__ import annotations

import math
import re
import statistics

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pytest_torchnotes.reporting.parallel import WorkerStarts
from tests.conftest import WriteNote


def starts(*notes: tuple[float, bool]) -> WorkerStarts:
    result = WorkerStarts()
    for seconds, first in notes:
        result.add(seconds, first)
    return result


def test_quick_notes_on_two_workers_are_slower_than_serial() -> None:
    advice = starts((2.0, True), (2.1, True), *[(0.01, False)] * 50).advice(elapsed=4.0)
    assert advice is not None
    assert "2 workers took 4.0 s from their launch to the end of the run" in advice
    # one start of torch (the quickest worker's) and every note's own time
    assert "serially take about 2.5 s (one start of torch, 2.0 s," in advice
    assert "and the notes' own 0.5 s as the workers ran them" in advice
    assert advice.endswith("notes this quick run faster without -n")


def test_notes_that_work_pay_for_the_workers() -> None:
    assert starts((2.0, True), (2.1, True), *[(0.5, False)] * 50).advice(elapsed=16.0) is None


def test_workers_that_ran_quicker_than_a_serial_run_get_no_advice() -> None:
    """A serial run imports torch too: workers whose start was more than what sharing the
    notes out saved can still end before a serial run of the same notes would."""
    notes = starts((2.5, True), (2.5, True), *[(0.05, False)] * 80)
    # serially: one start of 2.45 s and the notes' own 4.1 s; the workers took 5.5 s
    assert notes.advice(elapsed=5.5) is None
    assert notes.advice(elapsed=6.6) is not None


@given(
    firsts=st.lists(st.floats(0.0, 30.0), min_size=2, max_size=8),
    others=st.lists(st.floats(0.0, 2.0), max_size=60),
    elapsed=st.floats(0.0, 200.0),
)
def test_the_advice_is_given_only_when_the_run_took_longer_than_serially(
    firsts: list[float], others: list[float], elapsed: float
) -> None:
    notes = starts(*[(seconds, True) for seconds in firsts], *[(s, False) for s in others])
    advice = notes.advice(elapsed=elapsed)
    typical = statistics.median([*firsts, *others])
    serial = (
        min(max(0.0, first - typical) for first in firsts)
        + sum(min(first, typical) for first in firsts)
        + sum(others)
    )
    assume(not math.isclose(elapsed, serial, rel_tol=1e-9, abs_tol=1e-9))
    assert (advice is not None) == (elapsed > serial)
    if advice is not None:
        assert f"took {elapsed:.1f} s from their launch" in advice
        stated = re.search(r"serially take about ([0-9.]+) s", advice)
        assert stated is not None
        assert abs(float(stated[1]) - serial) <= 0.05 + 1e-9 * serial


def test_a_serial_run_one_worker_or_an_unknown_launch_get_no_advice() -> None:
    assert starts((2.0, True), *[(0.01, False)] * 50).advice(elapsed=60.0) is None
    assert starts(*[(0.01, False)] * 50).advice(elapsed=60.0) is None
    assert starts((2.0, True), (2.1, True), *[(0.01, False)] * 50).advice(elapsed=None) is None


def test_the_advice_under_xdist(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    pytest.importorskip("xdist")
    for index in range(8):
        write_note(
            f"```python\nimport torch\nprint({index})\n=== output ===\n{index}\n```\n",
            f"n{index}.md",
        )
    result = pytester.runpytest("-n", "2", "-p", "no:randomly")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(
        [
            "pytest-xdist: 2 workers took * s from their launch to the end of the run; the same"
            " notes run serially take about * s (one start of torch, * s, *"
        ]
    )
    serial = pytester.runpytest("-p", "no:randomly")
    serial.assert_outcomes(passed=8)
    assert "pytest-xdist" not in serial.stdout.str()
