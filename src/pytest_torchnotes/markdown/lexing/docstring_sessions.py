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
from pytest_torchnotes.markdown.lexing.docstring_text import is_markup, opens_text_body
from pytest_torchnotes.markdown.lexing.lines import split_quotes, width

#: reStructuredText's field list line (``:param x: ...``, ``:scale: 50 %`` under an
#: ``.. image::``): markup, not Python.
RST_FIELD = re.compile(r":[\w .-]+:(?:[ \t]|$)")

#: What opens a fence: indented four columns, a fence is code, and its ``>>>`` lines no
#: docstring's session (``is_prose`` takes the backquotes for inline markup).
FENCE_MARKS = ("```", "~~~")


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
    """
    continuing = False
    # The body of a literal block, a directive or a Google section the lines are in: the
    # opener's indentation, and the first line of Python in it (the docstring's literal
    # code, unless the prompt stands in that body too).
    body: int | None = None
    body_python: int | None = None
    for number in range(start, index):
        quote, rest = split_quotes(lines[number])
        text = rest.strip()
        if quote.count(">") != depth:
            return number
        if not text:
            continuing = False
            continue
        indent = width(rest[: len(rest) - len(rest.lstrip(" \t"))])
        if body is not None and indent <= body:
            body = body_python = None  # the body ends: its code was the docstring's text
        if text.startswith(FENCE_MARKS):
            return number  # a fence indented into code (its own warning says so)
        if body is not None:
            if body_python is None and not is_prose(text, continuing=continuing):
                body_python = number
            continuing = True
            continue
        if not (
            is_prose(text, continuing=continuing)
            or RST_FIELD.match(text)
            or is_markup(text, continuing=continuing)
        ):
            return number  # Python
        if opens_text_body(text):
            body = indent
        continuing = True
    if body is not None and body_python is not None:
        _, rest = split_quotes(lines[index])
        if width(rest[: len(rest) - len(rest.lstrip(" \t"))]) > body:
            return body_python  # the prompt stands in that code: code that shows a prompt
    return None
