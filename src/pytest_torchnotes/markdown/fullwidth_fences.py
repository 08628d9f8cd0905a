"""Fences opened with full-width backticks or tildes (``｀｀｀python``, ``～～～``), as a
Chinese or Japanese input method types them: Markdown reads such a line as text, so the code
under it is a paragraph, never run, and a note of such blocks only would pass with nothing
checked. An opening line (outside fences, comments and front matter) whose info string
names Python, or whose lines up to the full-width line that closes it read as Python, gets
a warning that names it and the ASCII fence to write. A row of full-width tildes that
decorates prose (``～～～～～～``) gets none.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.bare_python import reads_as_python
from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.indented_python import not_text
from pytest_torchnotes.markdown.notpython import PYTHON_LOOKING, half_width
from pytest_torchnotes.quoting import cut

#: A line that would open or close a fence if its backticks or tildes were ASCII ones
#: (U+FF40 FULLWIDTH GRAVE ACCENT, U+FF5E FULLWIDTH TILDE), after any indentation and
#: block-quote markers.
FULL_WIDTH_FENCE = re.compile(r"^[ \t]*(?:>[ \t]?)*(?P<fence>｀{3,}|～{3,})(?P<info>.*)$")

#: What a full-width fence is made of, by its character.
NAMES = {"｀": "backticks (U+FF40)", "～": "tildes (U+FF5E)"}


def full_width_fences(note: NoteContext) -> None:
    """Warn of each block of Python a note fences with full-width backticks or tildes."""
    text = note.text
    # One character is searched for ten times faster than three in a note of Chinese text
    # (2 µs against 38 for 4,000 characters): most notes hold neither.
    if not (("｀" in text and "｀｀｀" in text) or ("～" in text and "～～～" in text)):
        return  # most notes: not read line by line
    hidden = not_text(note)
    openings = [
        (index, match)
        for index, line in enumerate(note.lines)
        if index not in hidden and (match := FULL_WIDTH_FENCE.match(line)) is not None
    ]
    at = 0
    while at < len(openings):
        index, match = openings[at]
        fence, info = match.group("fence"), half_width(match.group("info").strip())
        close = next(
            (
                (later, other)
                for later, other in openings[at + 1 :]
                if other.group("fence").startswith(fence) and not other.group("info").strip()
            ),
            None,
        )
        end = close[0] if close is not None else len(note.lines)
        at = openings.index(close) + 1 if close is not None else at + 1
        body = "\n".join(note.lines[index + 1 : end])
        if not (PYTHON_LOOKING.match(info) or (not info and reads_as_python(body))):
            continue
        ascii_fence = half_width(fence)
        note.problem(
            index,
            f"{cut(fence + match.group('info').rstrip())} is not a fence: it is written with"
            f" full-width {NAMES[fence[0]]}, which Markdown reads as text, so the code under"
            f" it is not run: write {ascii_fence}{info} (and {ascii_fence} to close it) to run it",
            "warning",
        )
