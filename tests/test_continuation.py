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


Q3 = '"' * 3

# The text of a triple-quoted string a prompt opens, written without prompts at the
# prompt's column (torch.utils.cpp_extension.load_inline's C++ source): xdoctest reads it as
# the string's lines, with the prompt's indentation off.
OPEN_STRINGS = [
    # (transcript, the string's value)
    (f">>> s = {Q3}\nint f();\n  return 1;\n{Q3}\n", "\nint f();\n  return 1;\n"),
    (">>> s = '''\nint f();\n\nint g();\n'''\n", "\nint f();\n\nint g();\n"),
    (f">>> s = {Q3}first\nsecond{Q3}\n", "first\nsecond"),
    (f">>> s = dict(a={Q3}\nx\n{Q3},\n... )['a']\n", "\nx\n"),
]


@pytest.mark.parametrize(("transcript", "value"), OPEN_STRINGS)
@pytest.mark.parametrize("indent", ["", "    "])
def test_the_text_of_an_open_string_without_prompts_is_the_string_s(
    transcript: str, value: str, indent: str
) -> None:
    code = "\n".join(indent + line if line else line for line in transcript.split("\n"))
    note = NoteParser().parse(f"```python\n{code}>>> print(repr(s))\n{value!r}\n```\n")
    assert note.problems == []
    [example, shown] = examples_of(note.blocks[0].code)
    namespace: dict[str, object] = {}
    exec(example.source, namespace)
    assert namespace["s"] == value
    assert shown.want == repr(value) + "\n"


@pytest.mark.parametrize(
    "transcript",
    [
        ">>> def f(x):\nreturn x\n",  # IDLE's body of a def: no string is open
        f">>> s = {Q3}a{Q3}\nint f();\n",  # a string closed on its line: output
        ">>> x = f(\n2)\n",  # an open bracket, its line not indented past the prompt
    ],
)
def test_lines_without_prompts_outside_an_open_string_are_still_named(transcript: str) -> None:
    note = NoteParser().parse(f"```python\n{transcript}```\n")
    refused = [p for p in note.problems if p.severity == "error"]
    if transcript.startswith(f">>> s = {Q3}a"):
        assert refused == []
        assert note.blocks[0].code.endswith("int f();")  # its output
    else:
        assert "without a prompt" in refused[0].message


LOAD_INLINE = f"""\
# torch.utils.cpp_extension.load_inline

Example:

    >>> source = {Q3}
    at::Tensor sin_add(at::Tensor x, at::Tensor y) {{
      return x.sin() + y.sin();
    }}
    {Q3}
    >>> print(source.splitlines()[2])
      return x.sin() + y.sin();
    >>> len(source)
    80
"""


def test_load_inline_s_source_runs_and_update_writes_only_its_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(LOAD_INLINE)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 block: 1 verified*"])
    path = write_note(LOAD_INLINE.replace("    80\n", "    81\n"))
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text() == LOAD_INLINE
