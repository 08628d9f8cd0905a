"""``>>>`` prompts in the text of a note, outside any code block: not run, and reported.

A transcript copied into a paragraph (a blog's editor that dropped the fence, a page saved as
text) keeps its ``>>> x = torch.ones(2)`` lines, which Markdown shows as block quotes nested
three deep. Only fences are run. The first prompt of each paragraph that holds one gets a
warning naming its line, so that such a transcript is not silently found to hold nothing.
Fences, HTML comments, front matter, indented code (:mod:`.indented_python` reports the
Python in it) and the indented text right after a fence are left to their own rules.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.hints import holds
from pytest_torchnotes.markdown.indented_python import not_text
from pytest_torchnotes.markdown.lexers import INDENTED_CODE, QUOTE, width
from pytest_torchnotes.markdown.lexing.list_items import BLOCK_START, THEMATIC_BREAK, item_column
from pytest_torchnotes.quoting import cut

#: A line of text that starts with a ``>>>`` prompt, after any indentation, list item markers
#: (``- >>> x = 1``, ``1. >>> print(x)``: the item holds the prompt, which Markdown shows as
#: a block quote in the item) and block-quote markers (the last three ``>`` are the prompt).
#: A list marker needs whitespace after it, so that ``- - ---`` (a thematic break) and
#: ``-->>>`` are none.
PROSE_PROMPT = re.compile(
    r"^[ \t]*(?:(?P<item>(?:[-*+]|\d{1,9}[.)])[ \t]+)+)?(?:>[ \t]?)*?>>>(?:[ \t]|$)"
)


def prose_transcripts(note: NoteContext) -> None:
    """Warn of the first ``>>>`` prompt of each paragraph of the note's text."""
    if not holds(note.text, ">>>"):
        return  # most notes: not read line by line
    hidden = not_text(note)
    after_blank, in_code, warned = True, False, False
    for index, line in enumerate(note.lines):
        quotes = QUOTE.match(line)
        rest = line[quotes.end() :] if quotes else line
        if index in hidden or not rest.strip():
            # A fence or a comment ends a paragraph as a blank line does; a blank line
            # does not end indented code.
            in_code = in_code and index not in hidden
            after_blank, warned = True, False
            continue
        text = rest.lstrip(" \t")
        if width(rest[: len(rest) - len(text)]) >= INDENTED_CODE and (after_blank or in_code):
            after_blank, in_code = False, True
            continue
        after_blank = in_code = False
        if THEMATIC_BREAK.match(text) or BLOCK_START.match(text):
            warned = False  # a block of its own: the next line starts another paragraph
            continue
        if item_column(0, text) is not None:
            warned = False  # a list item starts a paragraph of its own
        prompt = None if warned else PROSE_PROMPT.match(line)
        if prompt is None:
            continue
        warned = True
        lead = line[: len(line) - len(line.lstrip())]
        shown_as = "text" if width(lead) >= INDENTED_CODE else "a block quote"
        if prompt.group("item") and shown_as != "text":
            shown_as += " in a list item"
        note.problem(
            index,
            f"`{cut(line.strip())}` is a >>> prompt in the text of the note, outside any code "
            f"block (Markdown shows it as {shown_as}), so it is not run: put the transcript "
            "in a ```python fence (ending in ```) to run it",
            "warning",
        )
