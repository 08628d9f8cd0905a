"""End to end: what a block writes into its note's folder in the repository past the write
guard (a child process, C code) is named at the block's line after it ran."""

from __future__ import annotations

import os

import pytest

from tests.conftest import WriteNote, block_counts


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
    assert block_counts(result) == {"verified": 2, "ran": 2}


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
