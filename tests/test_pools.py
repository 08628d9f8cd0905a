"""A multiprocessing pool a note leaves running is terminated after the note, before its
workers are ended from outside (which left pytest hanging at exit)."""

from __future__ import annotations

import threading
from multiprocessing import util
from multiprocessing.pool import ThreadPool

import pytest

from pytest_torchnotes.run import pools


def _stuck_pool() -> tuple[ThreadPool, threading.Event]:
    release = threading.Event()
    pool = ThreadPool(2)
    pool.apply_async(release.wait)
    pool.close()
    return pool, release


def test_a_pool_the_note_left_running_is_terminated() -> None:
    before = set(threading.enumerate())
    pool, release = _stuck_pool()
    try:
        ended = pools.terminate_left(before)
        assert ended == ["a multiprocessing ThreadPool of 2 worker threads (terminated)"]
        assert pool._terminate not in util._finalizer_registry.values()  # type: ignore[attr-defined]
        assert not pool._worker_handler.is_alive()  # type: ignore[attr-defined]
    finally:
        release.set()
        pool.terminate()


def test_a_pool_that_ran_before_the_note_is_left_alone() -> None:
    pool, release = _stuck_pool()
    try:
        assert pools.terminate_left(set(threading.enumerate())) == []
        assert pool._worker_handler.is_alive()  # type: ignore[attr-defined]
    finally:
        release.set()
        pool.terminate()


def test_a_pool_the_note_shut_down_is_not_named() -> None:
    before = set(threading.enumerate())
    pool = ThreadPool(2)
    pool.map(abs, [-1, 2])
    pool.close()
    pool.join()
    try:
        assert pools.terminate_left(before) == []
    finally:
        pool.terminate()


#: A pool whose task never returns, closed and joined: the join is stopped at the limit.
STUCK_POOL = """\
<!-- torchnotes: timeout 2 -->
```python
import multiprocessing, time
def wait(x):
    time.sleep(1000)
pool = multiprocessing.get_context("fork").Pool(2)
{start}
pool.close()
pool.join()
```
"""


@pytest.mark.parametrize(
    "start", ["result = pool.apply_async(wait, (1,))", "result = pool.map_async(wait, [1, 2])"]
)
def test_a_stuck_pool_does_not_hang_the_session_at_exit(
    pytester: pytest.Pytester, start: str
) -> None:
    """In a subprocess: the hang was in multiprocessing's exit function."""
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    notes = pytester.mkdir("notes")
    (notes / "a.md").write_text(STUCK_POOL.format(start=start))
    (notes / "b.md").write_text(
        "```python\nimport time\ntime.sleep(0.5)\nprint('ok')\n```\n\n```output\nok\n```\n"
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "-p", "no:cacheprovider", timeout=120
    )
    result.assert_outcomes(failed=1, passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/a.md: the note left processes running:"
            " a multiprocessing Pool of 2 workers (terminated); ForkPoolWorker-*"
        ]
    )
    assert "notes/b.md: the note left" not in result.stdout.str()
