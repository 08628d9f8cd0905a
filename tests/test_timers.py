"""Time limits of blocks beside the timers of the session: pytest-timeout, faulthandler."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pytest_torchnotes.markdown.document import NoteDocument
from pytest_torchnotes.markdown.regions import note_parsers
from pytest_torchnotes.run import faulttimer
from pytest_torchnotes.run import watchdog as watchdog_module
from pytest_torchnotes.run.runner import NoteRunner, RunSettings
from pytest_torchnotes.run.timers import TimeLimit
from pytest_torchnotes.run.watchdog import Faulthandler
from tests.conftest import FakeFaultTimer, WriteNote

#: What pytest-timeout's signal method does: a SIGALRM handler that fails the test, and
#: the interval timer armed for the whole test. After the test, what is left of the timer.
OUTER_TIMER = """
import signal, pytest

@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    def expire(signum, frame):
        pytest.fail("the outer timer fired")

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, {seconds})
    try:
        return (yield)
    finally:
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        kept = signal.getsignal(signal.SIGALRM) is expire
        print(f"left over 25: {{left > 25}}, handler kept: {{kept}}")
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
"""


@pytest.mark.parametrize(
    "limit", ["", "<!-- torchnotes: timeout 20 -->\n"], ids=["ini", "directive"]
)
def test_an_outer_interval_timer_fires_at_its_time_in_a_block(
    pytester: pytest.Pytester, write_note: WriteNote, limit: str
) -> None:
    pytester.makeconftest(OUTER_TIMER.format(seconds=0.6))
    write_note(
        "```python\nimport time\ntime.sleep(0.4)\n```\n\n"
        f"{limit}```python\ntime.sleep(10)\nprint('not', 'reached')\n```\n"
    )
    started = time.monotonic()
    result = pytester.runpytest("-s")
    assert time.monotonic() - started < 5
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Failed: the outer timer fired*"])
    assert "\nnot reached" not in result.stdout.str()


def test_an_outer_interval_timer_keeps_its_time_and_handler_after_a_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    pytester.makeconftest(OUTER_TIMER.format(seconds=30))
    write_note("```python\nprint(1)\n```\n\n```python\nprint(2)\n```\n")
    result = pytester.runpytest("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*left over 25: True, handler kept: True*"])


def test_pytest_faulthandler_timeout_dumps_while_notes_run(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\nfaulthandler_timeout = 1\n")
    pytester.makeconftest("import torch  # not imported while the note's time runs")
    write_note("```python\nimport time\ntime.sleep(0.2)\n```\n\n```python\ntime.sleep(2)\n```\n")
    result = pytester.runpytest_subprocess(timeout=60)
    result.assert_outcomes(passed=1)
    result.stderr.fnmatch_lines(['*File "notes/note.md", line * in <module>'])


def test_a_note_that_replaces_faulthandlers_timer_keeps_the_hard_limit(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_note(
        "```python\nimport faulthandler\nfaulthandler.dump_traceback_later(1000)\n```\n\n"
        "```python\nimport signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, "
        "[signal.SIGALRM])\ntime.sleep(60)\n```\n"
    )
    monkeypatch.setenv("TORCHNOTES_HARD_LIMIT_GRACE", "1")
    result = pytester.runpytest_subprocess("--torchnotes-timeout=0.5", timeout=40)
    assert result.ret not in (0, None)
    result.stderr.fnmatch_lines(["Timeout (0:00:0*)!", '*File "notes/note.md", line 9 in <module>'])


@pytest.mark.parametrize("call", ["dump_traceback_later", "cancel_dump_traceback_later"])
def test_the_watchdog_is_armed_again_after_a_note_replaced_it(
    monkeypatch: pytest.MonkeyPatch, fault_timer: FakeFaultTimer, call: str
) -> None:
    import faulthandler

    armed = fault_timer.log
    monkeypatch.setenv("TORCHNOTES_HARD_LIMIT_GRACE", "10")
    limit = TimeLimit()
    watchdog = limit.watchdog
    before = faulthandler.dump_traceback_later, faulthandler.cancel_dump_traceback_later
    with limit.watching_faulthandler():
        watchdog.cover(5)
        getattr(faulthandler, call)(*([1000] if call == "dump_traceback_later" else []))
        watchdog.cover(5)
    if call == "dump_traceback_later":
        assert armed == [30, 1000, 30]
    else:  # armed again at once for what is left of it, then kept for the next block
        assert armed[:2] == [30, 0]
        assert len(armed) == 3
        assert 29 < armed[2] <= 30
    watchdog.disarm()
    assert armed[-1] == 0
    assert (faulthandler.dump_traceback_later, faulthandler.cancel_dump_traceback_later) == before


def test_pytests_dump_is_armed_again_for_what_remains(monkeypatch: pytest.MonkeyPatch) -> None:
    armed: list[tuple[float, bool, int]] = []

    def dump_later(seconds: float, exit: bool, file: Any) -> None:
        armed.append((seconds, exit, file if isinstance(file, int) else file.fileno()))

    monkeypatch.setattr(faulttimer, "DUMP_LATER", dump_later)
    monkeypatch.setattr(faulttimer, "CANCEL_DUMP", lambda: None)
    pytest_handler = Faulthandler(7, time.monotonic() + 100, exit=True)
    watchdog = watchdog_module.Watchdog(grace=1, pytest=pytest_handler)
    watchdog.cover(1)
    watchdog.disarm()
    assert armed[0] == (4, True, 7)  # the hard limit, to the terminal
    remaining, exit, file = armed[1]
    assert 99 < remaining <= 100
    assert (exit, file) == (True, 7)


def test_a_block_that_swallows_its_timeout_is_named_before_the_process_ends(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_note(
        "```python\nprint('first')\n```\n\n```python\nimport time\nwhile True:\n    try:\n"
        "        time.sleep(1)\n    except BaseException:\n        pass\n```\n"
    )
    monkeypatch.setenv("TORCHNOTES_HARD_LIMIT_GRACE", "2")
    result = pytester.runpytest_subprocess("--torchnotes-timeout=0.5", timeout=40)
    assert result.ret not in (0, None)
    result.stderr.fnmatch_lines(
        [
            "notes/note.md:5: block 2: did not stop within its time limit of 0.5 s (it caught "
            "the exception that stops it, and ran 1 s more): the process ends (see the timeout "
            "directive)",
            '*File "notes/note.md", line 9 in <module>',
        ]
    )


def test_a_note_arms_the_watchdog_once_for_its_blocks_and_the_freeing_of_its_objects(
    fault_timer: FakeFaultTimer, tmp_path: Path
) -> None:
    """faulthandler's watchdog is a thread started when armed and joined when cancelled:
    the freeing of a note's objects runs under the watchdog its blocks armed, and it is
    cancelled once, when the note is over."""
    path = tmp_path / "note.md"
    path.write_text("".join(f"```python\nprint({n})\n```\n\n" for n in range(3)))
    document = NoteDocument.parse(str(path), *note_parsers())
    runner = NoteRunner(RunSettings(capture_fd=False, timeout=60))
    try:
        result = runner.run(document, path, "note.md")
        assert (fault_timer.arms, fault_timer.cancels) == (1, 1)
        assert [block.outcome for block in result.blocks] == ["passed"] * 3
        assert result.freeing is None
    finally:
        runner.close()


def test_the_watchdog_is_disarmed_when_the_note_is_over_whatever_freeing_did(
    monkeypatch: pytest.MonkeyPatch, fault_timer: FakeFaultTimer, tmp_path: Path
) -> None:
    """However the isolation of a note ends, the watchdog its blocks armed does not outlive
    it (it would end the session at its time, during another item or a debugger's prompt):
    here the note's objects are freed without the time limit, which would have disarmed it."""
    from pytest_torchnotes.run import freeing

    def without_limit(limit: object, seconds: object, free: Callable[[], None]) -> None:
        free()

    monkeypatch.setattr(freeing, "free_within", without_limit)
    path = tmp_path / "note.md"
    path.write_text("```python\nprint(1)\n```\n")
    document = NoteDocument.parse(str(path), *note_parsers())
    runner = NoteRunner(RunSettings(capture_fd=False, timeout=60))
    try:
        result = runner.run(document, path, "note.md")
        assert (fault_timer.arms, fault_timer.cancels) == (1, 1)
        assert [block.outcome for block in result.blocks] == ["passed"]
    finally:
        runner.close()
