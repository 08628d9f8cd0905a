"""A second output fence under a label of its own, after the fence read as a block's output.

Notes made from notebooks write what a cell printed and the value of its last line as two
outputs, each under its label::

    **Output:**
    ```
    Tensor A tensor([0.7731, 0.6937])
    ```

    **Output:**
    ```
    tensor([True, True])
    ```

A block has one output section: the first fence is read, and the second would be compared
with nothing. The same holds of a fence that says it is output (```` ```output ````) right
after the first, with no label between, and of a bare or ``text`` fence there whose text
reads as printed output (the second label left out). It is reported, so that no output is
dropped silently, and ``--torchnotes-update`` does not write the first fence
(:func:`second_output_refusal`): the whole output written there, the note would still hold
the second fence after it, and read as if the block printed its value twice.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.labeled_python import python_output
from pytest_torchnotes.markdown.layout import (
    LABELED_FENCES,
    OUTPUT_LABEL,
    gap,
    may_print,
    printed_fence,
    read_as_output,
)
from pytest_torchnotes.markdown.lexers import FenceLexeme
from pytest_torchnotes.notelines import shown


def second_output(note: NoteContext, block: FenceLexeme, output: FenceLexeme) -> FenceLexeme | None:
    """Warn of a fence after ``output``, the output fence of ``block``, that would be read
    as output too: one label line between, and a fence that a label makes output, or only
    blank lines between, and a fence that says it is output; return that fence."""
    fences = note.lexemes.fences
    position = _position(fences, output)
    if position is None or position + 1 >= len(fences) or output.close_line is None:
        return None
    candidate = fences[position + 1]
    note_format = note.format
    label = note_format.output_label
    between = gap(
        note.lines, output, candidate.open_line, label or OUTPUT_LABEL, note.comment_lines
    )
    if not between.only_labels or len(between.labels) > int(label is not None):
        return None
    if between.labels:
        labeled = read_as_output(
            candidate, between, note_format.output_fences, note_format.labeled_fences
        )
        if not labeled and not python_output(
            candidate, between, note_format.languages, labels_read=True, marker=note_format.marker
        ):
            return None
    elif not read_as_output(candidate, between, note_format.output_fences, frozenset()):
        # a bare or text fence right after the output: no label makes it output, but one
        # that reads as printed output is the cell's next output with its label left out
        unlabeled = note_format.labeled_fences or LABELED_FENCES
        if candidate.language not in unlabeled or not printed_fence(candidate):
            return None
        if not may_print(block):
            return None
    note.problem(
        candidate.open_line,
        f"a second output fence after the block at line {shown(block.open_line)}, whose "
        f"output is the fence at line {shown(output.open_line)}, is not read: a block has one "
        "output section; put both outputs in that fence, in the order the block prints them",
        "warning",
    )
    return candidate


def _position(fences: Sequence[FenceLexeme], fence: FenceLexeme) -> int | None:
    """The index of ``fence`` in ``fences``, which are in the order of their lines: found by
    bisection, as a search from the start for each block was quadratic in the blocks of a
    note (100,000 blocks took minutes)."""
    position = bisect.bisect_left(fences, fence.open_line, key=lambda each: each.open_line)
    if position < len(fences) and fences[position] is fence:
        return position
    return next((i for i, each in enumerate(fences) if each is fence), None)


def second_output_refusal(output: FenceLexeme, second: FenceLexeme) -> str:
    """Why update does not write ``output``, a block's output fence, when ``second`` follows
    it under a label of its own, and what to do instead."""
    return (
        f"the block's output fence is followed by a second one at line "
        f"{shown(second.open_line)}, which update cannot write: put "
        f"both outputs in the fence at line {shown(output.open_line)}, in the order the block "
        "prints them, and delete the second (or mark the block "
        "<!-- torchnotes: compare ignore -->)"
    )
