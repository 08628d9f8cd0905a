"""The outputs of a Quarto render that the plugin does not compare, reported.

A Quarto render of a notebook to Markdown (``quarto render --to md``, ``keep-md``) writes each
output of a cell in a fenced div of its own: ``::: {.cell-output .cell-output-stdout}`` (what
it printed) and ``.cell-output-display`` (the value of its last line) are read as its output
(:mod:`.site_containers` reads their classes as a label), but ``.cell-output-stderr`` (warnings,
logs) and ``.cell-output-error`` (the traceback of a cell that raised, in terminal colours)
hold what a block is not compared on. The first div of each kind in a note gets a warning
naming its line, so that such output is not silently left unread.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.indented_python import not_text
from pytest_torchnotes.words import and_more

#: The opening line of a Quarto output div that is not compared; group ``kind``: ``stderr``
#: or ``error``.
UNREAD_DIV = re.compile(r"^[ \t]*:{3,}[ \t]*\{[^}]*\.cell-output-(?P<kind>stderr|error)\b[^}]*\}")

#: What each kind of div holds, and what checks it instead.
FIXES = {
    "stderr": (
        "what the cell wrote to stderr (warnings, logs)",
        "check a warning with <!-- torchnotes: warns UserWarning --> right above the block's fence",
    ),
    "error": (
        "the traceback of a cell that raised",
        "declare the exception with <!-- torchnotes: raises TYPE --> right above the "
        "block's fence, or write the traceback in the block's output fence",
    ),
}


def unread_divs(note: NoteContext) -> None:
    """Warn of the first stderr div and the first error div of the note."""
    if ".cell-output-" not in note.text:
        return  # most notes: not read line by line
    hidden = not_text(note)
    found: dict[str, list[int]] = {}
    for index, line in enumerate(note.lines):
        div = UNREAD_DIV.match(line) if ".cell-output-" in line else None
        if div is not None and index not in hidden:
            found.setdefault(div.group("kind"), []).append(index)
    for kind, lines in found.items():
        what, fix = FIXES[kind]
        more = and_more(len(lines))
        note.problem(
            lines[0],
            f"Quarto's output div .cell-output-{kind} holds {what}, which is not compared"
            f"{more}: only what a block prints to stdout and displays is; {fix}",
            "warning",
        )
