"""Running one piece of a note: display of the last expression, time limits, stdin."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes import timers
from pytest_torchnotes.execute import Execution, Executor, Watchdog, compile_block


def run(code: str, *, timeout: float | None = None, display: bool = True) -> Execution:
    executor = Executor("note.md")
    execution = executor.run(
        compile_block(code, "note.md", 1, display=display), {}, timeout=timeout
    )
    executor.close()
    return execution


@pytest.mark.parametrize(
    ("code", "printed"),
    [
        ("1 + 1", "2\n"),
        ("x = 3\nx", "3\n"),
        ("print('a')", "a\n"),  # the value of print() is None: nothing more
        ("x = 3", ""),
        ("'text'", "'text'\n"),
        ("if True:\n    5", ""),  # not a bare expression at the top level
    ],
)
def test_the_last_bare_expression_is_shown(code: str, printed: str) -> None:
    assert run(code).stdout == printed


def test_display_can_be_turned_off() -> None:
    assert run("1 + 1", display=False).stdout == ""


@given(st.integers(), st.integers())
def test_display_equals_print(a: int, b: int) -> None:
    shown = run(f"({a}) * ({b})").stdout
    printed = run(f"print(repr(({a}) * ({b})))").stdout
    assert shown == printed


def test_input_reads_nothing() -> None:
    execution = run("input('name? ')")
    assert execution.error is not None
    assert execution.error.type_name == "EOFError"


def test_a_python_loop_stops_at_its_limit() -> None:
    started = time.perf_counter()
    execution = run("while True:\n    pass", timeout=0.2)
    assert execution.error is not None
    assert execution.error.type_name == "Timeout"
    assert time.perf_counter() - started < 5


def test_the_watchdog_is_armed_once_for_many_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    armed: list[float] = []
    monkeypatch.setattr(timers, "DUMP_LATER", lambda s, **_: armed.append(s))
    monkeypatch.setattr(timers, "CANCEL_DUMP", lambda: armed.append(0))
    monkeypatch.setenv("TORCHNOTES_HARD_LIMIT_GRACE", "10")
    watchdog = Watchdog()
    for _ in range(100):
        watchdog.cover(5)
    assert armed == [30]  # twice (5 s + 10 s of grace)
    watchdog.cover(50)  # a longer block needs a later deadline
    assert armed == [30, 120]
    watchdog.cover(None)  # a block without a limit must never be stopped
    assert armed == [30, 120, 0]
    watchdog.disarm()
    assert armed == [30, 120, 0]
