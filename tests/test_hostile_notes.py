"""End to end: notes that misbehave in ways a reader's note can, run in a real session."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

#: A note whose object does something when it is freed, which is when the note ends.
FREED_AT_THE_END = """\
```python
class Finalized:
    def __del__(self):
        {action}

kept = Finalized()
print("made")
=== output ===
made
```
"""


def test_a_finalizer_that_calls_os_exit_does_not_end_the_session(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The note's namespace was cleared after os._exit was put back, so the finalizer ended
    # pytest with status 9 and no report. A subprocess, so that a regression cannot end
    # the test session itself.
    write_note(FREED_AT_THE_END.format(action="import os; os._exit(9)"), "a.md")
    write_note("```python\nprint('next note')\n=== output ===\nnext note\n```\n", "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*Exception ignored in: <function Finalized.__del__*"])


def test_a_finalizer_writes_into_the_scratch_copy(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The working directory was put back before the namespace was cleared, so a relative
    # write in a finalizer landed in the folder pytest was started from.
    write_note(FREED_AT_THE_END.format(action="open('from_del.txt', 'w').write('x')"))
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
    assert not list(pytester.path.rglob("from_del.txt"))


def test_a_module_a_note_puts_into_sys_modules_is_gone_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Entries a note replaced were put back, but a new stand-in stayed for every later note.
    write_note(
        "```python\nimport sys, types\nsys.modules['stand_in'] = types.ModuleType('stand_in')\n"
        "sys.modules.setdefault('other_stand_in', types.ModuleType('other'))\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport importlib.util\n"
        "print(importlib.util.find_spec('stand_in'), importlib.util.find_spec('other_stand_in'))\n"
        "=== output ===\nNone None\n```\n",
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    report = (pytester.path / "report.json").read_text()
    assert "sys.modules['stand_in']" in report
