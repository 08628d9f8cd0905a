"""Continuation lines of a ``>>>`` transcript written without doctest's ``...`` prompt.

Python's own prompt writes ``...`` before each line that goes on with a statement. Other
shells do not: IDLE shows the body of ``>>> def double(x):`` or the rest of an unclosed
bracket without any prompt, and PyTorch's docstrings, written for xdoctest, often put
``>>>`` before them (``>>> m = nn.Sequential(``, then ``>>>     nn.Linear(50, 50),``).

xdoctest's form is read as xdoctest reads it (:func:`examples_of`): an example whose
statement is unfinished, and which expects no output, goes on with the ``>>>`` line after
it; so does an indented ``>>>`` line, or an ``else:``, ``elif``, ``except`` or ``finally``
one, after a compound statement that is complete without it (the second line of the body
of ``>>> def f(x):``) when the two read as one statement. IDLE's form cannot be: doctest
would take the lines after the prompt for its expected output. Such a line is found here
(:func:`unprompted_continuation`), so that the note names it and says what to write.
"""

from __future__ import annotations

import codeop
import doctest
import re
import warnings
from collections.abc import Sequence

from pytest_torchnotes.markdown.bracketed import marked
from pytest_torchnotes.markdown.dedented_prose import unindented
from pytest_torchnotes.markdown.indented_continuation import prompted
from pytest_torchnotes.markdown.lexers import BodyLine

#: doctest's prompts.
PROMPT = ">>>"
CONTINUATION = "..."

#: The start of a clause that goes on with the compound statement above it.
CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")


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
    # xdoctest's lines that go on with an open bracket, indented, read as ... lines
    texts = prompted("\n".join(line.text for line in body)).split("\n")
    position = 0
    while position < len(body):
        text = texts[position].strip()
        if not text.startswith(PROMPT):
            position += 1
            continue
        start = position
        source = [text[len(PROMPT) :].removeprefix(" ")]
        position += 1
        while position < len(body):
            text = texts[position].strip()
            if text.startswith(CONTINUATION):
                source.append(text[len(CONTINUATION) :].removeprefix(" "))
            elif text.startswith(PROMPT) and unfinished("\n".join(source)):
                source.append(text[len(PROMPT) :].removeprefix(" "))
            else:
                break
            position += 1
        if position >= len(body) or not texts[position].strip():
            continue
        if not texts[position].strip().startswith(PROMPT) and unfinished("\n".join(source)):
            return body[start], body[position]
    return None


def examples_of(code: str) -> list[doctest.Example]:
    """doctest's examples of the transcript ``code``, with xdoctest's continuation lines
    read as xdoctest reads them: an example that expects no output goes on with the example
    after it when that one continues its statement (:func:`goes_on`; ``ValueError`` as
    doctest raises it). A blank line inside an output whose brackets are still open is
    output (:func:`~.bracketed.marked`).

    >>> [e.source for e in examples_of(">>> m = dict(\\n>>>     a=1,\\n>>> )\\n>>> len(m)\\n1\\n")]
    ['m = dict(\\n    a=1,\\n)\\n', 'len(m)\\n']
    >>> [e.source for e in examples_of(">>> x = 1\\n>>>     y = 2\\n")]
    ['x = 1\\n', '    y = 2\\n']
    """
    examples: list[doctest.Example] = []
    for example in doctest.DocTestParser().get_examples(marked(prompted(unindented(code)))):
        last = examples[-1] if examples else None
        if last is None or last.want or last.exc_msg is not None:
            examples.append(example)
        elif goes_on(last.source, example.source):
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


def goes_on(source: str, following: str) -> bool:
    """Whether the example ``following`` continues the statement of the example ``source``
    as xdoctest reads ``>>>`` lines: ``source`` is unfinished, or ``following`` is indented
    or a clause (``else:``) and the two read as one statement.

    >>> goes_on("def f(x):\\n    y = x\\n", "    return y\\n")
    True
    >>> goes_on("if x:\\n    y = 1\\n", "else:\\n")
    True
    >>> goes_on("x = 1\\n", "    y = 2\\n"), goes_on("x = 1\\n", "else:\\n")
    (False, False)
    """
    if unfinished(source.rstrip("\n")):
        return True
    if not following[:1].isspace() and CLAUSE.match(following) is None:
        return False
    joined = (source + following).rstrip("\n")
    return _compiles(joined) or unfinished(joined)


def _compiles(source: str) -> bool:
    """Whether ``source`` compiles as a module."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in the source
        try:
            compile(source + "\n", "<transcript>", "exec")
        except (SyntaxError, ValueError, OverflowError):
            return False
    return True


def unfinished(source: str) -> bool:
    """Whether ``source`` is a statement that needs more lines (a ``def`` line, an unclosed
    bracket); a complete statement or a syntax error is not."""
    if _compiles(source):
        return False  # a compound statement with its ... lines is finished
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in the source
        try:
            return codeop.compile_command(source, symbol="exec") is None
        except (SyntaxError, ValueError, OverflowError):
            return False
