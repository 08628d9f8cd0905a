"""A block that raises what the fence right after it shows, when that fence is not read as
its output.

A post pasted from Jupyter shows a cell's error in a fence of its own after the cell, often
one without a language (```` ``` ````), which is read as output only with
``--torchnotes-output-fence=bare``, or under a label. The block then fails for raising
exactly what the note says it raises; its message says so, and how to have the fence read.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.comparison.tracebacks import read_traceback
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.notelines import shown

#: Lines of text that may stand between a block and the fence (a label line).
MOST_BETWEEN = 1


def unread_traceback(block: Block, type_name: str, lines: Sequence[str]) -> str | None:
    """What the message of ``block``, which raised ``type_name`` and has no output section,
    says of the fence right after it that shows that exception; ``None`` when none does.
    The note is lexed again here, for such a failure only."""
    after = block.fence.last_line
    fences = MarkdownLexer()("\n".join(lines)).fences
    following = next((fence for fence in fences if fence.open_line > after), None)
    if following is None or following.close_line is None:
        return None
    between = [line for line in lines[after + 1 : following.open_line] if line.strip()]
    if len(between) > MOST_BETWEEN:
        return None
    expected = read_traceback("\n".join(line.text for line in following.body))
    if expected is None or expected.type_name.rpartition(".")[2] != type_name.rpartition(".")[2]:
        return None
    fix = (
        "read fences without a language as output with --torchnotes-output-fence=bare (ini: "
        "torchnotes_output_fence), or tag it ```output"
        if not following.info
        else "tag it ```output"
    )
    return (
        f"the fence at line {shown(following.open_line)} shows this {type_name}, but it is not "
        f"read as the block's output: {fix} to compare the exception, or put "
        f"<!-- torchnotes: raises {type_name} --> above the block"
    )
