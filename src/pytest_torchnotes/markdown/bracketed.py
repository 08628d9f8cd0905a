"""Blank lines inside the output of a ``>>>`` example whose brackets are still open.

torch prints a tensor of three or more dimensions with a blank line between its matrices:
``torch.arange(8).reshape(2, 2, 2)`` shows as::

    tensor([[[0, 1],
             [2, 3]],

            [[4, 5],
             [6, 7]]])

doctest ends an example's output at a blank line, so the author of a transcript would have
to write ``<BLANKLINE>`` there. A transcript copied from a terminal or from PyTorch's
docstrings writes the blank line as torch prints it. Such a blank line is read as part of the
output (:func:`continued_blanks`) when the brackets the output opened are still open there,
and the lines after it, before the next ``>>>`` prompt and the end of the transcript, are no
prompt and close them exactly: prose, or code written without a prompt, does not close the
brackets of an output, and stays what doctest reads it as.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: doctest's prompts.
PROMPT = ">>>"
CONTINUATION = "..."
#: What doctest writes for a blank line of output.
BLANKLINE = "<BLANKLINE>"
OPENING = "([{"
CLOSING = ")]}"
QUOTES = "'\""

# What a line of a transcript is read as, following doctest's layout.
_PROSE, _SOURCE, _WANT = "prose", "source", "want"


def depth_change(text: str) -> int:
    """How many brackets the line ``text`` opens (negative: closes), those inside quotes
    aside (a ``repr`` of a string holds no line break).

    >>> depth_change("tensor([[[0, 1],"), depth_change(" [2, 3]],"), depth_change("'(' [")
    (3, -1, 1)
    """
    change = 0
    quote = ""
    escaped = False
    for char in text:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in QUOTES:
            quote = char
        elif char in OPENING:
            change += 1
        elif char in CLOSING:
            change -= 1
    return change


def is_prompt(text: str) -> bool:
    """Whether the stripped line ``text`` starts a ``>>>`` example."""
    return text.startswith(PROMPT)


def is_continuation(text: str) -> bool:
    """Whether the stripped line ``text`` goes on with an example's code (``...``)."""
    return text.startswith(CONTINUATION)


def continued_blanks(
    lines: Sequence[str],
    prompt: Callable[[str], bool] = is_prompt,
    continuation: Callable[[str], bool] = is_continuation,
) -> frozenset[int]:
    """The indexes of the blank lines of the transcript ``lines`` that lie inside the output
    of an example, its brackets open across them; ``prompt`` and ``continuation`` tell the
    lines that start an example and go on with its code (doctest's by default, IPython's
    ``In [n]:`` and ``...:`` for its transcripts).

    >>> continued_blanks([">>> t", "tensor([[[0],", "", "         [1]]])", ">>> 1", "1"])
    frozenset({2})
    >>> continued_blanks([">>> print('(')", "(", "", "Prose, not output."])
    frozenset()
    """
    found: set[int] = set()
    state = _PROSE
    depth = 0
    index = 0
    while index < len(lines):
        text = lines[index].strip()
        if prompt(text):
            state, depth = _SOURCE, 0
        elif state == _SOURCE and continuation(text):
            pass
        elif text:
            if state != _PROSE:
                state = _WANT
                depth += depth_change(text)
        elif state == _WANT and depth > 0:
            closed = closing_line(lines, index, depth, prompt)
            if closed is None:
                state = _PROSE
            else:
                found.update(n for n in range(index, closed) if not lines[n].strip())
                index, depth = closed, 0
        else:
            state = _PROSE
        index += 1
    return frozenset(found)


def closing_line(
    lines: Sequence[str], blank: int, depth: int, prompt: Callable[[str], bool]
) -> int | None:
    """The line after the blank line ``blank`` that closes the ``depth`` brackets still open
    there, if one does before a ``prompt`` line and without closing more than are open.

    >>> closing_line(["[[0],", "", " [1]]", "x"], 1, 1, is_prompt)
    2
    """
    for index in range(blank + 1, len(lines)):
        text = lines[index].strip()
        if prompt(text):
            return None
        depth += depth_change(text)
        if depth < 0:
            return None
        if depth == 0 and text:
            return index
    return None


def marked(code: str) -> str:
    """The transcript ``code`` with each blank line inside an example's output written
    ``<BLANKLINE>``, indented as the prompt above it, as doctest reads it; its lines keep
    their numbers.

    >>> marked(">>> t\\ntensor([[[0],\\n\\n         [1]]])\\n")
    '>>> t\\ntensor([[[0],\\n<BLANKLINE>\\n         [1]]])\\n'
    """
    lines = code.split("\n")
    blanks = continued_blanks(lines)
    if not blanks:
        return code
    indent = ""
    for index, line in enumerate(lines):
        if line.lstrip().startswith(PROMPT):
            indent = line[: len(line) - len(line.lstrip())]
        elif index in blanks:
            lines[index] = indent + BLANKLINE
    return "\n".join(lines)


def blanks_kept(
    want: Sequence[str],
    prompt: str = PROMPT,
    is_start: Callable[[str], bool] = is_prompt,
    continuation: Callable[[str], bool] = is_continuation,
) -> frozenset[int]:
    """The indexes of the blank lines of an example's output ``want`` that read back as
    output when written as blank lines under the line ``prompt`` (read by ``is_start`` and
    ``continuation``, as :func:`continued_blanks` reads them).

    >>> sorted(blanks_kept(["tensor([[[0],", "", "         [1]]])", "", "done"]))
    [1]
    """
    lines = [prompt, *want]
    return frozenset(n - 1 for n in continued_blanks(lines, is_start, continuation))
