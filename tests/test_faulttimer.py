"""faulthandler's timer kept armed from one note to the next (run/faulttimer.py): armed and
cancelled once for notes that follow one another, for each note where anything may run or
stop between notes, and never relied on once anybody else cancelled or armed it."""

from __future__ import annotations

import faulthandler
import threading
import time
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run import alarms, faulttimer
from pytest_torchnotes.run.faulttimer import HeldTimer
from pytest_torchnotes.run.watchdog import Faulthandler, Watchdog
from tests.conftest import FakeFaultTimer, WriteNote


@pytest.fixture
def idle_calls(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], None]]:
    """What the alarm thread was given to call once a timer left armed is idle."""
    calls: list[Callable[[], None]] = []

    def call_at(when: float, function: Callable[[], None]) -> bool:
        calls.append(function)
        return True

    monkeypatch.setattr(alarms, "call_at", call_at)
    return calls


def _left_for_the_next_note(held: HeldTimer, seconds: float = 5) -> None:
    """A note whose block has a limit of ``seconds`` ends, and a note follows at once."""
    watchdog = Watchdog(grace=10, held=held)
    watchdog.cover(seconds)
    watchdog.disarm(keep=True)


def test_the_token_tells_whether_faulthandler_still_holds_the_sessions_timer() -> None:
    """With the interpreter's own timer: cancelled or armed again by anybody, through any
    reference to faulthandler's functions, it is no longer the session's."""
    held = HeldTimer()
    try:
        held.arm(3600, 2)
        assert held.holds()
        faulthandler.cancel_dump_traceback_later()
        assert not held.holds()
        held.arm(3600, 2)
        faulthandler.dump_traceback_later(7200, exit=False, file=2)
        assert not held.holds()
        assert held.take(2) is None
    finally:
        faulthandler.cancel_dump_traceback_later()


def test_the_next_note_takes_the_timer_left_armed(
    fault_timer: FakeFaultTimer, idle_calls: list[Callable[[], None]]
) -> None:
    held = HeldTimer()
    _left_for_the_next_note(held)
    assert fault_timer.log == [30]  # twice (5 s + 10 s of grace), not cancelled
    second = Watchdog(grace=10, held=held)
    second.cover(5)
    assert fault_timer.log == [30]
    idle_calls[0]()  # the alarm thread, after the note took it: nothing to cancel
    assert fault_timer.log == [30]
    second.cover(50)  # a longer limit needs a later deadline
    assert fault_timer.log == [30, 120]
    second.disarm()
    assert fault_timer.log == [30, 120, 0]


def test_a_timer_no_note_takes_is_cancelled_by_the_alarm_thread(
    fault_timer: FakeFaultTimer, idle_calls: list[Callable[[], None]]
) -> None:
    held = HeldTimer()
    _left_for_the_next_note(held)
    idle_calls[0]()
    assert fault_timer.log == [30, 0]
    Watchdog(grace=10, held=held).cover(5)
    assert fault_timer.log == [30, 0, 30]


@pytest.mark.parametrize("foreign", ["cancel", "arm"])
def test_a_timer_someone_else_replaced_is_armed_again(
    fault_timer: FakeFaultTimer, idle_calls: list[Callable[[], None]], foreign: str
) -> None:
    """Between two notes, or between two blocks of one note, through references to
    faulthandler's functions that the plugin's wrappers do not see."""
    held = HeldTimer()
    _left_for_the_next_note(held)
    if foreign == "cancel":
        fault_timer.cancel()
    else:
        fault_timer.dump_later(1000, file=2)
    watchdog = Watchdog(grace=10, held=held)
    watchdog.cover(5)
    assert fault_timer.log[-1] == 30
    assert held.holds()
    fault_timer.cancel()  # now within the note
    watchdog.cover(5)
    assert fault_timer.log[-1] == 30
    assert held.holds()


