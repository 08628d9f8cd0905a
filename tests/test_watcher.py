"""The crash watcher is not a child of the session, so that a session with no child of its
own learns with one ``waitid`` that a note left no process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pytest_torchnotes.run import processes

pytestmark = pytest.mark.skipif(not processes.supported(), reason="reads /proc")


def _run(code: str) -> None:
    """Run ``code`` in a fresh interpreter: whether it is a subreaper is its own."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_watcher_is_no_child_of_the_session_and_ends_with_close() -> None:
    _run(
        """
        import os
        from pytest_torchnotes.run import processes
        from pytest_torchnotes.run.routing import live_children
        from pytest_torchnotes.run.watcher import Watcher

        watcher = Watcher(2)
        pid = watcher.pid
        assert pid is not None and os.path.exists(f"/proc/{pid}")
        assert not watcher.own_child and watcher.pids == frozenset()
        assert not processes.has_children()  # one waitid: nothing to walk
        assert processes.descendants() == set() and live_children() == []
        watcher.running("note.md:3")
        watcher.close()
        assert watcher.pid is None
        try:  # ended before close returned (init may not have collected it yet)
            with open(f"/proc/{pid}/stat") as stat:
                assert stat.read().rpartition(")")[2].split()[0] in ("Z", "X")
        except FileNotFoundError:
            pass
        """
    )


def test_a_subreaper_session_adopts_the_watcher_counts_it_as_its_own_and_collects_it() -> None:
    _run(
        """
        import os
        from pytest_torchnotes.run import processes
        from pytest_torchnotes.run.routing import live_children
        from pytest_torchnotes.run.watcher import Watcher

        assert processes.adopt_orphans()  # a note ran in this process before
        watcher = Watcher(2)
        pid = watcher.pid
        assert watcher.own_child and watcher.pids == frozenset({pid})
        assert processes.has_children() and pid in processes.descendants()
        assert live_children(watcher.pids) == []  # not a block's
        watcher.close()
        assert not processes.has_children()  # collected: no zombie left below the session
        """
    )


def test_a_session_that_dies_is_still_reported_by_the_watcher() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import os, signal
                from pytest_torchnotes.run.watcher import Watcher

                watcher = Watcher(2)
                watcher.running("note.md:3")
                os.kill(os.getpid(), signal.SIGKILL)
                """
            ),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -9
    assert "note.md:3 was running when the process died" in done.stderr
