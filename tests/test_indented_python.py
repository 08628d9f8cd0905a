"""Python in indented code blocks: not run, reported at the line where it starts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown import indented_python
from pytest_torchnotes.markdown.indented_python import PYTHON_START
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLES = Path(__file__).parent / "samples"


@pytest.mark.parametrize(
    ("text", "python"),
    [
        (">>> x = 1", True),
        (">>>", True),
        ("import torch", True),
        ("from torch import nn", True),
        ("import torchvision", False),
        (">>>x", False),
        ("pip install torch", False),
        ("tensor([1, 0])", False),
    ],
)
def test_the_start_of_python(text: str, python: bool) -> None:
    assert (PYTHON_START.match(text) is not None) is python


def test_indented_python_is_reported_where_it_starts_and_nowhere_else() -> None:
    note = NoteParser().parse((SAMPLES / "indented_python.md").read_text(encoding="utf-8"))
    assert [(shown(p.line_index), p.severity, p.message[:14]) for p in note.problems] == [
        (11, "warning", "indented code "),
        (20, "warning", "`>>> continues"),  # a prompt in a paragraph: prose_transcripts
        (28, "warning", "indented text "),  # the block's output, by the rules of exports
    ]
    assert note.problems[0].message == (
        "indented code `import torch` looks like Python but is not run: only fenced blocks and "
        "indented >>> sessions are; put it in a ```python fence (ending in ```) to run it"
    )
    # The indented >>> sessions run as transcripts, comments over the prompt included.
    assert [(shown(block.code_line), block.doctest) for block in note.blocks] == [
        (5, True),
        (16, True),
        (25, False),
        (40, True),
        (48, True),
    ]


def test_indented_sessions_turned_off_are_reported_where_they_start() -> None:
    text = (SAMPLES / "indented_python.md").read_text(encoding="utf-8")
    note = NoteParser().parse("---\ntorchnotes:\n  indented_sessions: false\n---\n" + text)
    warned = [shown(p.line_index) - 4 for p in note.problems if p.message[:14] == "indented code "]
    assert warned == [5, 11, 16, 42, 49]
    assert note.problems[0].message == (
        "indented code `>>> x = torch.tensor([1, -2])` looks like Python but is not run: "
        "indented >>> sessions are turned off (indented_sessions: false in the front matter, "
        "or --torchnotes-indented-sessions=false); put it in a ```python fence (ending in ```) "
        "to run it, or turn them on"
    )
    assert [block.code for block in note.blocks] == ["print(1)"]


def test_a_note_of_indented_examples_turned_off_is_not_silently_empty(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        Example::

            >>> torch.ones(1)
            tensor([1.])
        """
    )
    result = pytester.runpytest("-rs", "--torchnotes-indented-sessions=false")
    result.assert_outcomes(skipped=1, warnings=1)
    result.stdout.fnmatch_lines(
        ["*notes/note.md:3: indented code `>>> torch.ones(1)` looks like Python but is not run*"]
    )


#: Pieces of lines: quote markers, indentation of every width, prompts, imports, fences.
PIECES = st.sampled_from(
    [
        "",
        " ",
        "  ",
        "   ",
        "    ",
        "\t",
        " \t",
        ">",
        "> ",
        ">>>",
        ">>> x",
        "import torch",
        "from torch import nn",
        "text",
        "```",
        "```python",
        "<!--",
        "-->",
        "---",
    ]
)
LINES = st.lists(st.lists(PIECES, max_size=4).map("".join), max_size=12).map("\n".join)


@given(LINES)
def test_the_search_of_the_whole_note_misses_no_warning(text: str) -> None:
    searched = NoteParser().parse(text).problems
    candidate = indented_python.CANDIDATE
    indented_python.CANDIDATE = re.compile("")  # every note read line by line
    try:
        read = NoteParser().parse(text).problems
    finally:
        indented_python.CANDIDATE = candidate
    assert [(p.line_index, p.message) for p in searched] == [
        (p.line_index, p.message) for p in read
    ]
