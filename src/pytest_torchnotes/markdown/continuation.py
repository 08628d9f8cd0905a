"""Continuation lines of a ``>>>`` transcript written without doctest's ``...`` prompt.

Python's own prompt writes ``...`` before each line that goes on with a statement. Other
shells do not: IDLE shows the body of ``>>> def double(x):`` or the rest of an unclosed
bracket without any prompt, and PyTorch's docstrings, written for xdoctest, sometimes put
``>>>`` before them (``>>> m = nn.Sequential(``, then ``>>>     nn.Linear(50, 50),``).

doctest runs the prompt's line alone, and fails on an unfinished statement; the lines after
it are taken for its output (IDLE) or for statements of their own (xdoctest). Such a line is
found here, so that the note names it and says how doctest reads it.
"""

from __future__ import annotations

import codeop
import warnings
from collections.abc import Sequence

from pytest_torchnotes.markdown.lexers import BodyLine

#: doctest's prompts.
PROMPT = ">>>"
CONTINUATION = "..."


def unprompted_continuation(body: Sequence[BodyLine]) -> tuple[BodyLine, BodyLine] | None:
    """The first ``(prompt line, line)`` where the statement a prompt starts is unfinished
    and the next line goes on with it without a ``...`` prompt.

    >>> def body(*texts):
    ...     return [BodyLine(n, "", text) for n, text in enumerate(texts)]
    >>> [line.line for line in unprompted_continuation(body(">>> def f(x):", "  return x"))]
    [0, 1]
    >>> unprompted_continuation(body(">>> def f(x):", "...   return x")) is None
    True
    """
    position = 0
    while position < len(body):
        text = body[position].text.strip()
        if not text.startswith(PROMPT):
            position += 1
            continue
        start = position
        source = [text[len(PROMPT) :].removeprefix(" ")]
        position += 1
        while position < len(body) and body[position].text.strip().startswith(CONTINUATION):
            source.append(body[position].text.strip()[len(CONTINUATION) :].removeprefix(" "))
            position += 1
        if position >= len(body) or not body[position].text.strip():
            continue
        if _unfinished("\n".join(source)):
            return body[start], body[position]
    return None


def _unfinished(source: str) -> bool:
    """Whether ``source`` is a statement that needs more lines (a ``def`` line, an unclosed
    bracket); a complete statement or a syntax error is not."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in the source
        try:
            compile(source + "\n", "<transcript>", "exec")
        except (SyntaxError, ValueError, OverflowError):
            pass
        else:
            return False  # a compound statement with its ... lines is finished
        try:
            return codeop.compile_command(source, symbol="exec") is None
        except (SyntaxError, ValueError, OverflowError):
            return False
