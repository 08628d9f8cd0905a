"""A whole docstring pasted into a fence of no language or of text: its sessions run."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.fenced_docstrings import _session
from pytest_torchnotes.markdown.lexers import BodyLine, FenceLexeme
from pytest_torchnotes.markdown.lexing.text_sessions import session_body
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

DOCSTRING = """\
Computes the absolute value of each element in `input`.

Args:
    input (Tensor): the input tensor.

Example::

    >>> import torch
    >>> torch.abs(torch.tensor([-1, -2, 3]))
    tensor([1, 2, 3])

Returns the new tensor."""


def blocks(text: str) -> list[tuple[int, int, bool]]:
    note = NoteParser().parse(text)
    return [(shown(b.first_line), shown(b.last_line), b.doctest) for b in note.blocks]


@pytest.mark.parametrize("info", ["", "text", "txt", "plain"])
@pytest.mark.parametrize("indent", ["    ", ""])
def test_the_session_of_a_docstring_in_a_fence_of_text_runs(info: str, indent: str) -> None:
    docstring = DOCSTRING.replace("\n    >>>", f"\n{indent}>>>").replace(
        "\n    tensor", f"\n{indent}tensor"
    )
    text = f"# torch.abs\n\n```{info}\n{docstring}\n```\n"
    assert blocks(text) == [(11, 13, True)]
    note = NoteParser().parse(text)
    assert note.blocks[0].code.split("\n") == [
        ">>> import torch",
        ">>> torch.abs(torch.tensor([-1, -2, 3]))",
        "tensor([1, 2, 3])",
    ]
    assert note.problems == []


@pytest.mark.parametrize(
    "text",
    [
        # a text fence that opens with its prompt says it is text on purpose
        "```text\n>>> import torch\n>>> torch.ones(1)\ntensor([1.])\n```\n",
        # a quote of words behind prompts, and words only
        "```\nSomebody wrote:\n\n>>> Thanks, that works\n```\n",
        "```text\nJust words.\n```\n",
        # another language's fence
        "```console\nRun it:\n\n    >>> import torch\n```\n",
        # a docstring printed by the block above is its output, not a session
        f"```python\nhelp(torch.abs)\n```\n\n```\n{DOCSTRING}\n```\n",
    ],
)
def test_what_is_not_a_docstring_s_session_does_not_run(text: str) -> None:
    assert [b for b in blocks(text) if b[2]] == []


NOTE = f"""\
# torch.abs

```
{DOCSTRING}
```
"""


def test_a_fenced_docstring_runs_and_update_rewrites_only_its_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOTE)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 block: 1 verified*"])
    path = write_note(NOTE.replace("tensor([1, 2, 3])", "tensor([1, 2, 4])"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["-tensor([1, 2, 4])", "+tensor([1, 2, 3])"])
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text() == NOTE


SESSION_LINES = st.lists(
    st.sampled_from(
        [
            ">>> x = f(",
            "... 1)",
            ">>> t",
            "tensor([[[0]],",
            "",
            "        [[1]]])",
            "Prose.",
            "...",
            ">>>",
            "'(' [",
            "]",
            " bad",
            "    >>> z",
        ]
    ),
    max_size=10,
)


@given(SESSION_LINES, st.integers(0, 6), st.sampled_from(["", "> "]))
def test_a_session_indented_in_a_fence_is_read_as_the_same_session_at_column_0(
    texts: list[str], columns: int, prefix: str
) -> None:
    """One walk reads both: a session indented by ``columns`` in a fence holds the lines a
    session at column 0 of the note's text holds, the indentation moved into their prefix;
    a line indented less than the prompt ends it."""
    texts = [">>> a(", *texts]
    at_column_0 = session_body(texts, 0)
    indent = " " * columns
    body = tuple(BodyLine(n, prefix, indent + t if t else t) for n, t in enumerate(texts))
    fence = FenceLexeme(0, len(body) + 1, "", prefix, "```", 0, body)
    indented, after = _session(fence, 0)
    if columns:
        assert [line.prefix for line in indented.body] == [
            prefix + indent if line.text else prefix for line in indented.body
        ]
    assert [(line.line, line.text) for line in indented.body] == [
        (line.line, line.text) for line in at_column_0.body
    ]
    assert (indented.open_line, indented.last_line) == (0, at_column_0.last_line)
    assert after > at_column_0.last_line
