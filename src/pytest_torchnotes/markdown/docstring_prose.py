"""Sentences between the examples of a ``>>>`` transcript, as PyTorch's docstrings write them.

A docstring's ``Examples::`` section is read by doctest and xdoctest, for which the text
after a blank line that is not behind a prompt is prose: ``torch.meshgrid`` explains its grid
in a sentence between two prompts, ``torch.nn.ReLU`` names a paper. A note that copies the
section keeps those sentences. A line that is Python, or the start of a statement that goes
on, is not prose: doctest would not run it either, and the note is told so
(:func:`~.transcripts.not_behind_a_prompt`). Words that are not Python are left to be read,
as doctest leaves them.
"""

from __future__ import annotations

import codeop
import re
import warnings

#: How a sentence starts: a letter, or reStructuredText's inline markup (``torch.meshgrid``
#: in backquotes, a ``:func:`` role). A line of a sentence that goes on may start otherwise;
#: one that starts a paragraph with a digit or a bracket is more likely output (the
#: ``[torch.FloatTensor of size (3,)]`` of an old repr).
SENTENCE_START = re.compile(r"[^\W\d_]|`|:[a-z]+:`")

#: reStructuredText's explicit markup, a line that starts with two dots and a space: a directive
#: a docstring's example sits under (``.. code-block:: python``, ``.. doctest::``), a link's
#: target (``torch.nn.TripletMarginLoss``'s ``.. _Learning shallow ...:`` under its example),
#: a footnote, a comment. Prose to doctest, and so is what is indented under it. (``...``, a
#: continuation prompt, has a third dot.)
RST_EXPLICIT_MARKUP = re.compile(r"\.\.(?:[ \t]|$)")

#: The end of a paragraph that opens a reStructuredText literal block (``equality holds::``,
#: or ``::`` on a line of its own as ``torch.nn.Fold`` writes it above its equation).
RST_LITERAL_MARKER = "::"


def is_prose(text: str, *, continuing: bool = False) -> bool:
    """Whether the line ``text`` is words, not Python: it starts with a letter (or goes on
    with the sentence of the line above it, ``continuing``) and neither compiles as a
    statement nor starts one that goes on (a ``def`` line, an unclosed bracket).

    >>> is_prose("Observe the element-wise pairings across the grid, (1, 4),")
    True
    >>> is_prose("(1, 5), ..., (3, 6). This is the same thing as the", continuing=True)
    True
    >>> is_prose("An implementation of CReLU - https://arxiv.org/abs/1603.05201")
    True
    >>> [is_prose(code) for code in ("y = 2", "def f(x):", "print(", " 2", "product")]
    [False, False, False, False, False]
    >>> is_prose("`torch.meshgrid` is commonly used to produce a grid for")
    True
    >>> is_prose("[torch.FloatTensor of size (3,)]")
    False
    >>> is_prose("Example::"), is_prose(".. code-block:: python"), is_prose("::")
    (True, True, True)
    >>> is_prose(".. _Learning shallow convolutional feature descriptors with triplet losses:")
    True
    """
    text = text.strip()
    if RST_EXPLICIT_MARKUP.match(text) or text == RST_LITERAL_MARKER:
        return True
    if not text or not (continuing or SENTENCE_START.match(text)):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences, literals compared with is
        try:
            codeop.compile_command(text.strip(), symbol="exec")
        except (SyntaxError, ValueError, OverflowError):
            return True
    return False


def opens_indented_prose(text: str) -> bool:
    """Whether the prose line ``text`` makes the lines indented under it prose too, as
    reStructuredText reads them: the literal block after a paragraph that ends in ``::``
    (``torch.nn.Fold``'s ``fold(unfold(input)) == divisor * input``), and the body of
    explicit markup (the code under ``.. code-block:: python``, a link target's address).

    >>> [opens_indented_prose(t) for t in ("::", "equality holds::", ".. math::", "Words.")]
    [True, True, True, False]
    """
    text = text.strip()
    return text.endswith(RST_LITERAL_MARKER) or RST_EXPLICIT_MARKUP.match(text) is not None
