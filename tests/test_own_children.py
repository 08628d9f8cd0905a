"""The session's own child process (the crash watcher) is not a process a block left."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from pytest_torchnotes.run import processes
from pytest_torchnotes.run.capture import FileDescriptorCapture
from pytest_torchnotes.run.routing import FdRotation, live_children

pytestmark = pytest.mark.skipif(not processes.supported(), reason="reads /proc")


@pytest.fixture
def child() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    yield process
    process.kill()
    process.wait()


def test_a_child_of_the_session_is_not_a_block_s(child: subprocess.Popen[bytes]) -> None:
    assert any(line.startswith(f"{child.pid} (") for line in live_children() or [])
    assert live_children(frozenset({child.pid})) == []


def test_the_fd_file_is_kept_for_the_next_block_beside_the_session_s_own_child(
    child: subprocess.Popen[bytes],
) -> None:
    capture = FileDescriptorCapture()
    try:
        assert FdRotation(frozenset({child.pid})).after_block(capture, "line 1") is capture
        rotation = FdRotation()
        fresh = rotation.after_block(capture, "line 1")
        assert fresh is not capture  # a process of the block may still write into it
        fresh.close()
        rotation.close()
    finally:
        capture.close()


def test_children_are_read_anew_each_time_whatever_a_note_did_to_the_kept_file() -> None:
    import os
    import threading

    from pytest_torchnotes.run import routing

    def listed(process: subprocess.Popen[bytes]) -> bool:
        return any(line.startswith(f"{process.pid} (") for line in live_children() or [])

    first = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert listed(first)
        fd, _ = routing._children_files[threading.get_native_id()]
        os.close(fd)  # as a note that closes every descriptor would
        assert listed(first)
        fd, _ = routing._children_files[threading.get_native_id()]
        os.close(fd)
        other = os.open(os.devnull, os.O_RDONLY)  # takes the kept file's number
        try:
            assert other == fd
            assert listed(first)
        finally:
            os.close(other)
    finally:
        first.kill()
        first.wait()
    assert not listed(first)


def test_with_children_of_its_own_the_session_gets_the_same_answer_reading_proc_first(
    child: subprocess.Popen[bytes],
) -> None:
    # ``ours`` names no process: /proc is read first, and the answer is the one of asking
    # first whether there is any child at all
    assert live_children(frozenset({-1})) == live_children()
    assert any(line.startswith(f"{child.pid} (") for line in live_children(frozenset({-1})) or [])


def test_with_no_child_at_all_reading_proc_first_gives_the_same_answer() -> None:
    assert live_children(frozenset({-1})) == live_children()
