"""A block that raises what the fence right after it shows, when that fence is not read as
its output.

A post pasted from Jupyter shows a cell's error in a fence of its own after the cell, often
one without a language (```` ``` ````), which is read as output only when
``torchnotes_output_fence`` lists ``bare``, or under a label. The block then fails for
raising exactly what the note says it raises; its message says so, and how to have the fence
read: the flag it names keeps the fence tags read now (:mod:`.fence_option`), so following it
leaves the note's ```` ```output ```` fences read.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from pytest_torchnotes import defaults
from pytest_torchnotes.comparison.tracebacks import read_traceback
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.fence_option import output_fence_flag
from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.notelines import shown

#: Lines of text that may stand between a block and the fence (a label line).
MOST_BETWEEN = 1


def unread_traceback(
    block: Block,
    type_name: str,
    lines: Sequence[str],
    read_now: Collection[str] = frozenset(defaults.OUTPUT_FENCES),
) -> str | None:
    """What the message of ``block``, which raised ``type_name`` and has no output section,
    says of the fence right after it that shows that exception; ``None`` when none does.
    ``read_now`` are the info strings of fences read as output (``torchnotes_output_fence``).
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
    retag = _retag(read_now)
    fix = (
        f"read fences without a language as output with {output_fence_flag(read_now, '')} "
        f"(ini: torchnotes_output_fence), or {retag}"
        if not following.info and "" not in read_now
        else retag
    )
    return (
        f"the fence at line {shown(following.open_line)} shows this {type_name}, but it is not "
        f"read as the block's output: {fix} to compare the exception, or put "
        f"<!-- torchnotes: raises {type_name} --> above the block"
    )


def _retag(read_now: Collection[str]) -> str:
    """How to tag the fence so that it is read: with a tag read now, ```output first."""
    tags = [name for name in (*defaults.OUTPUT_FENCES, *sorted(read_now)) if name in read_now]
    tags = [name for name in tags if name]
    if tags:
        return f"tag it ```{tags[0]}"
    return f"tag it ```output and read such fences with {output_fence_flag(read_now, 'output')}"
