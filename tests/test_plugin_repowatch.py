"""End to end: what a block writes into its note's folder in the repository past the write
guard (a child process, C code) is named at the block's line after it ran."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import WriteNote, block_counts


@pytest.fixture(autouse=True)
def _not_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sessions these tests start in-process are not xdist workers, even when the test
    run is (nox runs the suite with ``-n 1``): the message names a worker only there."""
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)


def _child_writes(target: str) -> str:
    return f"import subprocess\nsubprocess.run(['sh', '-c', 'echo x >> {target}'], check=True)\n"


def test_a_child_process_writing_into_the_notes_folder_is_named_at_its_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    data = pytester.path / "notes" / "data.txt"
    added = os.path.realpath(pytester.path / "notes" / "from_child.txt")
    write_note(
        f"""\
        ```python
        print("before")
        === output ===
        before
        ```

        ```python
        {_child_writes(os.path.realpath(data)).replace(chr(10), chr(10) + " " * 8)}
        ```

        ```python
        {_child_writes(added).replace(chr(10), chr(10) + " " * 8)}
        ```

        ```python
        print("after")
        === output ===
        after
        ```
        """
    )
    data.write_text("the repository's\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rA")
    assert data.read_text() == "the repository's\nx\n"  # not prevented: said
    warned = sorted(line for line in result.stdout.lines if line.startswith("warning: "))
    assert warned == [
        "warning: notes/note.md:13: RepositoryChanged: the note's folder in the repository"
        " changed while the block ran: notes/from_child.txt (added). Only Python's writes there"
        " are refused; a child process, ctypes or other C code given an absolute path writes"
        " there unchecked: write to a relative path (the scratch copy) instead",
        "warning: notes/note.md:7: RepositoryChanged: the note's folder in the repository"
        " changed while the block ran: notes/data.txt (changed). Only Python's writes there"
        " are refused; a child process, ctypes or other C code given an absolute path writes"
        " there unchecked: write to a relative path (the scratch copy) instead",
    ], result.stdout.str()
    assert block_counts(result) == {"verified": 2, "failed": 2}
    result.assert_outcomes(failed=1)
    failures = sorted(
        line for line in result.stdout.lines if ": wrote into the repository: " in line
    )
    assert failures == [
        "notes/note.md:13: block 3: wrote into the repository: notes/from_child.txt (added)."
        " A note must never change the repository: only Python's writes there are refused, a"
        " child process, ctypes or other C code given an absolute path writes there unchecked."
        " Write to a relative path (the scratch copy) instead, and put back what the block"
        " changed",
        "notes/note.md:7: block 2: wrote into the repository: notes/data.txt (changed)."
        " A note must never change the repository: only Python's writes there are refused, a"
        " child process, ctypes or other C code given an absolute path writes there unchecked."
        " Write to a relative path (the scratch copy) instead, and put back what the block"
        " changed",
    ], result.stdout.str()


@pytest.mark.parametrize(
    "code",
    [
        # C code reached through ctypes
        "import ctypes\nctypes.CDLL(None).system(b'echo x > {target}')\n",
        # a process left running by the block, which writes after it ended
        "import subprocess\nsubprocess.Popen(['sh', '-c', 'sleep 0.2; echo x > {target}'])\n"
        "import time\ntime.sleep(0.5)\n",
        "import os\nos.system('rm {data}')\n",
        "import os\nos.system('mv {data} {target}')\n",
    ],
    ids=["ctypes", "process", "removed", "renamed"],
)
def test_every_way_past_the_write_guard_fails_the_note(
    pytester: pytest.Pytester, write_note: WriteNote, code: str
) -> None:
    notes = pytester.path / "notes"
    write_note("```python\nprint(1)\n```\n\n```output\n1\n```\n", "quiet.md")
    write_note(
        "```python\n"
        + code.format(
            target=os.path.realpath(notes / "made.txt"), data=os.path.realpath(notes / "data.txt")
        )
        + "print('done')\n```\n\n```output\ndone\n```\n",
        "writes.md",
    )
    (notes / "data.txt").write_text("data\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["notes/writes.md:1: block 1: wrote into the repository: notes/*"])
    assert block_counts(result) == {"verified": 1, "failed": 1}


def test_a_block_that_drifted_and_wrote_says_both(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    target = os.path.realpath(pytester.path / "notes" / "made.txt")
    write_note(f"```python\n{_child_writes(target)}print(2)\n```\n\n```output\n3\n```\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: value drift*",
            "*",
            "notes/note.md:1: block 1: also wrote into the repository: notes/made.txt (added).*",
        ],
        consecutive=False,
    )


def _write_once_started(started: str, target: str) -> subprocess.Popen[bytes]:
    """A process started before the session (as another pytest-xdist worker's note would
    be) that writes into the notes' folder once the note's block has begun (it waits for
    the file `started`, which the block makes outside the repository)."""
    return subprocess.Popen(
        ["sh", "-c", f"while [ ! -e {started} ]; do sleep 0.02; done; echo x > {target}"]
    )


def test_under_xdist_a_note_that_did_not_reach_outside_is_not_blamed(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    started = str(tmp_path_factory.mktemp("handshake") / "started")
    target = os.path.realpath(pytester.path / "notes" / "other.txt")
    # The block waits (bounded) for the other process's file, so the write lands while it
    # runs however slowly the session starts on a busy machine.
    write_note(
        "```python\nimport os, time\n"
        f"open({started!r}, 'w').close()\n"
        "deadline = time.monotonic() + 60\n"
        f"while not os.path.exists({target!r}) and time.monotonic() < deadline:\n"
        "    time.sleep(0.02)\n"
        "print(1)\n```\n\n```output\n1\n```\n"
    )
    writer = _write_once_started(started, target)
    try:
        result = pytester.runpytest("-p", "no:cacheprovider")
    finally:
        writer.kill()
        writer.wait()
    assert (pytester.path / "notes" / "other.txt").exists()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "warning: notes/note.md:1: RepositoryChanged: the note's folder in the repository"
            " changed while the block ran: notes/other.txt (added), seen by pytest-xdist worker"
            " gw1; this note started no process and called no C code through ctypes, so a note"
            " of another worker sharing the folder wrote there*"
        ]
    )
    assert block_counts(result) == {"verified": 1}


def test_under_xdist_the_failure_names_the_worker_that_saw_it(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    target = os.path.realpath(pytester.path / "notes" / "made.txt")
    write_note(f"```python\n{_child_writes(target)}```\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: wrote into the repository (seen by pytest-xdist worker"
            " gw3, which ran this note): notes/made.txt (added).*",
            "warning: notes/note.md:1: RepositoryChanged: * (seen by pytest-xdist worker gw3,"
            " which ran this note)",
        ],
        consecutive=False,
    )


def test_relative_writes_and_notes_run_in_place_are_not_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(f"```python\n{_child_writes('written.txt')}```\n", "relative.md")
    write_note(f"```python\n{_child_writes('in_place.txt')}```\n", "in_place.md")
    result = pytester.runpytest("-p", "no:cacheprovider", "notes/relative.md")
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "notes" / "written.txt").exists()
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--torchnotes-isolate-cwd=false", "notes/in_place.md"
    )
    result.assert_outcomes(passed=1)
    assert (pytester.path / "notes" / "in_place.txt").exists()
    for line in result.stdout.lines:
        assert "RepositoryChanged" not in line
