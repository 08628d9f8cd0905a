"""End to end: a block that times out waiting on processes it spawned says why."""

from __future__ import annotations

import pytest

from pytest_torchnotes.run import processes
from tests.conftest import WriteNote

pytestmark = pytest.mark.skipif(not processes.supported(), reason="needs /proc (Linux)")

#: A pool whose children cannot find the function they are sent: it waits forever.
POOL = """\
    <!-- torchnotes: timeout 5 -->
    ```python
    import multiprocessing as mp
    def square(x):
        return x * x
    with mp.get_context("{method}").Pool(2) as pool:
        print(pool.map(square, range(4)))
    ```
"""

HINT = (
    "  the block started processes with the {method} start method (pid *): a function defined"
    " in a note cannot be found by them (the note is not an importable module); define it in a"
    " module beside the note and import it, or use the fork start method"
)


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_pool_of_spawned_processes_that_cannot_find_its_function(
    pytester: pytest.Pytester, write_note: WriteNote, method: str
) -> None:
    write_note(POOL.format(method=method))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:2: block 1: the block did not finish within 5 s (see the timeout "
            "directive) (timeout)",
            HINT.format(method=method),
        ]
    )


def test_a_plain_timeout_has_no_hint(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    """Neither a block that only sleeps nor one that times out while a spawned pool of an
    earlier block, which works, is still alive: the processes are not the block's."""
    write_note(
        """\
        ```python
        import multiprocessing as mp
        pool = mp.get_context("spawn").Pool(1)
        print(pool.map(abs, [-1, 2]))
        ```

        <!-- torchnotes: timeout 1 -->
        ```python
        import time
        time.sleep(60)
        ```

        ```python
        pool.terminate()
        pool.join()
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:8: block 2: the block did not finish within 1 s (see the timeout "
            "directive) (timeout)"
        ]
    )
    result.stdout.no_fnmatch_line("*start method*")


def test_multiprocessing_helpers_are_stopped_unnamed_and_work_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The resource tracker (and the fork server) that multiprocessing starts once per process
    are not the note's processes: they are stopped as multiprocessing stops them, so that the
    next note starts its own without multiprocessing saying that it died."""
    for name in ("a.md", "b.md"):
        write_note(
            """\
            ```python
            import multiprocessing as mp
            for method in ("spawn", "forkserver"):
                with mp.get_context(method).Pool(1) as pool:
                    print(pool.map(abs, [-1, 2]))
            ```

            ```output
            [1, 2]
            [1, 2]
            ```
            """,
            name,
        )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert "left processes running" not in result.stdout.str()
    assert "died unexpectedly" not in result.stderr.str()
    assert "Traceback" not in result.stderr.str()
