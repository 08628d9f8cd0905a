"""Processes a note leaves running are named and ended; none outlives the session."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pytest_torchnotes.run import processes
from tests.conftest import WriteNote

pytestmark = pytest.mark.skipif(not processes.supported(), reason="needs /proc (Linux)")

#: Each note starts a process that would run for a minute, and writes its pid to PIDS.
LEFT_BEHIND = {
    "process.md": """\
import multiprocessing, os, time
child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,), name="sleeper")
child.start()
open(os.path.join(PIDS, "process"), "w").write(str(child.pid))
""",
    "popen.md": """\
import os, subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
open(os.path.join(PIDS, "popen"), "w").write(str(child.pid))
""",
    "grandchild.md": """\
import os, subprocess, time
path = os.path.join(PIDS, "grandchild")
subprocess.run(["sh", "-c", f"sleep 60 & echo $! > {path}"], check=True)
# The grandchild is named by its command line: wait until it has become sleep.
command = f"/proc/{open(path).read().strip()}/cmdline"
while not open(command, "rb").read().startswith(b"sleep"):
    time.sleep(0.01)
""",
    "living-parent.md": """\
import os, subprocess, time
path = os.path.join(PIDS, "living-parent")
subprocess.Popen(["sh", "-c", f"sleep 60 & echo $! > {path}; wait"])
while not os.path.exists(path) or not open(path).read().strip():
    time.sleep(0.01)
# The grandchild is named by its command line: wait until it has become sleep.
command = f"/proc/{open(path).read().strip()}/cmdline"
while not open(command, "rb").read().startswith(b"sleep"):
    time.sleep(0.01)
""",
    "pool.md": """\
import concurrent.futures, multiprocessing, os
pool = concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
pids = pool.submit(os.getpid).result()
open(os.path.join(PIDS, "pool"), "w").write(str(pids))
""",
}


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_processes_left_running_are_named_and_ended(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    pids = pytester.path / "pids"
    pids.mkdir()
    for name, code in LEFT_BEHIND.items():
        write_note(f"```python\nPIDS = {str(pids)!r}\n{code}```\n", name)
    started = time.monotonic()
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=50)
    assert time.monotonic() - started < 40
    result.assert_outcomes(passed=len(LEFT_BEHIND), warnings=len(LEFT_BEHIND))
    result.stdout.fnmatch_lines_random(
        [
            "*notes/process.md: the note left processes running: sleeper (pid *); they were "
            "ended (wait for them, join them or shut their pool down at the end of the note)",
            "*notes/popen.md: the note left processes running: pid *: * -c import time; "
            "time.sleep(60); they were ended*",
            "*notes/grandchild.md: the note left processes running: pid *: sleep 60; they were*",
            "*notes/living-parent.md: the note left processes running: pid *: sh -c sleep 60 *;"
            " pid *: sleep 60; they were ended*",
            "*notes/pool.md: the note left processes running: *; *; they were ended*",
        ]
    )
    for name in ("process", "popen", "grandchild", "living-parent"):
        assert not _alive(int((pids / name).read_text())), name


def test_processes_there_before_the_note_are_left_alone() -> None:
    before_process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        before = processes.descendants()
        assert before_process.pid in before
        assert processes.end_left(before) == []
        assert before_process.poll() is None
    finally:
        before_process.kill()
        before_process.wait()


def test_a_child_that_ended_by_itself_is_reaped_and_not_named() -> None:
    before = processes.descendants()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    # Until it has ended (however busy the machine), without reaping it.
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    assert processes.end_left(before) == []
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_process_running_at_the_snapshot_is_named_though_it_ended_since() -> None:
    """A pool's workers may end while the note's objects are freed: what ran at the end of
    the note is named whatever the timing."""
    before = processes.descendants()
    code = "import time; print('ready', flush=True); time.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    stdout = child.stdout
    assert stdout is not None
    try:
        assert stdout.readline() == b"ready\n"  # its command line is the new one
        running = processes.running_left(before)
        assert list(running) == [child.pid]
        assert running[child.pid].startswith(f"pid {child.pid}: ")
        assert "-c import time; print('ready'" in running[child.pid]
    finally:
        child.kill()
        child.wait()
        stdout.close()
    assert processes.end_left(before, running=running) == [running[child.pid]]
    assert processes.end_left(before) == []


#: A fresh interpreter with no child: whether the session has one is asked of the kernel,
#: a child running, a child ended and not collected (which is left to collect), none.
HAS_CHILDREN = """\
import os, subprocess, sys
from pytest_torchnotes.run import processes
print(processes.has_children(), processes.descendants())
child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                         stdin=subprocess.PIPE)
print(processes.has_children(), processes.descendants() == {child.pid})
child.stdin.close()
os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # ended, not collected
print(processes.has_children(), child.wait())
print(processes.has_children(), processes.descendants())
"""


def test_a_session_without_children_is_not_walked() -> None:
    result = subprocess.run(
        [sys.executable, "-c", HAS_CHILDREN],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.stdout.splitlines() == ["False set()", "True True", "True 0", "False set()"]


def test_a_walk_does_not_look_below_a_process_that_starts_none() -> None:
    before = processes.descendants()
    child = subprocess.Popen(["sh", "-c", "sleep 30 & wait"])
    below: set[int] = set()
    try:
        deadline = time.monotonic() + 20
        while not below and time.monotonic() < deadline:  # until sh has started sleep
            below = processes.descendants() - before - {child.pid}
            time.sleep(0.01)
        assert below
        processes.childless.add(child.pid)
        try:
            assert child.pid in processes.descendants()
            assert not below & processes.descendants()
        finally:
            processes.childless.discard(child.pid)
        assert below <= processes.descendants()
    finally:
        for pid in below:
            os.kill(pid, 9)
        child.kill()
        child.wait()


def _subreaper() -> int:
    import ctypes

    value = ctypes.c_int(-1)
    ctypes.CDLL(None).prctl(processes.PR_GET_CHILD_SUBREAPER, ctypes.byref(value), 0, 0, 0)
    return value.value


def test_the_session_adopts_orphans_only_while_a_note_runs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Left a subreaper after the notes, the session adopted the orphans of what ran after them
    # (another test's daemon, a killed child's children) and never collected them: zombies.
    assert _subreaper() == 0
    write_note(
        "```python\nimport ctypes\nvalue = ctypes.c_int(-1)\n"
        "ctypes.CDLL(None).prctl(37, ctypes.byref(value), 0, 0, 0)\nprint(value.value)\n"
        "=== output ===\n1\n```\n"
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert _subreaper() == 0
