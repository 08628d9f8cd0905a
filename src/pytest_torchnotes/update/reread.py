"""The last check of an update before a note is written: its new text must read as the same
note.

The checks of :mod:`.refusals` know the layouts that cannot hold some output (a fence line in
a fence, ``-->`` in a comment). Output that a layout they do not know reads as something else
(an HTML comment read as a directive in indented output inside a fenced div, a line that
closes a container) would change what the next run does: a block more or less, a directive
the author never wrote, an error that stops the note. So the edited text is parsed as the
note was, and it is written only when it has the same blocks, holding the same code, the same
directives and no new error.
"""

from __future__ import annotations

import doctest
import re
from collections.abc import Callable
from typing import Protocol

from pytest_torchnotes.markdown.blocks import Block, ParsedNote

PARSER = doctest.DocTestParser()

#: A line of a transcript that holds code: a prompt or a continuation.
PROMPT = re.compile(r"\s*(>>>|\.\.\.)( |$)")

#: What to do when the new text would read differently.
FIX = (
    ": nothing was written; print the output differently, or mark the block"
    " <!-- torchnotes: compare ignore -->, or write the output by hand"
)


class Reader(Protocol):
    def parse(self, text: str) -> ParsedNote: ...


def _directive(directive: object) -> tuple[object, ...]:
    """A directive without its lines, which an edit above it moves."""
    fields = getattr(directive, "__dataclass_fields__", {})
    values = (getattr(directive, name) for name in fields if name not in ("line", "end_line"))
    return (type(directive).__name__, *values)


def _code(block: Block) -> object:
    """What a block runs: a ``>>>`` transcript's code holds its expected output too, so of a
    transcript, the sources of its examples (its prompt lines where doctest cannot read it).

    >>> from pytest_torchnotes.markdown.parsers import NoteParser
    >>> [session] = NoteParser().parse("```pycon\\n>>> print(1)\\n1\\n```\\n").blocks
    >>> _code(session)
    ('print(1)\\n',)
    """
    if not block.doctest:  # the blank lines of IPython cells' code change with their output
        return tuple(line.rstrip() for line in block.code.split("\n") if line.strip())
    try:
        return tuple(example.source for example in PARSER.get_examples(block.code))
    except ValueError:  # inconsistent indentation: the lines with a prompt
        return tuple(line for line in block.code.split("\n") if PROMPT.match(line))


def difference(old: ParsedNote, new: ParsedNote) -> str | None:
    """How ``new`` reads differently from ``old``, if it does (lines aside, which edits move).

    >>> from pytest_torchnotes.markdown.parsers import NoteParser
    >>> parse = NoteParser().parse
    >>> block = "```python\\nprint(1)\\n```\\n"
    >>> difference(parse(block), parse(block + "\\n" + block)) is not None
    True
    >>> difference(parse(block), parse("Text.\\n\\n" + block)) is None
    True
    """
    old_code = [_code(block) for block in old.blocks]
    new_code = [_code(block) for block in new.blocks]
    if old_code != new_code:
        if len(old_code) != len(new_code):
            return f"it would hold {len(new_code)} Python blocks instead of {len(old_code)}"
        first = next(i for i, (a, b) in enumerate(zip(old_code, new_code, strict=True)) if a != b)
        return f"the code of its block {first + 1} would read differently"
    if [_directive(d) for d in old.directives] != [_directive(d) for d in new.directives]:
        return "its directives would read differently (output read as a directive)"
    if len(new.errors) > len(old.errors):
        known = {problem.message for problem in old.errors}
        error = next((e for e in new.errors if e.message not in known), new.errors[-1])
        return f"it would read with an error at its line {error.line_index + 1} ({error.message})"
    if len(new.refusals) > len(old.refusals):
        refusal = new.refusals[-1]
        return f"a block would be refused at its line {refusal.line_index + 1} ({refusal.message})"
    return None


def reread_check(reader: Reader) -> Callable[[str, str], str | None]:
    """Why the edited text of a note cannot be written, given its text before the edits and
    after, if it cannot: the next run would read the note differently (:func:`difference`)."""

    def check(before: str, after: str) -> str | None:
        found = difference(reader.parse(before), reader.parse(after))
        if found is None:
            return None
        return f"with the new output written, {found}{FIX}"

    return check
