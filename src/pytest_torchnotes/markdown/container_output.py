"""Output in a container whose title is no output label, right after a block that prints.

A collapsed ``<details><summary>Click to expand</summary>`` or an admonition (``!!! note``,
``??? example "Click"``) often holds what the block above printed. Its title says nothing of
output, so the fence in it is not read (it may hold anything the text around it says); when
it reads as printed output, nothing compares it, and the note is told what would make it read.
"""

from __future__ import annotations

from pytest_torchnotes.markdown.lexers import FenceLexeme
from pytest_torchnotes.markdown.lexing.fence_content import as_output
from pytest_torchnotes.notelines import shown


def container_output(intro: str, title_line: int, fence: FenceLexeme) -> str:
    """The warning for ``fence``, first in the container whose title is at 0-based
    ``title_line``; ``intro`` says which fence after which block.

    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> (fence,) = MarkdownLexer()("```\\n2\\n```\\n").fences
    >>> container_output("fence after the block at line 1 is not read", 4, fence).split(": ")[-1]
    'title the container Output (or 输出), or mark the fence ```output'
    """
    return (
        f"{intro}: it is in the container at line {shown(title_line)}, whose title is no "
        f"output label, and nothing compares it: title the container Output (or 输出), or "
        f"mark the fence {as_output(fence)}"
    )
