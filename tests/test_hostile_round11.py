"""End to end: hostile notes of an eleventh round. Refusals that a note's spelling cannot
evade, timers and codecs that do not leak into the next note."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

#: What the next note checks: it runs, and sees the process as a fresh note does.
NEXT_NOTE = "```python\nprint('b')\n=== output ===\nb\n```\n"


@pytest.mark.parametrize(
    "code",
    [
        'getattr(os, "ex" + "ecv")("/bin/true", ["true"])',
        'importlib.import_module("posix").execv("/bin/true", ["true"])',
        'vars(importlib.import_module("posix"))["execve"]("/bin/true", ["true"], {})',
        'f = getattr(os, "".join(["ex", "ecl", "p"]))\nf("true", "true")',
    ],
)
def test_a_block_cannot_replace_the_session_whatever_it_calls_the_function(
    pytester: pytest.Pytester, write_note: WriteNote, code: str
) -> None:
    # The refusal acted only on notes whose text named execv or execl: these spellings
    # replaced pytest with `true`, and the run ended with no report and exit status 0.
    write_note(f"```python\nimport importlib, os\n{code}\n```\n", "a.md")
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*notes/a.md:1: block 1: the block raised PermissionError: [[]Errno 1[]] refused: os.ex*"]
    )
    assert result.ret == 1


def test_the_exec_functions_run_outside_a_note(pytester: pytest.Pytester) -> None:
    # Wrapped once for the session, they refuse only while a note runs in its process.
    import os

    from pytest_torchnotes.run import execs

    guard = execs.guard()
    assert guard.notes_running == 0
    assert guard.refusal("execv", (), {}) is None
    guard.notes_running += 1
    try:
        with pytest.raises(PermissionError, match=r"refused: os\.execv"):
            os.execv("/bin/true", ["true"])
    finally:
        guard.notes_running -= 1
