"""Processes started the spawn way are told from others by their command line."""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run import processes, spawned
from pytest_torchnotes.run.timers import BlockTimeout, TimeLimit

SAMPLES = Path(__file__).parent / "samples" / "cmdlines" / "cmdlines.json"

needs_proc = pytest.mark.skipif(not processes.supported(), reason="needs /proc (Linux)")


@pytest.mark.parametrize("sample", json.loads(SAMPLES.read_text(encoding="utf-8")))
def test_the_start_method_of_a_command_line(sample: dict[str, object]) -> None:
    argv = sample["argv"]
    assert isinstance(argv, list)
    assert spawned.start_method(argv) == sample["method"]


@given(st.lists(st.text().filter(lambda word: word != "-c")))
def test_no_program_no_start_method(argv: list[str]) -> None:
    assert spawned.start_method(argv) is None


def test_the_hint_names_the_methods_and_the_processes() -> None:
    found = [spawned.SpawnedProcess(7, "spawn"), spawned.SpawnedProcess(9, "forkserver")]
    assert spawned.hint(found).startswith(
        "the block started processes with the forkserver and spawn start method (pid 7, 9): "
    )
    assert spawned.hint([]) == ""


@needs_proc
# The spawned child starts multiprocessing's resource tracker, which an earlier test of the
# process may have ended: it is relaunched, with a warning that says so.
@pytest.mark.filterwarnings("ignore:resource_tracker:UserWarning")
def test_a_running_spawned_process_is_found_since_it_started() -> None:
    before = spawned.boot_clock()
    child = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(30,))
    child.start()
    try:
        # Right after it starts, its command line may still read empty: wait until it is set.
        deadline = time.monotonic() + 20
        while not spawned.spawned_since(before) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert spawned.spawned_since(before) == [spawned.SpawnedProcess(child.pid or 0, "spawn")]
        assert spawned.spawned_since(spawned.boot_clock() + 60) == []
    finally:
        child.terminate()
        child.join()
    assert spawned.spawned_since(before) == []


@needs_proc
def test_a_time_limit_outside_the_main_thread_reads_them_too() -> None:
    seen: list[list[spawned.SpawnedProcess]] = []
    pids: list[int] = []

    def block() -> None:
        limit = TimeLimit()
        limit.start(1.0)
        child = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(30,))
        try:
            child.start()
            pids.append(child.pid or 0)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                time.sleep(0.01)
        except BlockTimeout:
            seen.append(limit.spawned)
        finally:
            limit.close()  # the watchdog too: armed, it would end this process 22 s later
            child.terminate()
            child.join()

    thread = threading.Thread(target=block)
    thread.start()
    thread.join()
    assert seen == [[spawned.SpawnedProcess(pids[0], "spawn")]]


def test_an_unreadable_start_time_is_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A process read in the middle of ending may give a short ``stat``: no exception."""
    (tmp_path / "5").mkdir()
    (tmp_path / "5" / "stat").write_bytes(b"5 (python) Z")
    monkeypatch.setattr(spawned, "PROC", str(tmp_path))
    assert spawned._start_time(5) is None
    assert spawned._start_time(6) is None
