"""End to end: update refuses output a transcript cannot show, and says at which line and
what to do about it; the note is left as it was."""

from __future__ import annotations

import pytest

from pytest_torchnotes.update.refusals import COMPARE_IGNORE, IPYTHON_FIX, TRANSCRIPT_FIX
from tests.conftest import WriteNote

#: (block, line of the refused example's prompt in the block, why, what to do).
REFUSED = {
    ">>> prompt": (
        '>>> print("ok")\nok\n>>> print(">>> hi")\nold',
        3,
        "a line of the output ('>>> hi') reads as a >>> prompt",
        TRANSCRIPT_FIX,
    ),
    ">>> <BLANKLINE>": (
        '>>> print("x <BLANKLINE> y")\nold',
        1,
        "a line of the output ('x <BLANKLINE> y') holds <BLANKLINE>, which reads as a blank line",
        TRANSCRIPT_FIX,
    ),
    ">>> ...": (
        '>>> print("... more")\nold',
        1,
        "the first line of the output ('... more') starts with ... and would read as code of"
        " the example",
        TRANSCRIPT_FIX,
    ),
    "In [n]: prompt": (
        'In [1]: print("ok")\nok\n\nIn [2]: print("In [3]: x")\nold',
        4,
        "a line of the output ('In [3]: x') reads as an In [n]: prompt",
        IPYTHON_FIX,
    ),
    "In [n]: <BLANKLINE>": (
        'In [1]: print("<BLANKLINE>")\nold',
        1,
        "a line of the output ('<BLANKLINE>') holds <BLANKLINE>, which reads as a blank line",
        IPYTHON_FIX,
    ),
    "In [n]: >>>": (
        'In [1]: print(">>> 1")\nold',
        1,
        "a line of the output ('>>> 1') reads as a >>> prompt",
        IPYTHON_FIX,
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refusal_names_the_line_and_the_fix(
    pytester: pytest.Pytester, write_note: WriteNote, case: str
) -> None:
    block, line, why, fix = REFUSED[case]
    text = f"# A note\n\n```python\n{block}\n```\n"
    note = write_note(text)
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-update")
    assert result.ret == 1
    shown = line + 3  # the block's body starts on line 4 of the note
    assert f"Not updated: line {shown}: {why}: {fix}." in result.stdout.lines
    summary = result.stdout.lines.index("could not fix 1 block, still failing:")
    assert result.stdout.lines[summary + 1] == (
        f"  notes/note.md:3: example at line {shown}: {why}: {fix}"
    )
    assert COMPARE_IGNORE in fix
    assert note.read_text() == text


def test_the_fix_it_names_makes_the_note_pass(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    block = REFUSED[">>> prompt"][0]
    write_note(f"{COMPARE_IGNORE}\n```python\n{block}\n```\n")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
