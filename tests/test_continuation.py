"""xdoctest's ``>>>`` continuation lines, as PyTorch's docstrings write them."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.continuation import examples_of, goes_on
from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote

SAMPLE = Path(__file__).parent / "samples" / "xdoctest_compound.md"


def transcripts() -> list[str]:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    assert note.problems == []
    return [block.code for block in note.blocks]


def test_the_body_of_a_def_behind_prompts_is_one_example() -> None:
    examples = examples_of(transcripts()[0])
    assert [(e.lineno, e.source.count("\n"), e.want) for e in examples] == [
        (0, 1, ""),
        (1, 1, ""),
        (3, 4, ""),  # def numpy_sin and the three lines of its body
        (8, 1, "tensor([1., 1.])\n"),
    ]


def test_an_else_behind_a_prompt_goes_on_with_its_if() -> None:
    examples = examples_of(transcripts()[1])
    assert [(e.lineno, e.source.count("\n")) for e in examples] == [(0, 3), (4, 5), (10, 1)]
    assert examples[1].source.splitlines()[-2:] == ["   else:", '       return "PREFER_RECOMPUTE"']


@pytest.mark.parametrize(
    ("source", "following"),
    [
        ("x = 1\n", "    y = 2\n"),  # an indented line after a simple statement
        ("x = 1\n", "else:\n"),  # a clause with no compound statement
        ("def f():\n    return 1\n", "x = 2\n"),  # a new statement at column 0
        ("if x:\n    y = 1\n", "  z = 2\n"),  # an indentation that matches no block
    ],
)
def test_what_does_not_go_on_stays_its_own_example(source: str, following: str) -> None:
    assert not goes_on(source, following)


def test_a_note_runs_them_whole(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(SAMPLE.read_text(encoding="utf-8"), dedent=False)
    pytester.runpytest().assert_outcomes(passed=1)


LINES = st.sampled_from(
    [
        ">>> x = 1",
        ">>> def f(a):",
        ">>>     y = a",
        ">>>     return y",
        ">>> if x:",
        ">>> else:",
        ">>>     pass",
        ">>> m = dict(",
        ">>>     a=1,",
        ">>> )",
        ">>> f(2)",
        "2",
        "",
    ]
)


@given(st.lists(LINES, max_size=12))
def test_joining_keeps_every_line_of_code_in_order(lines: list[str]) -> None:
    """Reading xdoctest's continuation joins examples; it never drops, repeats or reorders
    a line of code, and an example is joined only into one that expects no output."""
    code = "\n".join(lines) + "\n"
    plain = doctest.DocTestParser().get_examples(code)
    joined = examples_of(code)
    assert "".join(e.source for e in joined) == "".join(e.source for e in plain)
    assert [e.want for e in joined if e.want] == [e.want for e in plain if e.want]
    assert {e.lineno for e in joined} <= {e.lineno for e in plain}
