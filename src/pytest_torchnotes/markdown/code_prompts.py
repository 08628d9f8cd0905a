"""``>>>`` prompts in indented code that are that code's text, not a session.

A prompt further down an indented code block that holds Python above it (``x = 1``, or a
docstring pasted as it is whose first line is its signature, a call that parses:
``fractional_max_pool2d(input, kernel_size, output_size=None)``) is not run
(:mod:`.lexing.docstring_sessions`): it is warned of, naming that Python, so that a note
that runs nothing says why.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.lexers import INDENTED_CODE, QUOTE, width
from pytest_torchnotes.markdown.lexing.docstring_sessions import prose_above
from pytest_torchnotes.markdown.lexing.lines import split_quotes
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.quoting import cut

#: A ``>>>`` prompt that opens a line.
PROMPT = re.compile(r">>>(?:[ \t]|$)")


def prompt_further_down(note: NoteContext, index: int) -> bool:
    """Warn of the prompt on line ``index`` of indented code, under a line of that code with
    no blank line between (``Examples::`` right over the session), that opens a run of
    prompts and is not run: Python above it (a docstring's signature,
    ``fractional_max_pool2d(input, kernel_size)``) makes it that code's text. Whether the
    line was such a prompt, checked: the rest of its block need not be (one warning a block,
    and a block of thousands of prompts read in linear time)."""
    text = indented_text(note.lines[index])
    first = index  # over the comments right above it (``# Dot product``)
    while first and indented_text(note.lines[first - 1]).startswith("#"):
        first -= 1
    above = indented_text(note.lines[first - 1]) if first else ""
    if not PROMPT.match(text) or not above or above.startswith((">>>", "...")):
        return False  # no prompt, one that opens its block (warned of there), or a run's
    under = python_above(note.lines, index)
    if under is not None:
        note.problem(index, under_python(text, under, note.lines[under]), "warning")
    return True


def under_python(text: str, under: int, python: str) -> str:
    """What a prompt of indented code under its Python (line ``under``) is told."""
    return (
        f"indented code `{cut(text.strip())}` is not run: it goes on with the indented "
        f"code of line {shown(under)} (`{cut(python.strip())}` is Python), "
        "so it is that code's text, not a session; put it in a ```python fence "
        "(ending in ```) to run it"
    )


def python_above(lines: list[str], index: int) -> int | None:
    """The line of Python above the prompt at line ``index`` in the indented code block
    that holds it, which makes the prompt that code's text (:mod:`.lexing.docstring_sessions`
    runs a prompt under words only); ``None`` when the prompt opens the block."""
    first = index
    while first > 0 and (indented_text(lines[first - 1]) or not lines[first - 1].strip(" \t>")):
        first -= 1
    return prose_above(lines, first, index, split_quotes(lines[index])[0].count(">"))


def indented_text(line: str) -> str:
    """The text of ``line`` after its block-quote markers, when it is indented code
    (indented four columns or more there); ``""`` otherwise."""
    quotes = QUOTE.match(line)
    rest = line[quotes.end() :] if quotes else line
    text = rest.lstrip(" \t")
    return text if width(rest[: len(rest) - len(text)]) >= INDENTED_CODE else ""
