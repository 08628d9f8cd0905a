"""Output that a blank line cut off from its prompt, as PyTorch's docstrings write it.

``torch.Tensor.register_hook`` writes the old repr of a tensor under a blank line below
``>>> v.grad``, and ``torch.nn.Module.modules`` the lines its loop prints below the loop's
last ``...`` line and a blank line. doctest and xdoctest read such lines as prose: they are
never compared. They are no code either, whose missing prompt would leave it unrun: the
paragraph as a whole does not compile. Such a paragraph is named in a warning, with the fix,
and the note runs; a paragraph that is code is still refused (:func:`.transcripts.check`).
"""

from __future__ import annotations

import ast
import textwrap
import warnings
from collections.abc import Sequence

from pytest_torchnotes.notelines import shown


def reads_as_output(paragraph: Sequence[str]) -> bool:
    """Whether the lines of a paragraph that no prompt is in front of are no Python: they do
    not compile together, their common indentation removed, and none of them is a statement
    on its own but a value, as output shows one (``2``, ``(1, 2)``).

    >>> reads_as_output([" 2", " 4", "[torch.FloatTensor of size (3,)]"])
    True
    >>> reads_as_output(["0 -> Sequential(", "  (0): Linear()", ")", "1 -> Linear()"])
    True
    >>> reads_as_output(["y = 2"]), reads_as_output([" 2"]), reads_as_output(["def f(x):"])
    (False, False, False)
    >>> reads_as_output(["y = 2", "Observe the grid."])  # code, in a sentence's paragraph
    False
    """
    if _compiles(textwrap.dedent("\n".join(paragraph))):
        return False
    return not any(_statement(text.strip()) for text in paragraph)


def _compiles(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences, literals compared with is
        try:
            compile(source + "\n", "<paragraph>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, OverflowError):
            return False
    return True


def _statement(text: str) -> bool:
    """Whether the line ``text`` is a statement, or starts one (``def f(x):``), rather than
    a value or no Python at all."""
    if not _compiles(text):
        return _compiles(text + "\n    pass")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(text)
    for statement in tree.body:
        if not isinstance(statement, ast.Expr):
            return True
        try:
            ast.literal_eval(statement.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return True
    return False


def cut_off_message(opening: int) -> str:
    """The warning for output cut off from its prompt in the transcript whose fence opens
    at the 0-based line ``opening`` (the warning names the line the output starts at)."""
    return (
        f"output after a blank line, not under a >>> prompt, in the transcript at line "
        f"{shown(opening)}: doctest and xdoctest read it as prose and never compare it (if "
        "it is the output of the example above it, remove the blank line between them, or "
        "write <BLANKLINE> for it if the example prints an empty line there)"
    )
