"""Transcripts as PyTorch's docstrings write them: words around the ``>>>`` prompts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown import transcripts
from pytest_torchnotes.markdown.continuation import examples_of, unprompted_continuation
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote

SAMPLE = (Path(__file__).parent / "samples" / "torch_docstring_prose.md").read_text(
    encoding="utf-8"
)


def body(*texts: str) -> tuple[BodyLine, ...]:
    return tuple(BodyLine(index, "", text) for index, text in enumerate(texts))


def test_a_comment_before_the_first_prompt_opens_a_transcript() -> None:
    """``torch.inner``'s example opens with ``# Dot product`` over its first prompt."""
    assert transcripts.is_doctest(body("# Dot product", ">>> torch.inner(a, b)", "tensor(7)"))
    assert transcripts.is_doctest(body("", "  # a", "# b", "  >>> 1"))
    assert not transcripts.is_doctest(body("# a comment", "x = 1", ">>> x"))
    assert not transcripts.is_doctest(body("# only comments", "# here"))


@pytest.mark.parametrize(
    "heading",
    [
        ("Example::", ""),
        ("Examples:",),
        (".. code-block:: python", ""),
        ("Example::", "", ".. doctest::", ""),
        ("The grid of two tensors,", "(1, 4) and the rest:", ""),
    ],
)
def test_a_docstring_heading_over_the_first_prompt_opens_a_transcript(
    heading: tuple[str, ...],
) -> None:
    """reStructuredText's ``Example::`` (torch.Tensor's docstrings) and Google's
    ``Examples:`` lines, copied with the example under them, are prose to doctest."""
    assert transcripts.is_doctest(body(*heading, "    >>> 1", "    1"))
    assert not transcripts.is_doctest(body(*heading, "x = 1", ">>> x"))


def test_a_sentence_between_examples_is_prose() -> None:
    """``torch.meshgrid``'s example explains the grid in a sentence between its prompts."""
    lines = body(
        ">>> y = 1",
        "",
        "Observe the element-wise pairings across the grid, (1, 4),",
        "(1, 5), ..., (3, 6). This is the same thing as the",
        "cartesian product.",
        ">>> y",
        "1",
        "",
        "`torch.meshgrid` is commonly used to produce a grid for",
        "plotting.",
        ">>> y",
        "1",
    )
    assert transcripts.not_behind_a_prompt(lines) is None


@pytest.mark.parametrize(
    "stray",
    [
        "y = 2",  # code
        "print(y)",  # code
        "def f(x):",  # code, unfinished
        " 2",  # a value, alone: it may be code
        "tensor([1, 2])",  # output that is also code that runs
    ],
)
def test_code_or_output_after_a_blank_line_is_still_refused(stray: str) -> None:
    lines = body(">>> x = 1", "", stray, ">>> x")
    assert transcripts.not_behind_a_prompt(lines) == lines[2]


@pytest.mark.parametrize(
    "markup",
    [
        ("::", "", "    fold(unfold(input)) == divisor * input"),  # torch.nn.Fold
        ("The same sum, written out::", "", "    total = x[0] + x[1]", "    print(total)"),
        (".. _Learning shallow feature descriptors:", "    https://example.org/paper.html"),
        (".. code-block:: python", "", "    y = 2", "", "    print(y)"),
        (".. math::", "", "    y = x^2"),
        ("..", "   a comment, indented under its dots: y = 2"),
    ],
)
def test_restructuredtext_markup_and_what_is_indented_under_it_are_prose(
    markup: tuple[str, ...],
) -> None:
    """Docstrings write an equation in a literal block, or a link's target, between or under
    their examples: prose to doctest and xdoctest, as the code in a literal block is."""
    lines = body(">>> x = 1", "", *markup, "", ">>> x", "1")
    assert transcripts.not_behind_a_prompt(lines) is None


@pytest.mark.parametrize(
    "after",
    [
        ("::", "", "    y = 2", "", "y = 3"),  # the literal block ended: code again
        ("Words::", "", "y = 2"),  # not indented under the paragraph
        (".. note::", "", "    y = 2", "", ">>> x", "", "    y = 3"),  # a prompt ended it
    ],
)
def test_code_after_restructuredtext_markup_is_still_refused(after: tuple[str, ...]) -> None:
    lines = body(">>> x = 1", "", *after)
    stray = transcripts.not_behind_a_prompt(lines)
    assert stray is not None
    assert stray == lines[max(i for i, line in enumerate(lines) if "y = " in line.text)]


@given(
    st.lists(
        st.sampled_from(["y = 2", "f(x)", "def g(a):", "    return a", "", "[1, 2]"]),
        min_size=1,
    ),
    st.sampled_from(["::", "Hold::", ".. code-block:: python", ".. _target:"]),
)
def test_lines_indented_under_a_literal_block_marker_are_never_refused(
    texts: list[str], marker: str
) -> None:
    """Whatever an RST literal block holds, indented under its marker, is prose."""
    lines = body(">>> x = 1", "", marker, "", *("    " + t if t else t for t in texts), ">>> x")
    assert transcripts.not_behind_a_prompt(lines) is None


