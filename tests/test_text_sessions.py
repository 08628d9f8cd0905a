"""``>>>`` sessions at column 0 under no ``Examples`` heading (a docstring as
``inspect.getdoc`` writes it): run when they are unambiguously sessions, warned of as block
quotes otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLE = Path(__file__).parent / "samples" / "text_sessions.md"
lex = MarkdownLexer()


def sessions(text: str) -> list[tuple[int, int]]:
    """(first line, last line) of each session, 1-based."""
    return [
        (session.open_line + 1, session.last_line + 1) for session in lex(text).indented_sessions
    ]


def test_the_sessions_of_a_docstring_as_getdoc_writes_it() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    # under `For example:` and a blank line; under `Then::` (a blank line inside the output
    # of a tensor of three dimensions is the output's); right under `Returns:`
    assert sessions(text) == [(10, 16), (20, 25), (29, 30)]
    note = NoteParser().parse(text)
    assert [(shown(block.first_line), block.doctest) for block in note.blocks] == [
        (10, True),
        (20, True),
        (29, True),
    ]
    assert note.blocks[1].code.split("\n")[-1] == "tensor([0, 1])"
    # a quote of words, and a prompt that continues a paragraph of prose: warned of, not run
    assert [(shown(p.line_index), p.message[:22]) for p in note.problems] == [
        (34, "`>>> Thanks, that work"),
        (38, "`>>> x = 1` is a >>> p"),
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (">>> import torch\n", [(1, 1)]),
        ("Words.\n\n>>> x = f(1)\n1\n\nMore words.\n", [(3, 4)]),
        ("Example:\n>>> x.sum()\n", [(2, 2)]),
        ("Example::\n\n>>> for i in x:\n...     print(i)\n1\n", [(3, 5)]),
        # xdoctest's own continuation: prompts all the way
        (">>> def f():\n>>>     return 1\n", [(1, 2)]),
        # two paragraphs that open with prompts are one session
        (">>> a = 1\n\n>>> a\n1\n", [(1, 4)]),
        ("# Title\n>>> t = torch.ones(1)\n", [(2, 2)]),
        # a word, a number, a tuple of words, a sentence: a quote
        (">>> yes\n", []),
        (">>> 3\n", []),
        (">>> so, then\n", []),
        (">>> I agree with you.\n", []),
        # a paragraph of prose goes on into the prompt
        ("See this\n>>> x = 1\n", []),
        (">>>x = 1\n", []),
        ("> >>> x = 1\n", []),
    ],
)
def test_which_prompts_at_column_0_open_a_session(text: str, found: list[tuple[int, int]]) -> None:
    assert sessions(text) == found


CODE = st.sampled_from(["x = torch.ones(2)", "print(x)", "import torch", "x.sum()", "x[0]"])
WORDS = st.sampled_from(["Thanks", "so, then", "yes", "I agree.", "42", "Hello world"])


@given(
    st.lists(st.tuples(st.booleans(), CODE, WORDS), min_size=1, max_size=4),
    st.sampled_from(["", "Examples:\n\n", "For example:\n", "Text.\n\n", "Literal::\n\n"]),
)
def test_a_paragraph_of_prompts_runs_exactly_when_its_code_does_something(
    paragraphs: list[tuple[bool, str, str]], lead: str
) -> None:
    """Paragraphs of prompts, each of Python or of words, between paragraphs of prose:
    each session starts at a paragraph of Python, and no line of prose is in one."""
    lines = lead.split("\n")[:-1]
    python_starts, prose = [], set()
    for is_code, code, words in paragraphs:
        if lines and lines[-1]:
            lines.append("")
        if is_code:
            python_starts.append(len(lines) + 1)
            lines.extend([f">>> {code}", "out"])
        else:
            lines.append(f">>> {words}")
        lines.extend(["", "Some prose."])
        prose.add(len(lines))
    found = sessions("\n".join(lines) + "\n")
    assert [first for first, _ in found] == python_starts
    for first, last in found:
        assert not prose & set(range(first, last + 1))


NOTE = """\
# torch.nn.TripletMarginLoss

Creates a criterion that measures the triplet loss.

Args:
    margin (float, optional): Default: :math:`1`.

Examples:

>>> import torch
>>> loss = torch.nn.TripletMarginLoss(margin=1.0)
>>> anchor = torch.ones(2, 3)
>>> loss(anchor, anchor, anchor + 1)
tensor(0.)

Shape:
    - Input: :math:`(N, D)`.
"""


def test_a_getdoc_docstring_runs_and_update_rewrites_only_its_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOTE)
    result = pytester.runpytest("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 note (1 passed), 1 block: 1 verified*"])
    drifted = NOTE.replace("tensor(0.)", "tensor(5.)")
    path = write_note(drifted)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["notes/note.md:13: >>> loss(anchor, anchor, anchor + 1)", "-tensor(5.)", "+tensor(0.)"]
    )
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text() == NOTE
