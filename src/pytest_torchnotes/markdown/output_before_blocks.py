"""Output written above the note's first Python block: no block printed it, nothing reads it.

Output is read only under the block that prints it. A fence of output under a label line
(``Output:``, ``输出：``), or one marked ``output``, that stands before any block (a note that
shows the result first and the code after it) is compared with nothing, yet the note's
blocks pass. It is named, with what to move.
"""

from __future__ import annotations

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.layout import (
    LABEL_LENGTH,
    LABELED_FENCES,
    OUTPUT_FENCES,
    OUTPUT_LABEL,
    looks_like_python,
)
from pytest_torchnotes.notelines import shown


def output_before_blocks(note: NoteContext) -> None:
    """Warn of each fence of output above the first Python block of ``note``."""
    if not note.note.blocks:
        return  # a note without blocks shows output of code it does not hold
    first = min(block.first_line for block in note.note.blocks)
    label = note.format.output_label or OUTPUT_LABEL
    for fence in note.lexemes.fences:
        if fence.open_line >= first:
            break
        if fence.open_line in note.consumed or fence.close_line is None:
            continue
        marked = fence.language in OUTPUT_FENCES
        above = _line_above(note, fence.open_line)
        labeled = (
            above is not None
            and len(note.lines[above]) <= LABEL_LENGTH
            and label.match(note.lines[above]) is not None
        )
        if not (marked or (labeled and fence.language in LABELED_FENCES)):
            continue
        if not marked and looks_like_python("\n".join(line.text for line in fence.body)):
            continue  # code under a label that reads as output: a pasted session, not output
        how = (
            f"labeled as output (line {shown(above)})"
            if labeled and above is not None
            else "marked as output"
        )
        note.problem(
            fence.open_line,
            f"the fence at line {shown(fence.open_line)} is {how}, but no block runs above it "
            f"(the first is at line {shown(first)}), so "
            "nothing prints it and nothing compares it: output is read only right under the "
            "block that prints it; move the fence and its label below that block",
            "warning",
        )


def _line_above(note: NoteContext, line: int) -> int | None:
    """The last line above the 0-based ``line`` that is neither blank nor a comment."""
    for index in range(line - 1, -1, -1):
        if index not in note.comment_lines and note.lines[index].strip():
            return index
    return None
