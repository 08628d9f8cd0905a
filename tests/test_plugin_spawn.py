"""End to end: a function or class of the note sent to a spawned process fails at once; a
block that times out waiting on processes it spawned says why."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import process as futures_process
from multiprocessing import pool, reduction

import pytest

from pytest_torchnotes.run import processes
from tests.conftest import WriteNote

pytestmark = pytest.mark.skipif(not processes.supported(), reason="needs /proc (Linux)")

#: A pool whose children cannot find the function they are sent: it would wait forever.
POOL = """\
    <!-- torchnotes: timeout {timeout} -->
    ```python
    import multiprocessing as mp
    def square(x):
        return x * x
    with mp.get_context("{method}").Pool(2) as pool:
        print(pool.map(square, range(4)))
    ```
"""

REFUSED = (
    "notes/note.md:{line}: block 1: the block raised _pickle.PicklingError: {name} is defined in"
    " the note; a process started with {method} cannot import the note: define it in a module"
    " next to the note (import it), or use the fork start method (mp.get_context('fork'))"
    " (exception)"
)

HINT = (
    "  the block started processes with the {method} start method (pid *): a function defined"
    " in a note cannot be found by them (the note is not an importable module); define it in a"
    " module beside the note and import it, or use the fork start method"
)


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_pool_sent_a_function_of_the_note_fails_at_once(
    pytester: pytest.Pytester, write_note: WriteNote, method: str
) -> None:
    """Without the refusal the pool waits out the block's time limit (here 60 s)."""
    write_note(POOL.format(method=method, timeout=60))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([REFUSED.format(line=2, name="square", method=method)])
    assert result.duration < 30
    assert "spawnpickling.py" not in result.stdout.str()  # the plugin's own frames are hidden


#: A process pool of concurrent.futures given code of the note: without the refusal its
#: workers die unpickling it, and the block fails with BrokenProcessPool and no reason.
EXECUTOR = """\
    ```python
    import concurrent.futures as cf
    import multiprocessing as mp
    class Job:
        pass
    def square(x):
        return x * x
    with cf.ProcessPoolExecutor(2, mp_context=mp.get_context("{method}")) as pool:
        print({call})
    ```
    """


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
@pytest.mark.parametrize(
    ("call", "name"),
    [
        ("list(pool.map(square, range(4)))", "square"),
        ("list(pool.map(square, range(4), chunksize=2))", "square"),
        ("pool.submit(square, 3).result()", "square"),
        ("pool.submit(print, [Job()]).result()", "Job"),  # deep in an argument
    ],
)
def test_a_process_pool_executor_sent_code_of_the_note_fails_at_once(
    pytester: pytest.Pytester, write_note: WriteNote, method: str, call: str, name: str
) -> None:
    write_note(EXECUTOR.format(method=method, call=call))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([REFUSED.format(line=1, name=name, method=method)])
    assert "BrokenProcessPool" not in result.stdout.str()
    assert "spawnpickling.py" not in result.stdout.str()


def test_a_process_pool_executor_of_the_default_context_runs_on_fork(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The default start method is fork on Linux up to Python 3.13 (the note's functions
    reach the workers), forkserver from 3.14 (they are refused, as above)."""
    write_note(
        """\
        ```python
        import concurrent.futures as cf
        import torch
        def square(x):
            return x * x
        with cf.ProcessPoolExecutor(2) as pool:
            print(list(pool.map(square, range(4))))
            print(pool.submit(abs, torch.tensor([-1.5])).result())
        ```

        ```output
        [0, 1, 4, 9]
        tensor([1.5000])
        ```
        """
    )
    result = pytester.runpytest()
    method = multiprocessing.get_context().get_start_method()
    if method == "fork":
        result.assert_outcomes(passed=1)
    else:
        result.stdout.fnmatch_lines([REFUSED.format(line=1, name="square", method=method)])


def test_importable_code_and_tensors_still_reach_a_spawned_executor(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    (pytester.path / "notes" / "helpers.py").write_text("def total(t):\n    return t.sum()\n")
    write_note(
        """\
        ```python
        import concurrent.futures as cf
        import multiprocessing as mp
        import torch
        from helpers import total
        with cf.ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
            print(pool.submit(total, torch.ones(3)).result())
        ```

        ```output
        tensor(3.)
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("target", "name"),
    [
        ("Job()", "Job"),  # an instance: its class is pickled by reference
        ("Job().run", "Job"),  # a bound method: its instance, then its class
        ("square", "square"),
    ],
)
def test_a_spawned_process_given_code_of_the_note_fails_at_its_start(
    pytester: pytest.Pytester, write_note: WriteNote, target: str, name: str
) -> None:
    """Without the refusal the child dies of an error on its own standard error, and the
    block goes on as if it had run."""
    write_note(
        f"""\
        ```python
        import multiprocessing as mp
        class Job:
            def __call__(self):
                print("ran")
            def run(self):
                print("ran")
        def square(x=2):
            return x * x
        process = mp.get_context("spawn").Process(target={target})
        process.start()
        process.join()
        print(process.exitcode)
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [REFUSED.format(line=1, name=name, method="spawn"), "*line 11, in <module>*"]
    )


def test_fork_and_functions_of_a_module_beside_the_note_still_work(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    (pytester.path / "notes" / "helpers.py").write_text("def cube(x):\n    return x ** 3\n")
    write_note(
        """\
        ```python
        import multiprocessing as mp
        from helpers import cube
        def square(x):
            return x * x
        with mp.get_context("fork").Pool(2) as pool:
            print(pool.map(square, range(4)))
        with mp.get_context("spawn").Pool(2) as pool:
            print(pool.map(cube, range(4)))
        === output ===
        [0, 1, 4, 9]
        [0, 1, 8, 27]
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_multiprocessing_is_as_it_was_after_the_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    submit = vars(futures_process.ProcessPoolExecutor)["submit"]
    dump, handle = reduction.dump, vars(pool.Pool)["_handle_tasks"]
    write_note(POOL.format(method="spawn", timeout=60))
    pytester.runpytest().assert_outcomes(failed=1)
    assert (reduction.dump, vars(pool.Pool)["_handle_tasks"]) == (dump, handle)
    assert vars(futures_process.ProcessPoolExecutor)["submit"] is submit


def test_where_the_pool_is_not_as_expected_the_time_limit_gives_the_hint(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A multiprocessing whose task handler is not the static method the refusal wraps is
    left alone: the block fails at its time limit as it would without the refusal."""
    pytester.makeconftest(
        "import multiprocessing.pool\n"
        "handle = vars(multiprocessing.pool.Pool)['_handle_tasks'].__func__\n"
        "multiprocessing.pool.Pool._handle_tasks = lambda *args: handle(*args)\n"
    )
    original = vars(pool.Pool)["_handle_tasks"]
    try:
        write_note(POOL.format(method="spawn", timeout=5))
        result = pytester.runpytest()
    finally:
        pool.Pool._handle_tasks = original
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:2: block 1: the block did not finish within 5 s (see the timeout "
            "directive) (timeout)",
            HINT.format(method="spawn"),
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