@pytest.mark.parametrize(
    "output",
    [
        (" 2", " 4", " 6", "[torch.FloatTensor of size (3,)]"),  # torch.Tensor.register_hook
        ("0 -> Sequential(", "  (0): Linear(in_features=2, out_features=2, bias=True)", ")"),
        ("1 -> ('0', Linear(in_features=2, out_features=2, bias=True))",),  # named_modules
        ("[torch.FloatTensor of size (3,)]",),
        ("Variable containing:", " 1", "[torch.FloatTensor of size 1]"),
    ],
)
def test_output_a_blank_line_cut_off_from_its_prompt_is_warned_not_refused(
    output: tuple[str, ...],
) -> None:
    """doctest and xdoctest read it as prose: the note runs, and a warning names it."""
    lines = body(">>> v.grad", "", *output, "", ">>> h.remove()")
    assert transcripts.not_behind_a_prompt(lines) is None
    # the output starts after the words that head it, which are prose
    first = 3 if output[0].startswith("Variable") else 2
    assert transcripts.cut_off_output(lines) == [lines[first]]


@pytest.mark.parametrize(
    "paragraph",
    [
        ("y = 2", "[torch.FloatTensor of size (3,)]"),  # an assignment among output
        ("def f(x):", "0 -> x"),  # a statement that goes on
        ("print(y)", "Observe the grid."),  # a call
    ],
)
def test_a_paragraph_with_a_statement_in_it_is_still_refused(paragraph: tuple[str, ...]) -> None:
    lines = body(">>> x = 1", "", *paragraph, ">>> x")
    assert transcripts.not_behind_a_prompt(lines) == lines[2]
    assert transcripts.cut_off_output(lines) == []


@given(
    st.lists(
        st.sampled_from(
            ["  (0): Linear()", ")", "0 -> Sequential(", " 2", "[torch.FloatTensor of size 2]"]
        ),
        min_size=1,
    ),
    st.sampled_from(["", "y = f(2)", "import torch", "for i in x:"]),
)
def test_a_statement_decides_that_a_paragraph_is_code(lines_out: list[str], code: str) -> None:
    """A paragraph of values and lines that are no Python is output, unless a line of it
    is a statement (or it compiles as a whole: a lone value)."""
    paragraph = [*lines_out, code] if code else lines_out
    lines = body(">>> x = 1", "", *paragraph, "", ">>> x")
    source = "\n".join(__import__("textwrap").dedent("\n".join(paragraph)).splitlines())
    try:
        compile(source, "<p>", "exec")
    except SyntaxError:
        compiles = False
    else:
        compiles = True
    refused = transcripts.not_behind_a_prompt(lines) is not None
    assert refused == (bool(code) or compiles)
    assert (transcripts.cut_off_output(lines) == [lines[2]]) == (not refused)


def test_nothing_under_xdoctest_skip_is_refused() -> None:
    """``torch.func.functionalize`` prints traced code, under a blank line, below +SKIP."""
    skipped = (">>> # xdoctest: +SKIP", ">>> print(f.code)", "", "def forward(self, a):")
    assert transcripts.not_behind_a_prompt(body(*skipped, "    return a")) is None
    after = body(*skipped, "", ">>> # xdoctest: -SKIP", ">>> x = 1", "", "y = 2")
    assert transcripts.not_behind_a_prompt(after) == after[-1]
    assert transcripts.not_behind_a_prompt(body(">>> f()", "", "def forward(self, a):")) is not None


def test_code_in_a_paragraph_that_starts_as_prose_is_refused() -> None:
    lines = body(">>> x = 1", "", "Then add one:", "x = x + 1", ">>> x")
    assert transcripts.not_behind_a_prompt(lines) == lines[3]


@given(st.lists(st.sampled_from(["Observe the grid.", "The sum of (1, 2).", "y = 2", ""])))
def test_only_a_paragraph_that_is_not_python_passes_as_prose(texts: list[str]) -> None:
    lines = body(">>> x = 1", *texts)
    stray = transcripts.not_behind_a_prompt(lines)
    after_blank = [text for index, text in enumerate(texts) if text and "" in texts[:index]]
    assert (stray is None) == ("y = 2" not in after_blank)


def test_the_sample_reads_each_block_as_a_transcript() -> None:
    note = NoteParser().parse(SAMPLE)
    assert note.problems == []
    assert [block.doctest for block in note.blocks] == [True, True, True, True, True]


