"""PyTorch's docstring examples of round 10: sessions a docstring's text puts where the
earlier rules did not read them (torch.ao.quantization.fuse_modules, torch.linalg.LinAlgError,
torch.sparse.check_sparse_tensor_invariants, a builtin's docstring under inspect.getdoc)."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote, block_counts

lex = MarkdownLexer()


def session_lines(text: str) -> list[tuple[int, int]]:
    """(first line, last line) of each session the lexer reads, 1-based."""
    return [
        (session.open_line + 1, session.close_line + 1)
        for session in lex(text).indented_sessions
        if session.close_line is not None
    ]


#: A docstring pasted as it is in its source (torch.ao.quantization.fuse_modules'): a
#: ``.. code-block:: python`` whose body holds a comment under Python, then, past the body's
#: end, its ``Examples::`` session.
CODE_BLOCK_OVER_SESSION = """\
## torch.ao.quantization.fuse_modules

Fuse a list of modules into a single module.

    Args:
        model: Model containing the modules to be fused

    .. code-block:: python

       # Example of fuse_custom_config_dict
       fuse_custom_config_dict = {
           # Additional fuser_method mapping
           "additional_fuser_method_mapping": {},
       }

    Returns:
        model with fused modules.

    Examples::

            >>> import torch
            >>> m = torch.nn.Sequential(torch.nn.Linear(2, 2))
            >>> len(m)
            1
"""


def test_a_session_after_a_code_blocks_body_with_a_comment_in_it_is_lexed() -> None:
    assert session_lines(CODE_BLOCK_OVER_SESSION) == [(21, 24)]


def test_a_session_after_a_code_blocks_body_runs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(CODE_BLOCK_OVER_SESSION)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1}


def test_a_prompt_in_a_code_blocks_body_stays_its_text() -> None:
    inside = CODE_BLOCK_OVER_SESSION.replace(
        "       # Additional fuser_method mapping\n",
        "       # Additional fuser_method mapping\n       >>> shown, not run\n",
    )
    # the prompt in the body is the code's text; the session after the body still runs
    assert session_lines(inside) == [(22, 25)]


#: A docstring as inspect.getdoc writes it, its session right under the sentence that ends
#: its text (int's docstring, which torch.nn.functional.DType shows), with no blank line.
UNDER_A_SENTENCE = """\
## torch.nn.functional.DType

Base 0 means to interpret the base from the string as an integer literal.
>>> int('0b100', base=0)
4
"""


@pytest.mark.parametrize(
    ("above", "found"),
    [
        ("as an integer literal.", [(4, 5)]),
        ("Is it?", [(4, 5)]),
        # no sentence ends: the paragraph goes on into the prompt, a quote
        ("Prose right above, no colon", []),
        # a quote's prompt ending in a full stop is no sentence of the text
        (">>> I agree with you.", []),
    ],
)
def test_a_prompt_right_under_a_sentence_that_ends_opens_a_session(
    above: str, found: list[tuple[int, int]]
) -> None:
    text = UNDER_A_SENTENCE.replace(
        "Base 0 means to interpret the base from the string as an integer literal.", above
    )
    assert session_lines(text) == found


def test_a_session_under_a_sentence_runs(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(UNDER_A_SENTENCE)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1}
    write_note(UNDER_A_SENTENCE.replace("\n4\n", "\n5\n"))
    pytester.runpytest().assert_outcomes(failed=1)


#: inspect.getdoc of a docstring whose session stands in a list item of its text, at the
#: item's content column (torch.sparse.check_sparse_tensor_invariants'), and of one whose
#: lines keep a space of indentation that getdoc does not take off (torch.linalg.LinAlgError's).
IN_A_LIST_ITEM = """\
## torch.sparse.check_sparse_tensor_invariants

The options:

1. Using a context manager.

2. Using ``check_invariants`` in the constructor.
   For example:

   >>> import torch
   >>> torch.tensor([1, 2]) * 2
   tensor([2, 4])

After the list.
"""

ONE_SPACE_IN = """\
## torch.linalg.LinAlgError

Error raised by torch.linalg function.
 For example, torch.linalg.inv raises it.

Example:
 >>> import torch
 >>> matrix = torch.eye(2)
 >>> matrix
     tensor([[1., 0.],
             [0., 1.]])
