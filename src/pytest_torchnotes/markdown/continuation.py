"""Continuation lines of a ``>>>`` transcript written without doctest's ``...`` prompt.

Python's own prompt writes ``...`` before each line that goes on with a statement. Other
shells do not: IDLE shows the body of ``>>> def double(x):`` or the rest of an unclosed
bracket without any prompt, and PyTorch's docstrings, written for xdoctest, often put
``>>>`` before them (``>>> m = nn.Sequential(``, then ``>>>     nn.Linear(50, 50),``).

xdoctest's form is read as xdoctest reads it (:func:`examples_of`): an example whose
statement is unfinished, and which expects no output, goes on with the ``>>>`` line after
it. IDLE's form cannot be: doctest would take the lines after the prompt for its expected
output. Such a line is found here (:func:`unprompted_continuation`), so that the note names
it and says what to write.
"""

from __future__ import annotations

import codeop
import doctest
import warnings
from collections.abc import Sequence

from pytest_torchnotes.markdown.bracketed import marked
from pytest_torchnotes.markdown.lexers import BodyLine

#: doctest's prompts.
PROMPT = ">>>"
CONTINUATION = "..."


def unprompted_continuation(body: Sequence[BodyLine]) -> tuple[BodyLine, BodyLine] | None:
    """The first ``(prompt line, line)`` where the statement a prompt starts is unfinished
    and the next line goes on with it with no prompt at all (a ``>>>`` line goes on with it
    as xdoctest reads it, :func:`examples_of`).

    >>> def body(*texts):
    ...     return [BodyLine(n, "", text) for n, text in enumerate(texts)]
    >>> [line.line for line in unprompted_continuation(body(">>> def f(x):", "  return x"))]
    [0, 1]
    >>> unprompted_continuation(body(">>> def f(x):", "...   return x")) is None
    True
    >>> unprompted_continuation(body(">>> f(", ">>>     1,", ">>> )", "2")) is None
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
        while position < len(body):
            text = body[position].text.strip()
            if text.startswith(CONTINUATION):
                source.append(text[len(CONTINUATION) :].removeprefix(" "))
            elif text.startswith(PROMPT) and _unfinished("\n".join(source)):
                source.append(text[len(PROMPT) :].removeprefix(" "))
            else:
                break
            position += 1
        if position >= len(body) or not body[position].text.strip():
            continue
        if not body[position].text.strip().startswith(PROMPT) and _unfinished("\n".join(source)):
            return body[start], body[position]
    return None


def examples_of(code: str) -> list[doctest.Example]:
    """doctest's examples of the transcript ``code``, with xdoctest's continuation lines
    read as xdoctest reads them: an example whose statement is unfinished and that expects
    no output goes on with the example after it (``ValueError`` as doctest raises it). A
    blank line inside an output whose brackets are still open is output
    (:func:`~.bracketed.marked`).

    >>> [e.source for e in examples_of(">>> m = dict(\\n>>>     a=1,\\n>>> )\\n>>> len(m)\\n1\\n")]
    ['m = dict(\\n    a=1,\\n)\\n', 'len(m)\\n']
    >>> [e.source for e in examples_of(">>> x = 1\\n>>>     y = 2\\n")]
    ['x = 1\\n', '    y = 2\\n']
    """
    examples: list[doctest.Example] = []
    for example in doctest.DocTestParser().get_examples(marked(code)):
        last = examples[-1] if examples else None
        if last is None or last.want or last.exc_msg is not None:
            examples.append(example)
        elif _unfinished(last.source.rstrip("\n")):
            examples[-1] = doctest.Example(
                last.source + example.source,
                example.want,
                example.exc_msg,
                lineno=last.lineno,
                indent=last.indent,
                options={**last.options, **example.options},
            )
        else:
            examples.append(example)
    return examples


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
