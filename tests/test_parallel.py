"""The torchnotes summary says when pytest-xdist's workers cost more than they saved."""

from __future__ import annotations

import pytest

from pytest_torchnotes.reporting.parallel import WorkerStarts
from tests.conftest import WriteNote


def starts(*notes: tuple[float, bool]) -> WorkerStarts:
    result = WorkerStarts()
    for seconds, first in notes:
        result.add(seconds, first)
    return result


def test_quick_notes_on_two_workers_are_slower_than_serial() -> None:
    advice = starts((2.0, True), (2.1, True), *[(0.01, False)] * 50).advice()
    assert advice is not None
    assert "each of 2 workers took 2.0 s to import torch" in advice
    assert "(they ran 0.5 s in all)" in advice
    assert advice.endswith("notes this quick run faster without -n")


def test_notes_that_work_pay_for_the_workers() -> None:
    assert starts((2.0, True), (2.1, True), *[(0.5, False)] * 50).advice() is None


def test_a_serial_run_or_one_worker_gets_no_advice() -> None:
    assert starts((2.0, True), *[(0.01, False)] * 50).advice() is None
    assert starts(*[(0.01, False)] * 50).advice() is None


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
        ["pytest-xdist: each of 2 workers took * s to import torch and start its first note, *"]
    )
    serial = pytester.runpytest("-p", "no:randomly")
    serial.assert_outcomes(passed=8)
    assert "pytest-xdist" not in serial.stdout.str()