"""


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (IN_A_LIST_ITEM, [(10, 12)]),
        (ONE_SPACE_IN, [(7, 11)]),
        # a quote of words in a list item stays a quote
        (
            IN_A_LIST_ITEM.replace("torch.tensor([1, 2]) * 2", "yes").replace(
                ">>> import torch", ">>> so, then"
            ),
            [],
        ),
        # under words that go on, the prompt goes on with them
        (ONE_SPACE_IN.replace("Example:", "See this"), []),
    ],
)
def test_a_prompt_indented_less_than_code_opens_a_session(
    text: str, found: list[tuple[int, int]]
) -> None:
    assert session_lines(text) == found


def test_a_session_indented_less_than_code_runs_and_update_keeps_its_indentation(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    path = write_note(IN_A_LIST_ITEM.replace("   tensor([2, 4])", "   tensor([2, 5])"))
    pytester.runpytest().assert_outcomes(failed=1)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text(encoding="utf-8") == IN_A_LIST_ITEM
    write_note(ONE_SPACE_IN)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1}


@pytest.mark.parametrize(
    ("heading", "text"),
    [
        # an in-place method's name: its underscore closes no emphasis
        ("## torch.Tensor.index_add_", "torch.Tensor.index_add_"),
        ("## torch.Tensor.add_ and torch.Tensor.mul_", "torch.Tensor.add_ and torch.Tensor.mul_"),
        ("## _Emphasis_ of torch.Tensor.add_", "Emphasis of torch.Tensor.add_"),
        # a pair is emphasis, as CommonMark reads it
        ("## __init__", "init"),
        ("## The _one_ and __two__, then x_", "The one and two, then x_"),
    ],
)
def test_a_headings_underscore_is_removed_only_where_it_closes_emphasis(
    heading: str, text: str
) -> None:
    assert [found.text for found in lex(heading + "\n").headings] == [text]


def test_a_failing_block_names_the_in_place_method_its_heading_names(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("## torch.Tensor.add_\n\n```python\nprint(1)\n```\n\n```output\n2\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*block 1 ('torch.Tensor.add_')*"])


#: A docstring pasted as it is in its source, its first line the function's signature, a
#: call that parses (torch.nn.functional.fractional_max_pool2d's), its session right under
#: ``Examples::`` with no blank line.
UNDER_A_SIGNATURE = """\
## torch.nn.functional.fractional_max_pool2d

    fractional_max_pool2d(input, kernel_size, output_size=None, _random_samples=None)

    Applies 2D fractional max pooling.

    Examples::
        >>> input = torch.randn(20, 16, 50, 32)
        >>> F.fractional_max_pool2d(input, 3, output_size=(13, 12))
"""


def test_a_docstrings_signature_on_its_first_line_is_its_text() -> None:
    assert session_lines(UNDER_A_SIGNATURE) == [(8, 9)]
    # Python of the docstring's text: its code, over which a prompt is that code's text
    assert session_lines(UNDER_A_SIGNATURE.replace("None)\n", "None)\n    x = 1\n")) == []
    assert session_lines(UNDER_A_SIGNATURE.replace("(input,", "(torch.ones(2),")) == []


def test_a_prompt_further_down_indented_code_that_is_not_run_is_warned_of(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # its first line is code: an assignment, no signature
    write_note(
        UNDER_A_SIGNATURE.replace("    fractional_max_pool2d(", "    x = fractional_max_pool2d(")
    )
    result = pytester.runpytest()
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:8: indented code `>>> input = torch.randn(20, 16, 50, 32)` is not"
            " run: it goes on with the indented code of line 3*",
            "*no Python blocks in this note (1 warning names what is not run*",
        ]
    )


def test_a_block_of_prompts_under_python_is_warned_of_once() -> None:
    """The first prompt that opens a run of prompts under the Python is named; the rest of
    the block is that code's text too, and is not read again."""
    text = "Some code:\n\n    x = 1\n    # c\n" + "    >>> y\n    # c\n" * 2_000
    text += "\nWords.\n\n    y = 2\n    # c\n    >>> y\n"
    problems = NoteParser().parse(text).problems
    assert [(shown(problem.line_index), problem.message[:40]) for problem in problems] == [
        (5, "indented code `>>> y` is not run: it goe"),
        (4010, "indented code `>>> y` is not run: it goe"),
    ]
