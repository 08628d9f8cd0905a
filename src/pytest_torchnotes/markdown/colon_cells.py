"""MyST code cells written in a colon fence, ``:::{code-cell} python`` ... ``:::``, as MyST
Markdown (``mystmd``, Jupyter Book 2) lets any directive be written: shown, not run, and
reported so that nothing is lost.

The plugin runs code in backtick fences only, ```` ```{code-cell} python ```` included. A
note with colon-fenced code cells of Python (their kernel is a Python one, or, with no
kernel named, their text reads as Python: :func:`.layout.looks_like_python`) gets one
warning, at the first of them, counting the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.hints import holds
from pytest_torchnotes.markdown.indented_python import not_text
from pytest_torchnotes.markdown.layout import looks_like_python
from pytest_torchnotes.markdown.notpython import PYTHON_LOOKING
from pytest_torchnotes.quoting import cut
from pytest_torchnotes.words import and_more

#: The opening of a colon-fenced code cell: ``:::{code-cell} ipython3``; group ``colons``
#: is the fence, ``kernel`` the language named after the directive.
COLON_CELL = re.compile(
    r"^[ \t]{0,3}(?P<colons>:{3,})[ \t]*\{code-cell\}[ \t]*(?P<kernel>[^\s{}]*)[ \t]*$"
)
#: Most lines read after an opening line in search of its closing fence.
LONGEST = 400
#: Option lines at the top of a cell (``:tags: [hide-output]``), not code.
OPTION_LINE = re.compile(r"^[ \t]*:[\w-]+:")


def colon_cells(note: NoteContext) -> None:
    """Warn once of the colon-fenced code cells of Python outside fences, HTML comments and
    front matter."""
    if not holds(note.text, ":{code-cell}"):
        return  # most notes: not read line by line
    found = list(python_cells(note))
    if not found:
        return
    others = and_more(len(found))
    first = note.lines[found[0]].strip()
    note.problem(
        found[0],
        f"`{cut(first, 40)}` is a MyST code cell in a colon fence, which is not run"
        f"{others}: write it as a ```{first.lstrip(':')} fence (ending in ```) to run it",
        "warning",
    )


def python_cells(note: NoteContext) -> Iterator[int]:
    """The 0-based opening line of each colon-fenced code cell of Python."""
    hidden = not_text(note)
    lines = note.lines
    for index, line in enumerate(lines):
        opening = COLON_CELL.match(line) if index not in hidden else None
        if opening is None:
            continue
        kernel = opening.group("kernel")
        if kernel:
            if kernel.lower() in note.format.languages or PYTHON_LOOKING.match(kernel):
                yield index
            continue
        close = opening.group("colons")
        body = []
        for text in lines[index + 1 : index + 1 + LONGEST]:
            if text.strip().startswith(close) and not text.strip().strip(":"):
                break
            body.append("" if OPTION_LINE.match(text) else text)
        if looks_like_python("\n".join(body)):
            yield index
