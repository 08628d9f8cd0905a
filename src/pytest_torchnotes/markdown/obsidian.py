"""Obsidian's comments: text between two ``%%`` marks is not shown, fences included.

A vault keeps drafts and generated code in them (``%%``, a fence, ``%%``): Obsidian hides
them, and a CommonMark renderer shows them as code. A Python fence inside such a comment is
not run, as one inside an HTML comment is not, and a warning names its line and the ``%%``
that opens the comment. A ``%%`` inside a fence or a code span (``%%timeit``) is not a mark,
and a line with two of them (``%% note %%``) opens and closes its comment; a ``%%`` that no
other closes hides nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.markdown.lexers import FenceLexeme
from pytest_torchnotes.markdown.lexing.codespans import code_spans
from pytest_torchnotes.notelines import shown

#: What opens and closes a comment.
MARK = "%%"


def hidden_fences(lines: Sequence[str], fences: Sequence[FenceLexeme]) -> dict[int, int]:
    """The opening line of each fence inside a comment, and the line of the ``%%`` that
    opens that comment (0-based lines).

    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> text = "%%\\n```python\\nx\\n```\\n%%\\n```python\\n%%time\\n```\\n"
    >>> hidden_fences(text.splitlines(), MarkdownLexer()(text).fences)
    {1: 0}
    """
    in_fences: dict[int, FenceLexeme] = {}
    for fence in fences:
        for index in range(fence.open_line, fence.last_line + 1):
            in_fences[index] = fence
    hidden: dict[int, int] = {}
    inside: list[int] = []  # the fences of the comment now open
    opened: int | None = None
    for index, line in enumerate(lines):
        holding = in_fences.get(index)
        if holding is not None:
            if opened is not None and index == holding.open_line:
                inside.append(index)
            continue
        if MARK not in line or _marks(line) % 2 == 0:
            continue
        if opened is None:
            opened = index
        else:
            hidden.update((open_line, opened) for open_line in inside)
            opened, inside = None, []
    return hidden


def _marks(line: str) -> int:
    """How many ``%%`` marks ``line`` holds outside its code spans."""
    for span in reversed(code_spans(line)):
        line = line[: span.start] + line[span.end :]
    return line.count(MARK)


def why_not_run(opened: int) -> str:
    """Why a fence inside the comment that the ``%%`` at 0-based line ``opened`` opens is not
    run."""
    return (
        f"it is inside an Obsidian comment (the %% at line {shown(opened)}), which Obsidian does "
        "not show: remove the %% lines around it to run it"
    )