@pytest.mark.parametrize(
    "case", ["no note follows", "too little left", "pytest's timeout", "the note's own timer"]
)
def test_the_timer_is_cancelled_when_the_note_is_over_where_it_may_not_be_kept(
    fault_timer: FakeFaultTimer, idle_calls: list[Callable[[], None]], case: str
) -> None:
    pytest_handler = (
        Faulthandler(2, time.monotonic() + 1000) if case == "pytest's timeout" else None
    )
    watchdog = Watchdog(grace=1, pytest=pytest_handler, held=HeldTimer())
    watchdog.cover(0.5 if case == "too little left" else 5)  # 3 s left: under KEEP_FOR
    if case == "the note's own timer":
        watchdog.replaced()
    watchdog.disarm(keep=case != "no note follows")
    assert fault_timer.cancels == 1
    assert idle_calls == []


def test_without_the_alarm_thread_the_timer_is_not_kept(
    fault_timer: FakeFaultTimer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alarms, "_started", False)
    _left_for_the_next_note(HeldTimer())
    assert fault_timer.log == [30, 0]


@pytest.mark.parametrize("next_note", ["a block without a limit", "no block that runs"])
def test_a_note_that_does_not_take_the_timer_cancels_it(
    fault_timer: FakeFaultTimer, idle_calls: list[Callable[[], None]], next_note: str
) -> None:
    """The timer the note before left armed never runs under a block without a limit, nor
    past the end of a note that had nothing to hold it for."""
    held = HeldTimer()
    _left_for_the_next_note(held)
    watchdog = Watchdog(grace=10, held=held)
    if next_note == "a block without a limit":
        watchdog.cover(None)
    else:
        watchdog.disarm()
    assert fault_timer.log == [30, 0]
    assert fault_timer.file is None


def test_the_alarm_thread_calls_what_it_was_given() -> None:
    called = threading.Event()
    assert alarms.start_receiver()
    assert alarms.call_at(time.monotonic(), called.set)
    assert called.wait(60)


#: What may happen to the session's timer, in any order: a block with a limit starts, a
#: note ends with a note to follow or without, the alarm thread's idle call, somebody
#: else's cancel or arming, the session's end.
EVENTS = st.lists(
    st.sampled_from(["block", "follows", "over", "idle", "foreign cancel", "foreign arm", "end"]),
    max_size=30,
)


@given(EVENTS)
def test_a_block_always_starts_under_the_sessions_own_timer(events: list[str]) -> None:
    """Whatever happened before, a block with a limit starts with faulthandler's timer armed
    by the session for at least its limit and grace; a note over with no note to follow,
    the alarm thread's idle call and the session's end leave no timer of the session's."""
    timer = FakeFaultTimer()
    idle: list[Callable[[], None]] = []
    saved = faulttimer.DUMP_LATER, faulttimer.CANCEL_DUMP, alarms.call_at
    faulttimer.DUMP_LATER, faulttimer.CANCEL_DUMP = timer.dump_later, timer.cancel  # type: ignore[assignment]
    alarms.call_at = lambda when, function: idle.append(function) is None  # type: ignore[assignment]
    try:
        held = HeldTimer()
        watchdog = Watchdog(grace=10, held=held)
        waiting = False  # whether the session's timer waits, armed, for the next note
        for event in events:
            if event == "block":
                began = time.monotonic()
                watchdog.cover(5)
                assert isinstance(timer.file, faulttimer._Token)
                assert held.holds()
                assert held.deadline is not None
                assert held.deadline >= began + 15
                waiting = False
            elif event in ("follows", "over"):
                watchdog.disarm(keep=event == "follows")
                watchdog = Watchdog(grace=10, held=held)
                waiting = event == "follows" and held.holds()
            elif event == "idle" and idle:
                idle.pop()()
            elif event == "foreign cancel":
                timer.cancel()
            elif event == "foreign arm":
                timer.dump_later(1000, file=2)
            elif event == "end":
                held.close()
            if event in ("over", "idle", "end") and not (event == "idle" and not waiting):
                assert not isinstance(timer.file, faulttimer._Token)
                waiting = False
    finally:
        faulttimer.DUMP_LATER, faulttimer.CANCEL_DUMP, alarms.call_at = saved  # type: ignore[assignment]


