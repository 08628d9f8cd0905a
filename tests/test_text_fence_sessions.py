"""Python sessions in fences tagged as text on purpose (```` ```text ````, ```` ```plain ````)
in a note that runs no block (``markdown/text_fence_sessions.py``): they stay unrun, and the note
says so at the first one, with the tag that runs them, where it said it had no Python."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote, block_counts

ONLY_TEXT_SESSIONS = """\
# Broadcasting

```text
>>> import torch
>>> torch.ones(2, 1) + torch.ones(3)
tensor([[2., 2., 2.],
        [2., 2., 2.]])
```

Prose between.

```plaintext
In [1]: import torch

In [2]: torch.zeros(2)
Out[2]: tensor([0., 0.])
```

```text
tensor([1., 2.])
```
"""


def test_sessions_in_text_fences_are_named_at_the_first_with_the_tag_that_runs_them() -> None:
    note = NoteParser().parse(ONLY_TEXT_SESSIONS)
    assert note.items == []
    (problem,) = note.problems
    assert problem.severity == "warning"
    assert problem.line_index == 2
    assert problem.message == (
        "```text holds a Python session, which is not run: a fence tagged as text is text on "
        "purpose (and 1 more session in a text fence in this note, at line 12); tag a >>> "
        "session ```pycon and an In [1]: session ```ipython to run it"
    )


@pytest.mark.parametrize(
    "text",
    [
        "```text\ntensor([1., 2.])\n```\n",  # no session: text, as its tag says
        "```text\n$ python train.py\n>>> done\n```\n",  # a prompt past the first line
        "```python\nprint(1)\n```\n\nProse.\n\n```text\n>>> 1\n1\n```\n",  # a block runs
        "````markdown\n```text\n>>> 1\n```\n````\n",  # a note's source, shown
    ],
)
def test_text_without_a_session_or_in_a_note_that_runs_is_not_named(text: str) -> None:
    problems = NoteParser().parse(text).problems
    assert [problem.message for problem in problems if "session" in problem.message] == []


def test_a_note_of_text_sessions_says_why_it_runs_nothing(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(ONLY_TEXT_SESSIONS)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:3: ```text holds a Python session, which is not run*",
            "*no Python blocks in this note (1 warning names what is not run*",
        ]
    )


def test_the_tag_named_is_one_the_project_runs() -> None:
    """A project that runs only ```python fences runs a session there: ```pycon would
    leave it unrun still."""
    format_ = NoteFormat(languages=frozenset({"python"}))
    (problem,) = NoteParser(format_).parse(ONLY_TEXT_SESSIONS).problems
    assert problem.message.endswith(
        "tag a >>> session ```python and an In [1]: session ```python to run it"
    )


def test_a_session_retagged_as_the_warning_says_runs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    retagged = ONLY_TEXT_SESSIONS.replace("```text\n>>>", "```pycon\n>>>").replace(
        "```plaintext", "```ipython"
    )
    write_note(retagged)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 2}
    assert "TorchnotesWarning" not in result.stdout.str()