def test_the_sample_runs(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(SAMPLE, dedent=False)
    result = pytester.runpytest("--torchnotes-setup", "import torch\nfrom torch import nn")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 note (1 passed), 5 blocks: 5 verified"])


def test_rows_under_an_open_bracket_go_on_with_it_as_xdoctest_reads_them() -> None:
    """``torch.nn.MaxUnpool2d`` writes the rows of its input indented, with no prompt."""
    code = ">>> t = torch.tensor([[1., 2.],\n                   [3., 4.]])\n>>> t.shape\n"
    examples = examples_of(code)
    assert [(e.source, e.want, e.lineno) for e in examples] == [
        ("t = torch.tensor([[1., 2.],\n" + " " * 15 + "[3., 4.]])\n", "", 0),  # as xdoctest
        ("t.shape\n", "", 2),
    ]
    assert unprompted_continuation(body(*code.split("\n"))) is None


@pytest.mark.parametrize(
    "lines",
    [
        (">>> def f(x):", "    return x"),  # no bracket open: IDLE's body of a def
        (">>> t = f([1,", "  2])"),  # indented less than the prompt and its space
    ],
)
def test_other_lines_without_a_prompt_are_still_refused(lines: tuple[str, ...]) -> None:
    lines_read = body(*lines)
    assert unprompted_continuation(lines_read) == (lines_read[0], lines_read[1])


def test_output_under_a_closed_statement_stays_output() -> None:
    examples = examples_of(">>> t = [[1],\n...      [2]]\n>>> t\n    [[1], [2]]\n")
    assert examples[1].want == "    [[1], [2]]\n"


def test_a_prompt_without_a_space_names_its_line_in_the_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("# T\n\n```python\n>>> x = 1\n>>>x\n1\n```\n", dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:3: block 1 ('T'): the >>> transcript is malformed: line 5 lacks "
            "blank after >>>: '>>>x' (write a space after the prompt, as doctest and xdoctest "
            "need)*"
        ]
    )


def test_update_writes_the_output_of_an_indented_example_under_its_prompt(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A docstring's example kept indented under its ``Example::`` line is updated."""
    text = "# T\n\n```python\nExample::\n\n    >>> 1 + 1\n    3\n    >>> 2 + 2\n```\n"
    path = write_note(text, dedent=False)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    updated = text.replace("    3\n    >>> 2 + 2\n", "    2\n    >>> 2 + 2\n    4\n")
    assert path.read_text(encoding="utf-8") == updated
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text(encoding="utf-8") == updated


def test_a_heading_indented_less_than_the_prompts_ends_the_output() -> None:
    """``torch.utils.data``'s datapipes head each part of their example with a line indented
    less than its prompts, right under the output above."""
    code = "Usage:\n    >>> 1 + 1\n    2\nMore:\n    >>> 2 + 2\n    4\n"
    assert [(e.source, e.want, e.lineno) for e in examples_of(code)] == [
        ("1 + 1\n", "2\n", 1),
        ("2 + 2\n", "4\n", 4),
    ]


def test_code_indented_less_under_a_prompt_is_still_refused() -> None:
    with pytest.raises(ValueError, match="inconsistent leading whitespace: 'x = 2'"):
        examples_of("    >>> x = 1\nx = 2\n    >>> x\n    1\n")


def _is_doctest_line_by_line(lines: tuple[BodyLine, ...]) -> bool:
    """``is_doctest`` as it reads every line, without the look for a prompt first."""
    prose = False
    for line in lines:
        text = line.text.strip()
        if not text or transcripts.LEAD_IN.match(line.text):
            prose = False
            continue
        if text.startswith(transcripts.PROMPT):
            return True
        prose = transcripts.is_prose(text, continuing=prose)
        if not prose:
            return False
    return False


LINES = st.sampled_from(
    [
        "",
        "x = 1",
        "import torch",
        "# a comment",
        "$ python",
        "Example::",
        "Observe the grid.",
        ">>> x",
        "  >>> 1",
        "print('>>> not a prompt')",
        "tensor(7)",
        ".. code-block:: python",
        "def f(x):",
    ]
)


@given(st.lists(LINES, max_size=6))
def test_a_transcript_is_told_as_reading_every_line_tells_it(texts: list[str]) -> None:
    lines = body(*texts)
    assert transcripts.is_doctest(lines) == _is_doctest_line_by_line(lines)


def test_blocks_without_a_prompt_are_read_without_compiling_their_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import codeop

    compiled: list[str] = []
    original = codeop.compile_command

    def counting(source: str, *args: object, **kwargs: object) -> object:
        compiled.append(source)
        return original(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(codeop, "compile_command", counting)
    blocks = "".join(
        f"```python\nimport torch\nx = torch.arange({n})\nprint(x)\n\n"
        f"======== output ==========\ntensor({list(range(n))})\n```\n\n"
        for n in range(1, 6)
    )
    note = NoteParser().parse("# A note\n\nSome words.\n\n" + blocks)
    assert len(note.blocks) == 5
    assert not any(block.doctest for block in note.blocks)
    assert compiled == []