def _notes(write_note: WriteNote, count: int = 4) -> None:
    for n in range(count):
        write_note(
            f"```python\nprint({n})\n```\n\n```\n{n}\n```\n\n"
            f"```python\nprint({n} + 1)\n```\n\n```\n{n + 1}\n```\n",
            name=f"note{n}.md",
        )


def test_notes_that_follow_one_another_arm_and_cancel_the_timer_once(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    fault_timer: FakeFaultTimer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(faulttimer, "IDLE", 3600.0)  # the alarm thread never cancels it here
    _notes(write_note)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    assert (fault_timer.arms, fault_timer.cancels) == (1, 1)  # cancelled at the session's end
    assert fault_timer.file is None


@pytest.mark.parametrize("between", ["a conftest hook", "--pdb", "a fixture", "a test"])
def test_the_timer_is_armed_for_each_note_where_anything_may_run_between_notes(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    fault_timer: FakeFaultTimer,
    monkeypatch: pytest.MonkeyPatch,
    between: str,
) -> None:
    monkeypatch.setattr(faulttimer, "IDLE", 3600.0)
    _notes(write_note)
    args = ["-p", "no:cacheprovider"]
    passed = 4
    if between == "a conftest hook":
        pytester.makeconftest("def pytest_runtest_setup(item):\n    pass\n")
    elif between == "--pdb":
        args.append("--pdb")
    elif between == "a fixture":
        pytester.makeconftest(
            "import pytest\n\n@pytest.fixture(autouse=True)\ndef around():\n    yield\n"
        )
    else:  # a Python test collected between the notes (they sort by name)
        pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntestpaths = notes\n")
        (pytester.path / "notes" / "note1_test.py").write_text("def test_it():\n    pass\n")
        args += ["notes/note0.md", "notes/note1_test.py", "notes/note1.md"]
        args += ["notes/note2.md", "notes/note3.md"]
        passed = 5
    result = pytester.runpytest(*args)
    result.assert_outcomes(passed=passed)
    if between == "a test":  # before the test, and before the note after it
        assert (fault_timer.arms, fault_timer.cancels) == (2, 2)
    else:
        assert (fault_timer.arms, fault_timer.cancels) == (4, 4)


def test_the_alarm_thread_cancels_the_interpreters_timer_no_note_took(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(faulttimer, "IDLE", 0.0)
    monkeypatch.setattr(faulttimer, "KEEP_FOR", 0.0)
    assert alarms.start_receiver()
    held = HeldTimer()
    try:
        held.arm(3600, 2)
        assert held.release()
        for _ in range(600):  # the thread wakes every alarms.PERIOD seconds
            if not held.holds():
                break
            time.sleep(0.1)
        assert not held.holds()
    finally:
        faulthandler.cancel_dump_traceback_later()


def test_a_hang_in_c_code_in_the_note_after_is_stopped_by_the_timer_it_took(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first note arms the timer for 2 x (1 s + 3 s) and leaves it armed (8 s: more than
    KEEP_FOR); the second note's block waits in C with ``SIGALRM`` blocked, which only the
    hard limit stops. In a process of its own: the hard limit ends it."""
    from tests.test_robustness import run_to_the_last_writer

    write_note("```python\nprint(1)\n```\n\n```\n1\n```\n", name="a.md")
    write_note(
        "```python\nimport signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, "
        "[signal.SIGALRM])\ntime.sleep(120)\n```\n",
        name="b.md",
    )
    monkeypatch.setenv("TORCHNOTES_HARD_LIMIT_GRACE", "3")
    result = run_to_the_last_writer(pytester, "--torchnotes-timeout=1", "-s", timeout=100)
    assert result.ret not in (0, None)
    result.stderr.fnmatch_lines(["Timeout (0:00:0*)!", '*File "notes/b.md", line 4 in <module>'])
