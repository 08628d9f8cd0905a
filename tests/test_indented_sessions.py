"""Indented ``>>>`` sessions: which indented code blocks the lexer reads as a session, as
CommonMark reads indented code (markdown-it-py checks it in :mod:`tests.test_commonmark`)."""

from __future__ import annotations

import time

import pytest

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.parsers import NoteParser

lex = MarkdownLexer()

DOCSTRING = """\
## torch.add

.. math::

    \\text{out}_i = \\text{input}_i + \\text{other}_i

Args:
    input (Tensor): the input tensor.
        >>> not a session: the paragraph goes on
    other (Tensor or Number): the tensor or number to add to input.

Example::

    >>> a = torch.tensor([1, 2])
    >>> torch.add(a, 20)
    tensor([21, 22])

    >>> a.sum()
    tensor(3)

Prose.
"""


def sessions(text: str) -> list[tuple[int, int, list[str], list[str]]]:
    """(first line, last line, prefixes, texts) of each session, 1-based lines."""
    return [
        (
            session.open_line + 1,
            session.close_line + 1,
            [line.prefix for line in session.body],
            [line.text for line in session.body],
        )
        for session in lex(text).indented_sessions
        if session.close_line is not None
    ]


def test_a_docstring_pasted_as_it_is() -> None:
    assert sessions(DOCSTRING) == [
        (
            14,
            19,
            ["    ", "    ", "    ", "", "    ", "    "],
            [
                ">>> a = torch.tensor([1, 2])",
                ">>> torch.add(a, 20)",
                "tensor([21, 22])",
                "",
                ">>> a.sum()",
                "tensor(3)",
            ],
        )
    ]
    note = NoteParser().parse(DOCSTRING)
    (block,) = note.blocks
    assert block.doctest
    assert block.code_line == 13  # 0-based: the first prompt
    assert block.code.startswith(">>> a = torch.tensor([1, 2])\n")
    assert not [problem for problem in note.problems if "indented" in problem.message]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Text.\n    >>> x\n", []),  # a paragraph's lazy continuation
        ("Text.\n    more.\n        >>> x\n", []),
        # a docstring with no blank line: the paragraph goes on to its section line
        ("Text.\n    Example::\n        >>> x\n", [(3, 3, ["        "], [">>> x"])]),
        (
            "Text.\n    more.\n    Ex:\n    >>> x\n    1\n",
            [(4, 5, ["    ", "    "], [">>> x", "1"])],
        ),
        ("> Text.\n>     Ex:\n>         >>> x\n", [(3, 3, [">         "], [">>> x"])]),
        ("    x = 1\n\n    >>> x\n", []),  # a later line of an indented code block
        ("    x = 1\n    >>> x\n", []),
        ("    pip install torch\n", []),  # indented code that is no session
        ("    >>> x\n", [(1, 1, ["    "], [">>> x"])]),  # the note's first line
        ("# H\n    >>> x\n", [(2, 2, ["    "], [">>> x"])]),  # right after a heading
        ("\t>>> x\n\t1\n", [(1, 2, ["\t", "\t"], [">>> x", "1"])]),
        ("Ex::\n\n      >>> x\n      1\n", [(3, 4, ["    ", "    "], ["  >>> x", "  1"])]),
        ("- a\n\n      >>> x\n      1\n", [(3, 4, ["      ", "      "], [">>> x", "1"])]),
        ("- a\n\n    >>> x\n", []),  # in the item: two columns past its content, text
        ("> Ex:\n>\n>     >>> x\n>     1\n", [(3, 4, [">     ", ">     "], [">>> x", "1"])]),
        (
            "Ex::\n\n    # Dot product\n    >>> x\n",
            [(3, 4, ["    ", "    "], ["# Dot product", ">>> x"])],
        ),
        ("Ex::\n\n    # a comment\n    pip install torch\n", []),
        # a docstring pasted under a block: a session (read as output only with indented
        # output on, by the rules of exports)
        (
            "```python\nx\n```\n\n    >>> y = 1\n",
            [(5, 5, ["    "], [">>> y = 1"])],
        ),
        ("<!--\n    >>> commented out\n-->\n", []),
        ("```markdown\n    >>> shown\n```\n", []),
        ("    >>>x\n", []),  # no space after the prompt: not doctest's
    ],
)
def test_which_indented_code_is_a_session(
    text: str, found: list[tuple[int, int, list[str], list[str]]]
) -> None:
    assert sessions(text) == found


def test_indented_code_full_of_prompts_is_lexed_in_linear_time() -> None:
    """Each prompt further down an indented code block walks back to the one before it,
    not to the block's first line (it was quadratic: 8,000 prompts took a minute)."""

    def seconds(count: int) -> float:
        text = "    x = 1\n" + "    >>> y\n    # c\n" * count
        start = time.process_time()  # CPU time: other processes' load does not stretch it
        assert lex(text).indented_sessions == []
        return time.process_time() - start

    seconds(100)
    assert seconds(4_000) < 40 * seconds(500) + 0.05
