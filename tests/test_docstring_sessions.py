"""Sessions of a docstring pasted as it is where CommonMark sees no indented code block of
their own: under Google style's ``Example:`` line, and nested in reStructuredText's
markup (``.. note::`` over ``Example::``); a prompt under Python is still no session."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.lexing.docstring_sessions import prose_above
from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote

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
        # Google style: the section line right over the session
        ("Example:\n    >>> x = 1\n    >>> x\n    1\n", [(2, 4, [">>> x = 1", ">>> x", "1"])]),
        ("Examples::\n    >>> x\n", [(2, 2, [">>> x"])]),
        ("For instance:\n        >>> x\n", [(2, 2, [">>> x"])]),
        ("Args:\n    x: one\nExample:\n    >>> x\n", [(4, 4, [">>> x"])]),
        ("> Example:\n>     >>> x\n>     1\n", [(2, 3, [">>> x", "1"])]),
        ("- Example:\n      >>> x\n", [(2, 2, [">>> x"])]),
        # a line that does not end a section: the paragraph goes on
        ("Text.\n    >>> x\n", []),
        ("Args:\n    input (Tensor): the input.\n        >>> x\n", []),
        # nested in reStructuredText's markup
        (
            ".. note::\n    Some text.\n\n    Example::\n\n        >>> x\n        1\n\n    More.\n",
            [(6, 7, [">>> x", "1"])],
        ),
        (
            ".. warning::\n\n    Words.\n\n    .. code-block:: python\n\n        >>> x\n",
            [(7, 7, [">>> x"])],
        ),
        (
            "    .. note::\n        :class: tip\n\n        >>> a\n        >>> b\n    Example:\n"
            "        >>> c\n",
            [(4, 5, [">>> a", ">>> b"]), (7, 7, [">>> c"])],
        ),
        (
            ".. note::\n\n    Words.\n\n    # Dot product\n    >>> x\n",
            [(5, 6, ["# Dot product", ">>> x"])],
        ),
        (".. note::\n\n    # a comment, and code\n    x = 1\n    >>> x\n", []),
        # under Python: code that shows a prompt, not a session
        ("    x = 1\n\n    >>> x\n", []),
        ("    x = 1\n        >>> x\n", []),
        ("    def f():\n        '''\n        >>> f()\n        '''\n", []),
        (".. note::\n\n    print(1)\n\n    Example::\n\n        >>> x\n", []),
        # a docstring pasted right after a fence: a session, not the fence's output
        ("```python\nx = 1\n```\n\n    >>> x\n    1\n", [(5, 6, [">>> x", "1"])]),
        ("```python\n>>> x = 1\n```\n\n    >>> x\n", [(5, 5, [">>> x"])]),
        ("```python\nx = 1\n```\n    >>> x\n", [(4, 4, [">>> x"])]),
        ("```python\nx = 1\n```\n\n    # Dot\n    >>> x\n", [(5, 6, ["# Dot", ">>> x"])]),
        ("> ```python\n> x = 1\n> ```\n>\n>     >>> x\n", [(5, 5, [">>> x"])]),
        ("- a\n\n  ```python\n  x = 1\n  ```\n\n      >>> x\n", [(7, 7, [">>> x"])]),
        # the fence's output (an export's), or code with a prompt in it: no session
        ("```python\nx = 1\n```\n\n    tensor([1.])\n\n    >>> x\n", []),
        ("```python\nx = 1\n```\n\n    # a comment\n    x = 2\n    >>> x\n", []),
        # a fence indented into code: its own warning says it is not run
        ("Examples:\n\n    ```python\n    >>> x\n    1\n    ```\n", []),
        ("Examples:\n\n    ~~~\n        >>> x\n", []),
    ],
)
def test_which_docstring_prompts_open_a_session(
    text: str, found: list[tuple[int, int, list[str]]]
) -> None:
    assert sessions(text) == found


def test_a_nested_session_runs_as_a_transcript_and_is_not_warned_of() -> None:
    note = NoteParser().parse(
        "# f\n\n.. note::\n\n    Example::\n\n        >>> 1 + 1\n        2\n\nExample:\n"
        "    >>> 2 + 2\n    4\n"
    )
    assert [(block.code_line, block.doctest, block.code) for block in note.blocks] == [
        (6, True, ">>> 1 + 1\n2"),
        (10, True, ">>> 2 + 2\n4"),
    ]
    assert not note.problems


#: Lines of a directive's body: words and markup, or Python. (Comments right over the
#: prompt are the session's, as at the top of a note: the examples above show them.)
LINES = st.sampled_from(
    ["Words.", ".. note::", "Example::", "x = 1", "print(x)", ":scale: 50 %", ""]
)


@given(st.lists(st.tuples(LINES, st.integers(0, 2)), max_size=6))
def test_a_nested_prompt_runs_exactly_when_nothing_above_it_in_its_block_is_python(
    above: list[tuple[str, int]],
) -> None:
    """Under a first line of words, every line of the indented code block before the
    prompt decides: one line of Python (or a fence's, indented into code) and it is code
    that shows a prompt, unless a line of words indented less comes after it (the Python
    was an excerpt of the docstring's text); Python in a literal block (under
    ``Example::``) that ends before the prompt is the docstring's literal code, which
    Sphinx shows and no doctest runs."""
    body = ["    .. note::", *(("    " + "  " * depth + line).rstrip() for line, depth in above)]
    text = "\n".join(["", *body, "        >>> x", ""])
    python = False
    python_indent = 0
    literal: int | None = None  # the indentation of the open literal block's opener
    literal_python = False
    after_blank = False
    for line, depth in above:
        indent = 4 + 2 * depth
        if not line:
            after_blank = True
            continue
        field_opens = after_blank and line == ":scale: 50 %"
        after_blank = False
        if literal is not None and indent <= literal:
            literal, literal_python = None, False
        if literal is not None:  # a field line opening a paragraph of a literal block: code
            literal_python = literal_python or line in ("x = 1", "print(x)") or field_opens
            continue
        if line in ("x = 1", "print(x)"):
            if not python:
                python, python_indent = True, indent
            continue
        if python and indent < python_indent:
            python = False
        if line == "Example::":
            literal = indent
    python = python or (literal is not None and literal < 8 and literal_python)
    assert bool(sessions(text)) == (not python)
    assert (prose_above(text.split("\n"), 1, len(body) + 1, 0) is None) == (not python)


def test_prompts_under_python_are_lexed_in_linear_time() -> None:
    """Each prompt of a block of code is not checked again from the block's first line."""

    def seconds(count: int) -> float:
        text = ".. note::\n\n    Words.\n    x = 1\n" + "\n    >>> y\n    Words.\n" * count
        start = time.process_time()  # CPU time: other processes' load does not stretch it
        assert lex(text).indented_sessions == []
        return time.process_time() - start

    seconds(100)
    assert seconds(4_000) < 40 * seconds(500) + 0.05


@pytest.mark.parametrize("fence", ["```python\nx = 1\n```", "```pycon\n>>> x = 1\n```"])
def test_a_docstring_pasted_right_after_a_fence_runs_unless_indented_text_is_output(
    fence: str,
) -> None:
    text = f"{fence}\n\n    >>> x + 1\n    2\n"
    note = NoteParser().parse(text)
    assert [(block.code_line, block.doctest) for block in note.blocks][1:] == [(4, True)]
    assert note.problems == []
    exported = NoteParser().parse("---\ntorchnotes:\n  indented_output: true\n---\n" + text)
    if fence.startswith("```python"):  # read as the block's output, by the rules of exports
        assert [block.expected for block in exported.blocks] == [">>> x + 1\n2"]
    else:  # a transcript holds its own output: the session after it runs
        assert len(exported.blocks) == 2


# A docstring pasted as it is in its source: the first line at column 0, the rest indented
# four spaces, one indented code block to CommonMark. Its text holds math, list items, Google
# sections and literal code that are no sentences, and still no Python a prompt follows.
SOURCE_DOCSTRINGS = [
    # torch.nn.MaxPool1d: math under .. math::, a list of shapes, Args
    """\
Applies a 1D max pooling.

    The output value can be described as:

    .. math::
        out(N_i, C_j, k) = \\max_{m=0, \\ldots, \\text{kernel\\_size} - 1}
                input(N_i, C_j, stride \\times k + m)

    Args:
        eps: a value added to the denominator. Default: 1e-5

    Shape:
        - Input: :math:`(N, C, L_{in})` or :math:`(C, L_{in})`.
        - **output** (*Tensor*)

    ======  =====
    Mode    Value
    ======  =====

    Examples::

        >>> m = nn.MaxPool1d(3, stride=2)
""",
    # torch.nn.Embedding: literal code under `For example::` in a note, then the examples
    """\
A simple lookup table.

    .. note::
        When :attr:`max_norm` is not ``None``, the weight changes. For example::

            n, d, m = 3, 5, 7
            embedding = nn.Embedding(n, d, max_norm=1.0)

    Examples::

        >>> embedding = nn.Embedding(10, 3)
""",
    # torch.nn.RNN: a code-block, then the examples; torch.nn.Module.to: Returns
    """\
Apply a multi-layer Elman RNN.

    .. code-block:: python

        # Efficient implementation equivalent to the following
        rnn = nn.RNN(input_size, hidden_size, num_layers)

    Returns:
        Module: self

    where the hidden state at time `t` is computed over the
    dimensions

    Outputs: (h_1, c_1)
        - **h_1** of shape `(batch, hidden_size)`: the next hidden state

    where

    4D is a mini-batch of 2D inputs

    Examples::

        >>> rnn = nn.RNN(10, 20, 2)
""",
]


@pytest.mark.parametrize("docstring", SOURCE_DOCSTRINGS)
def test_a_docstring_as_in_its_source_runs_its_session(docstring: str) -> None:
    found = sessions(docstring)
    assert len(found) == 1
    assert found[0][2][0].startswith(">>> ")
    note = NoteParser().parse(docstring)
    assert [block.doctest for block in note.blocks] == [True]
    assert not [p for p in note.problems if "is not run" in p.message]


@pytest.mark.parametrize(
    "text",
    [
        # the prompt inside the literal code it follows: code that shows a prompt
        "Words.\n\n    For example::\n\n        x = 1\n        >>> x\n",
        "Words.\n\n    Returns:\n        x = f(1)\n        >>> x\n",
        # Python outside any literal block, list items of code
        "Words.\n\n    x = 1\n\n    Examples::\n\n        >>> x\n",
        "Words.\n\n    - x\n\n    >>> x\n",
    ],
)
def test_python_of_the_docstring_s_own_text_still_keeps_a_prompt_under_it_unrun(
    text: str,
) -> None:
    assert sessions(text) == []


def test_a_source_docstring_runs_end_to_end(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "# torch.nn.Embedding\n\n"
        + SOURCE_DOCSTRINGS[1].replace(
            ">>> embedding = nn.Embedding(10, 3)", ">>> len('abc')\n        3"
        )
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 block: 1 verified*"])


@pytest.mark.parametrize(
    ("above", "python"),
    [
        # an earlier session of the docstring, its output too, is no code the prompt goes on with
        (["A use:", "", "    >>> f(1)", "    2", "", "Then:"], None),
        (["> >>> f(1)", "> 2", ">", "> Then:"], None),
        # Python in the text, then the text again, indented less: an excerpt of it
        (["The model:", "", "  a - [b] - c", "", "Its text."], None),
        # a sentence wrapped onto a word that parses
        (["It can produce", "Hessians", "", "Example:"], None),
        (["It can produce", "torch.func.", ""], None),
        (["Fuses only these:", "conv, bn", "conv, bn, relu", "All others are left."], None),
        # but Python the text does not come back from (or not indented less) stays Python
        (["The model:", "", "  a - [b] - c", "  more(text)"], 2),
        (["x = 1", "Words here."], 0),
        (["Words here.", "", "conv, bn"], 2),
        (["Words here.", "", "x = 1"], 2),
        (["Words here.", "    y = f(x)", "    Words again."], 1),
    ],
)
def test_what_stands_above_a_prompt_of_a_docstring(above: list[str], python: int | None) -> None:
    depth = 1 if above[0].startswith(">") else 0
    prompt = ("> " if depth else "") + "    >>> g"
    assert prose_above([*above, prompt], 0, len(above), depth) == python
