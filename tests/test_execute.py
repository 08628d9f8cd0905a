"""Running one piece of a note: display of the last expression, time limits, stdin."""

from __future__ import annotations

import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run.compiling import compile_block
from pytest_torchnotes.run.execute import Execution, Executor
from pytest_torchnotes.run.watchdog import Watchdog
from tests.conftest import FakeFaultTimer


def run(code: str, *, timeout: float | None = None, display: bool = True) -> Execution:
    executor = Executor("note.md")
    execution = executor.run(
        compile_block(code, "note.md", 0, display=display), {}, timeout=timeout
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


def test_the_watchdog_is_armed_once_for_many_blocks(
    monkeypatch: pytest.MonkeyPatch, fault_timer: FakeFaultTimer
) -> None:
    armed = fault_timer.log
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


@pytest.mark.parametrize(
    ("code", "printed"),
    [
        ("import math; math.floor(2.5)", "2\n"),
        ("n = 5; n * 2", "10\n"),
        ("print(1) or abs(-5)", "1\n5\n"),
        ("x = [1,\n     2]\nlen(x)", "2\n"),
        ("from math import pi\nround(pi, 2)  # a comment", "3.14\n"),
        ("del_ = 3\ndel_", "3\n"),  # a name that starts like a keyword
        ("print(1);  abs(-5)", "1\n5\n"),
        ("abs(-5);", ""),
        ("abs(-5);  # hidden", ""),
        ("n = 5; n * 2;", ""),
        ("'''\n;'''", "'\\n;'\n"),  # the ; is inside the string
        ("x = 3\n# abs(-5)", ""),
    ],
)
def test_the_last_statement_is_found_in_the_syntax_tree(code: str, printed: str) -> None:
    assert run(code).stdout == printed


_names = st.sampled_from(["a", "b", "value", "del_", "import_", "print_"])


@given(_names, st.integers(-99, 99), st.booleans(), st.booleans())
def test_statements_on_one_line_display_as_on_separate_lines(
    name: str, number: int, semicolon: bool, print_first: bool
) -> None:
    """``s1; s2; expr`` shows what ``s1``, ``s2``, ``expr`` on three lines shows."""
    statements = [f"{name} = {number}", f"{name} * 2"]
    if print_first:
        statements.insert(0, "print('first')")
    tail = ";" if semicolon else ""
    one_line = run("; ".join(statements) + tail).stdout
    separate = run("\n".join(statements) + tail).stdout
    expected = ("first\n" if print_first else "") + ("" if semicolon else f"{number * 2}\n")
    assert one_line == separate == expected


def test_a_block_runs_as_in_an_interactive_session_when_display_is_on() -> None:
    """Libraries that print their result only outside an interactive session (torchinfo's
    ``summary()``) look at ``sys.ps1``, as set by IPython and the Python prompt."""
    code = "import sys\nprint(hasattr(sys, 'ps1'))"
    assert run(code).stdout == "True\n"
    assert run(code, display=False).stdout == "False\n"
    assert not hasattr(sys, "ps1")  # put back after the block


def test_a_torchinfo_summary_is_shown_once() -> None:
    pytest.importorskip("torchinfo")
    code = (
        "import torch\nfrom torchinfo import summary\n"
        "summary(torch.nn.Linear(2, 3), input_size=(1, 2))"
    )
    shown = run(code).stdout
    assert shown.count("Total params: 9") == 1
    script = run(code, display=False).stdout  # as a script: summary() prints it
    assert script.count("Total params: 9") == 1
    assert run(code + ";").stdout == ""


def test_a_time_limit_that_lands_after_the_block_s_code_leaves_the_session_s_state_put_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The limit's BlockTimeout (its SIGALRM handler, or the exception set for the thread
    # when overdue) can land between the end of the block's code and the limit's stop: it
    # skipped the rest of what puts the state back (the timer stayed armed, the attributes
    # the note patched stayed on). Forced here where it lands first: right after the code.
    import signal

    from pytest_torchnotes.run import execute
    from pytest_torchnotes.run.timers import BlockTimeout

    real = execute.GET_RECURSION_LIMIT
    landed: list[bool] = []

    def landing() -> int:
        if not landed:
            landed.append(True)
            raise BlockTimeout(60)
        return real()

    executor = Executor("note.md")
    afters: list[str] = []
    executor.around_block.append((lambda: None, lambda: afters.append("after")))
    monkeypatch.setattr(execute, "GET_RECURSION_LIMIT", landing)
    try:
        result = executor.run(compile_block("x = 1\n", "note.md", 0, display=False), {}, timeout=60)
    finally:
        executor.close()
    assert landed
    assert result.error is None
    assert afters == ["after"]
    assert getattr(sys, "tracebacklimit", None) is None
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("where", ["between", "before"])
def test_a_time_limit_that_lands_before_the_block_s_code_leaves_the_session_s_state_put_back(
    where: str,
) -> None:
    # The limit started before the try whose finally stops it: a BlockTimeout landing in
    # what puts the note's state on (its SIGALRM handler runs at the first call there) left
    # the timer armed and the state on, and the next SIGALRM, under the session, ended the
    # process. Forced here where it lands: in the first step after the limit started.
    import signal

    from pytest_torchnotes.run.between import BetweenBlocks
    from pytest_torchnotes.run.timers import BlockTimeout

    landed: list[bool] = []

    def landing() -> None:
        if not landed:
            landed.append(True)
            raise BlockTimeout(60)

    executor = Executor("note.md")
    steps: list[str] = []
    executor.around_block.append(
        (landing if where == "before" else lambda: None, lambda: steps.append("after"))
    )
    if where == "between":
        between = BetweenBlocks.__new__(BetweenBlocks)
        between.enter = landing  # type: ignore[method-assign]
        between.leave = lambda: steps.append("leave")  # type: ignore[method-assign]
        executor.between = between
    namespace: dict[str, object] = {}
    try:
        first = executor.run(
            compile_block("x = 1\n", "note.md", 0, display=False), namespace, timeout=60
        )
        timer = signal.getitimer(signal.ITIMER_REAL)
        tracebacklimit = getattr(sys, "tracebacklimit", None)
        again = executor.run(
            compile_block("y = 2\n", "note.md", 0, display=False), namespace, timeout=60
        )
    finally:
        executor.close()
    assert landed
    assert first.error is not None
    assert "x" not in namespace
    assert timer == (0.0, 0.0)
    assert tracebacklimit is None
    assert steps[:1] == ["after"]
    assert steps.count("after") == 2
    assert steps.count("leave") == (2 if where == "between" else 0)
    assert again.error is None
    assert namespace["y"] == 2


def test_what_lands_while_the_block_s_profile_function_comes_off_is_the_block_s() -> None:
    # The trace and profile functions a block leaves on come off right after its code; what
    # is raised at those calls (a signal handler's exception, such as the refusal of a
    # signal the block sent its own process, or the profile function's own error) was
    # dropped with them, and the block passed.
    import signal

    code = (
        "import sys\n"
        "def p(frame, event, arg):\n"
        "    if event == 'c_call' and arg is sys.getprofile:\n"
        "        raise KeyError('landed late')\n"
        "sys.setprofile(p)\n"
    )
    executor = Executor("note.md")
    try:
        result = executor.run(compile_block(code, "note.md", 0, display=False), {}, timeout=60)
        timer = signal.getitimer(signal.ITIMER_REAL)
    finally:
        executor.close()
    assert result.error is not None
    assert result.error.type_name == "KeyError"
    assert sys.getprofile() is None
    assert timer == (0.0, 0.0)
