"""``>>>`` sessions of a docstring pasted as it is, where CommonMark does not see code.

doctest and xdoctest find a ``>>>`` prompt at any indentation. Two habits of PyTorch's
docstrings put one where a Markdown renderer shows no indented code block of its own:

- Google style's section line, ``Example:`` right over the indented session with no blank
  line between: to CommonMark the prompts continue the paragraph (lazily);
- a session nested in reStructuredText's explicit markup, ``.. note::`` over a body that
  holds ``Example::`` and, further in, the session: to CommonMark the whole body is one
  indented code block, which the session does not open.

Both run, as doctest runs them, when what stands above the prompt is a docstring's text
only: a section line that ends in ``:``; a code block whose every line before the prompt
is prose or markup (:func:`~..docstring_prose.is_prose`). A prompt under Python (``x = 1``
and then ``>>> x``) is code that shows a prompt, not a session: it is warned of, not run.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.docstring_prose import is_prose
from pytest_torchnotes.markdown.lexing.docstring_text import (
    is_markup,
    is_signature,
    opens_text_body,
)
from pytest_torchnotes.markdown.lexing.lines import split_quotes, width

#: reStructuredText's field list line (``:param x: ...``, ``:scale: 50 %`` under an
#: ``.. image::``): markup, not Python.
RST_FIELD = re.compile(r":[\w .-]+:(?:[ \t]|$)")

#: A line of a sentence that is words Python would parse: a word or a dotted name wrapped
#: onto a line of its own (``Hessians``), or words listed with commas (``conv, bn, relu``).
BARE_WORDS = re.compile(r"(?:[^\W\d]\w*(?:\.\w+)*)(?:,[ \t]*[^\W\d]\w*(?:\.\w+)*)*[.,;]?")

#: A ``>>>`` prompt that opens an earlier session of the docstring.
SESSION_PROMPT = re.compile(r">>>(?:[ \t]|$)")

#: What opens a fence: indented four columns, a fence is code, and its ``>>>`` lines no
#: docstring's session (``is_prose`` takes the backquotes for inline markup).
FENCE_MARKS = ("```", "~~~")


def _inside_quotes(line: str, depth: int) -> str:
    """``line`` without the markers of the ``depth`` block quotes it stands in.

    >>> _inside_quotes("> >>> x", 1), _inside_quotes("    >>> x", 0)
    (' >>> x', '    >>> x')
    """
    rest = line
    for _ in range(depth):
        rest = rest.lstrip(" \t")
        rest = rest[1:] if rest.startswith(">") else rest
    return rest


def opens_example(paragraph_line: str) -> bool:
    """Whether the paragraph line right above an indented prompt is a docstring's section
    line (``Example:``, ``Examples::``, ``For instance:``), under which the prompt opens a
    session rather than going on with the paragraph.

    >>> opens_example("Example:"), opens_example("Examples::"), opens_example("the input.")
    (True, True, False)
    """
    return paragraph_line.rstrip().endswith(":")


def prose_above(lines: list[str], start: int, index: int, depth: int) -> int | None:
    """The first line from ``start`` up to the prompt at line ``index`` (lines of one
    indented code block, in ``depth`` block quotes) that is not prose or reStructuredText
    markup, when there is one; ``None`` when all of them are words, so that the prompt
    opens a session nested in a docstring's text.

    >>> prose_above([".. note::", "", "    Example::", "", "        >>> x"], 0, 4, 0)
    >>> prose_above(["x = 1", "", "    >>> x"], 0, 2, 0)
    0
    >>> prose_above(["A use:", "", "  >>> f(1)", "  2", "", "Then:", "", "  >>> g"], 0, 7, 0)
    >>> prose_above(["The model:", "", "  a - [b] - c", "", "Its text.", "", "  >>> g"], 0, 6, 0)
    >>> prose_above(["It can produce", "Hessians", "", "  >>> g"], 0, 3, 0)
    """
    found = code_above(lines, start, index, depth)
    return None if found is None else found[0]


def code_above(lines: list[str], start: int, index: int, depth: int) -> tuple[int, int] | None:
    """What :func:`prose_above` finds, and how far a line after it must come back to the
    docstring's text to end it: a later line that is not blank, indented at most that many
    columns (-1: none), may stand in the text again, where a later prompt opens a session
    (the body of a ``.. code-block::`` ends; a line of words indented less than the Python
    above it makes that Python an excerpt of the text).

    >>> code_above(["x = 1", "", "    >>> x"], 0, 2, 0)
    (0, -1)
    >>> code_above([".. code-block::", "", "   x = 1", "   # c"], 0, 3, 0)
    (2, 0)
    """
    continuing = False
    # The body of a literal block, a directive or a Google section the lines are in: the
    # opener's indentation, and the first line of Python in it (the docstring's literal
    # code, unless the prompt stands in that body too).
    body: int | None = None
    body_python: int | None = None
    # The first line of Python outside such a body, and its indentation: a prose line
    # indented less comes back to the docstring's text, and the Python was an excerpt of it
    # (``quant1 - [dequant1 - fp32_linear - quant2] - dequant2``, a diagram that parses).
    python: int | None = None
    python_indent = 0
    # In an earlier session of the same docstring: its prompts, and its output up to a blank
    # line, are no code the prompt goes on with.
    in_session = False
    # The indentation of the sentence the line above goes on with: a line of it may be words
    # that parse (``... composed with itself to produce`` / ``Hessians``; ``conv, bn``).
    sentence_indent: int | None = None
    for number in range(start, index):
        # Before the quotes are split: a prompt's ">>>" would be read as three of them.
        inside = _inside_quotes(lines[number], depth).strip()
        if not inside:
            continuing = in_session = False
        elif in_session or SESSION_PROMPT.match(inside):
            in_session = True
            continue
        quote, rest = split_quotes(lines[number])
        text = rest.strip()
        if quote.count(">") != depth:
            return number, -1
        if not text:
            continuing = in_session = False
            sentence_indent = None
            continue
        indent = width(rest[: len(rest) - len(rest.lstrip(" \t"))])
        if body is not None and indent <= body:
            body = body_python = None  # the body ends: its code was the docstring's text
        if text.startswith(FENCE_MARKS):
            return number, -1  # a fence indented into code (its own warning says so)
        if body is not None:
            if body_python is None and not is_prose(text, continuing=continuing):
                body_python = number
            continuing = True
            continue
        if not (
            is_prose(text, continuing=continuing)
            or RST_FIELD.match(text)
            or is_markup(text, continuing=continuing)
            or (indent == sentence_indent and BARE_WORDS.fullmatch(text))
            or (number == start and is_signature(text))  # the docstring's first line
        ):
            if python is None:
                python, python_indent = number, indent
            continuing = True
            sentence_indent = None
            continue
        if python is not None and indent < python_indent:
            python = None  # back in the text: the Python was part of it
        if opens_text_body(text):
            body = indent
        continuing = True
        sentence_indent = indent
    if python is not None:
        return python, python_indent - 1
    if body is not None and body_python is not None:
        _, rest = split_quotes(lines[index])
        if width(rest[: len(rest) - len(rest.lstrip(" \t"))]) > body:
            # the prompt stands in that code: code that shows a prompt
            return body_python, body
    return None


def code_ends(lines: list[str], start: int, index: int, indent: int) -> bool:
    """Whether a line from ``start`` to ``index`` (included) is not blank and indented at
    most ``indent`` columns: it may end the code above it (the body of a
    ``.. code-block::`` with a comment in it, over the docstring's ``Examples::``)."""
    for number in range(start, index + 1):
        rest = split_quotes(lines[number])[1]
        if rest.strip() and width(rest[: len(rest) - len(rest.lstrip(" \t"))]) <= indent:
            return True
    return False
