"""The output marker convention: a block's expected output under a line inside its fence.

```` ```python ````, the code, ``======== output ==========``, what it prints, ```` ``` ````.
The lexer part finds marker lines (in a fence body, and in prose where one is a mistake); the
parser part cuts the body into code and an :class:`~.blocks.OutputSection` of kind
``marker``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.bodytext import body_text, line_positions
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.lexers import QUOTE, BodyLine
from pytest_torchnotes.markdown.lexing.fence_content import content_end
from pytest_torchnotes.markdown.sections import content_prefix
from pytest_torchnotes.notelines import shown

#: The line between a block's code and its expected output: ``======== output ==========``,
#: or ``---------- output ----------`` (never valid Python either way).
OUTPUT_MARKER = re.compile(
    r"^[ \t]*(?:={3,}|-{3,})[ \t]*output[ \t]*:?[ \t]*(?:={3,}|-{3,})[ \t]*$", re.IGNORECASE
)

#: A line that looks like an output marker to a reader, whatever marker is configured: rules
#: of ``=``, ``-``, ``~``, ``*`` or ``+`` around the word output (or 输出), never valid Python.
MARKER_LIKE = re.compile(
    r"^[ \t]*[=\-~*+]{3,}[ \t]*(?:output|输出)[ \t]*[:：]?[ \t]*[=\-~*+]{3,}[ \t]*$", re.IGNORECASE
)


#: A line of rules around one word, ``======= ouput =====``: the output marker, when the word
#: is ``output`` misspelt (:func:`misspelt_marker`).
RULED_WORD = re.compile(
    r"^[ \t]*[=\-~*+]{3,}[ \t]*(?P<word>[^\W\d_]+)[ \t]*[:：]?[ \t]*[=\-~*+]{3,}[ \t]*$"
)

#: How alike (difflib's ratio) a word must be to ``output`` to read as it misspelt.
MISSPELT = 0.6


def misspelt_marker(code: str) -> int | None:
    """The 0-based position in ``code`` of a line that reads as the output marker with its word
    misspelt: the block's output under it would run as code, and its ``SyntaxError`` is no
    pseudo-code to leave unrun.

    >>> misspelt_marker("print(1)\\n======= ouput =====\\n1"), misspelt_marker("== input ==")
    (1, None)
    """
    from difflib import SequenceMatcher

    for position, line in enumerate(code.split("\n")):
        first = line.lstrip(" \t")[:1]
        ruled = RULED_WORD.match(line) if first and first in "=-~*+" else None
        word = ruled.group("word").lower() if ruled is not None else "output"
        if word != "output" and SequenceMatcher(None, word, "output").ratio() >= MISSPELT:
            return position
    return None


def marker_lines(body: Sequence[BodyLine], pattern: re.Pattern[str]) -> list[int]:
    """Positions in ``body`` of the lines that are output markers."""
    if pattern is OUTPUT_MARKER:  # only the lines that hold its rule are tried
        return [
            position for position in _ruled(body_text(body)) if pattern.match(body[position].text)
        ]
    return [position for position, line in enumerate(body) if pattern.match(line.text)]


def _ruled(text: str) -> list[int]:
    """The positions of the lines of ``text`` that hold a rule of the default marker
    (``===`` or ``---``), in order: the only lines it can match, found by two searches."""
    equals = line_positions(text, "===")
    dashes = line_positions(text, "---")
    if not dashes:
        return equals
    return sorted({*equals, *dashes})


def unmatched_marker(code: str, pattern: re.Pattern[str]) -> int | None:
    """The 0-based position in ``code`` of a line that looks like an output marker but that
    ``pattern`` (the configured marker) does not match, if there is one."""
    for position, line in enumerate(code.split("\n")):
        if MARKER_LIKE.match(line) and not pattern.match(line):
            return position
    return None


def read(draft: BlockDraft, note: NoteContext) -> None:
    """The output under the block's marker line, if it has one."""
    body = draft.body
    markers = marker_lines(body, note.format.marker)
    if len(markers) > 1:
        first, second = body[markers[0]], body[markers[1]]
        draft.reject(
            note,
            second.line,
            f"second output marker in one block (the first is at line {shown(first.line)}):"
            " keep one marker, or end the block before the second and start a new one",
        )
        return
    if not markers:
        return
    position = markers[0]
    marker = body[position]
    if draft.doctest:
        draft.reject(
            note,
            marker.line,
            "a >>> block keeps its output after each prompt, not under an output marker",
        )
        return
    assert draft.fence.close_line is not None
    draft.code_lines = body[:position]
    draft.output = OutputSection(
        "marker",
        body[position + 1 :],
        marker.line + 1,
        content_end(draft.fence),
        content_prefix(draft.fence, marker),
        draft.fence.fence,
    )


def stray_markers(note: NoteContext) -> None:
    """Warn of a marker in prose: a fence is missing or misplaced, its block runs without it."""
    lexemes = note.lexemes
    front = lexemes.front_matter.close_line if lexemes.front_matter is not None else -1
    fences = lexemes.fences  # in document order, none inside another
    opens = [fence.open_line for fence in fences]
    for index in _marker_lines(note.lines, note.format.marker, note.text):
        fence = bisect_right(opens, index) - 1
        if (
            index <= front
            or index in note.comment_lines
            or (fence >= 0 and index <= fences[fence].last_line)
        ):
            continue
        note.problem(
            index,
            "output marker outside a code block: its block is not run with it "
            "(is a fence missing or misplaced?)",
            "warning",
        )


def _marker_lines(lines: Sequence[str], pattern: re.Pattern[str], text: str) -> list[int]:
    """The 0-based lines that are output markers after their block-quote markers, wherever
    they stand; ``text`` is ``lines`` joined by newlines (a last newline may follow)."""
    found = []
    candidates = _ruled(text) if pattern is OUTPUT_MARKER else range(len(lines))
    for index in candidates:
        line = lines[index]
        quotes = QUOTE.match(line)
        if pattern.match(line[quotes.end() :] if quotes else line):
            found.append(index)
    return found
