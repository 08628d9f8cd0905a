"""The session's file descriptors kept open against a note's ``os.closerange`` and
``os.close``."""

from __future__ import annotations

import os

import pytest

from pytest_torchnotes.run import sessionfds
from tests.conftest import WriteNote

#: The file name the note's code is compiled under in these tests.
NOTE = "<note>"


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _run_as_note(code: str, names: dict[str, object]) -> None:
    exec(compile(code, NOTE, "exec"), names)


def test_closerange_keeps_what_was_open_at_the_start_and_closes_the_rest() -> None:
    before, original = os.open(os.devnull, os.O_RDONLY), os.closerange
    guard = sessionfds.SessionFdGuard(NOTE, os.getpid())
    guard.start()
    after = os.open(os.devnull, os.O_RDONLY)
    try:
        os.closerange(min(before, after), max(before, after) + 1)
        assert _is_open(before)
        assert not _is_open(after)
    finally:
        guard.restore()
        os.close(before)
    assert os.closerange is original


def test_closerange_keeps_what_the_session_holds_when_it_is_called() -> None:
    guard = sessionfds.SessionFdGuard(NOTE, os.getpid(), lambda: held)
    guard.start()
    held = [os.open(os.devnull, os.O_RDONLY)]  # opened after the start, as a block's capture
    try:
        os.closerange(held[0], held[0] + 1)
        assert _is_open(held[0])
    finally:
        guard.restore()
        os.close(held[0])


def test_the_note_s_close_of_a_session_descriptor_is_refused_and_of_its_own_is_not() -> None:
    session = os.open(os.devnull, os.O_RDONLY)
    guard = sessionfds.SessionFdGuard(NOTE, os.getpid())
    guard.start()
    try:
        os.close(os.dup(session))  # the session's own code is not refused
        with pytest.raises(OSError, match=f"refused: file descriptor {session} was open"):
            _run_as_note(f"import os\nos.close({session})", {})
        _run_as_note("import os\nos.close(os.open(os.devnull, os.O_RDONLY))", {})
    finally:
        guard.restore()
        os.close(session)


def test_a_descriptor_closed_and_given_to_another_file_is_not_kept() -> None:
    reused = os.open(os.devnull, os.O_RDONLY)
    guard = sessionfds.SessionFdGuard(NOTE, os.getpid())
    guard.start()
    try:
        os.close(reused)
        read, write = os.pipe()  # the lowest free numbers: ``reused`` among them
        for fd in (read, write):
            _run_as_note(f"import os\nos.close({fd})", {})
    finally:
        guard.restore()


def test_only_notes_that_name_the_functions_are_guarded() -> None:
    assert sessionfds.names_one("import os\nos.closerange(3, 100)")
    assert not sessionfds.names_one("import os\nos.closed = 1\nprint(f.closed)")


def test_a_block_that_closes_every_descriptor_leaves_the_session_reporting(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # os.closerange(3, ...) closed pytest's saved terminal and its capture: the session
    # ended with status 1 and nothing on the terminal. A subprocess, as it would close the
    # test session's own descriptors.
    write_note(
        "```python\nimport os\nos.closerange(3, 65536)\nprint('closed')\n=== output ===\n"
        "closed\n```\n\n```python\nprint('next')\n=== output ===\nnext\n```\n",
        "a.md",
    )
    write_note("```python\nprint(1)\n=== output ===\n2\n```\n", "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=60)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*notes/b.md:1: block 1: value drift*"])
