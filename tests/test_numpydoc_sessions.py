"""``>>>`` prompts at column 0 under a numpydoc ``Examples`` heading: a docstring's session,
run; anywhere else a block quote, warned of and not run."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.parsers import NoteParser

lex = MarkdownLexer()


def sessions(text: str) -> list[tuple[int, int, list[str]]]:
    """(first line, last line, texts) of each session, 1-based lines."""
    return [
        (session.open_line + 1, session.last_line + 1, [line.text for line in session.body])
        for session in lex(text).indented_sessions
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Examples\n--------\n>>> x\n1\n", [(3, 4, [">>> x", "1"])]),
        ("Example\n-------\n\n>>> x\n", [(4, 4, [">>> x"])]),
        ("Examples\n========\n>>> x\n", [(3, 3, [">>> x"])]),
        # prose of the section, then a session; blank lines between examples
        (
            "Examples\n--------\nFirst:\n\n>>> a\n1\n\n>>> b\n\nThen:\n\n>>> c\n",
            [(5, 8, [">>> a", "1", "", ">>> b"]), (12, 12, [">>> c"])],
        ),
        # continuation lines and output that looks like a quote are the session's
        (
            ">>> no\n\nExamples\n--------\n>>> for i in x:\n...     f(i)\n> 1\n",
            [(5, 7, [">>> for i in x:", "...     f(i)", "> 1"])],
        ),
        # the next section ends it
        ("Examples\n--------\n>>> x\n\nNotes\n-----\n>>> y\n", [(3, 3, [">>> x"])]),
        # no numpydoc heading: a block quote
        (">>> x\n", []),
        ("## Examples\n\n>>> x\n", []),
        ("Examples\n\n>>> x\n", []),
        ("See the Examples\n----------------\n>>> x\n", []),
        ("> Examples\n> --------\n> >>> x\n", []),
        ("Examples\n--------\n>>>x\n", []),
        ("Examples\n--------\n```python\n>>> x\n```\n", []),
    ],
)
def test_which_prompts_at_column_0_open_a_session(
    text: str, found: list[tuple[int, int, list[str]]]
) -> None:
    assert sessions(text) == found


def test_a_numpydoc_session_runs_as_a_transcript_and_is_not_warned_of() -> None:
    note = NoteParser().parse("Examples\n--------\n>>> 1 + 1\n2\n\nNotes\n-----\n>>> 3\n")
    assert [(block.code_line, block.doctest, block.code) for block in note.blocks] == [
        (2, True, ">>> 1 + 1\n2"),
    ]
    assert [problem.line_index for problem in note.problems] == [7]  # the Notes' prompt
    assert "not run" in note.problems[0].message


TITLES = st.sampled_from(["Examples", "Example", "Notes", "Examples:", "See Examples"])
UNDERLINES = st.sampled_from(["--------", "========", ""])


@given(
    TITLES, UNDERLINES, st.integers(0, 2), st.lists(st.sampled_from(["1", "Words."]), max_size=3)
)
def test_a_prompt_at_column_0_runs_exactly_under_a_setext_examples_heading(
    title: str, underline: str, blanks: int, between: list[str]
) -> None:
    lines = [title, *([underline] if underline else []), *[""] * blanks, *between]
    text = "\n".join([*lines, "", ">>> x", "1", ""])
    heading = bool(underline) and title in ("Examples", "Example")
    found = sessions(text)
    assert bool(found) == heading
    if found:
        assert found[-1][2] == [">>> x", "1"]
