"""Output written under a label comment without ``#``: it runs as code, and nothing compares it.

::

    print(2)
    # Output:
    3

The label (``# Output:``, ``# 输出：``, or the output marker commented out,
``# ======== output ==========``) says that what follows is what the block prints, but
the lines after it are Python too: ``3`` and ``[1, 3]`` run as expressions, and the block
passes whatever it prints. Such lines are named when they read as printed output (the first
a tensor, a number, a bracket, a constant) and hold no statement; code under a comment that
merely says ``# Output`` (``y = model(x)``) is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.markdown.commentoutput import COMMENT_LABEL, COMMENT_LINE, is_code
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.markdown.outputfence import printed_output


def output_run_as_code(body: Sequence[BodyLine]) -> tuple[int, str] | None:
    """``(position of the label in body, first line after it)`` when ``body`` ends with a
    label comment followed by lines that read as printed output but are code.

    >>> def body(*texts):
    ...     return [BodyLine(n, "", text) for n, text in enumerate(texts)]
    >>> output_run_as_code(body("print(2)", "# Output:", "3", ""))
    (1, '3')
    >>> output_run_as_code(body("x = 1", "# Output", "y = x + 1")) is None
    True
    """
    # The label is the last comment of the block: a backward scan stops at the first one
    # (most lines hold no ``#``: the test of a line is that, first).
    position = len(body)
    while position:
        position -= 1
        text = body[position].text
        if "#" in text and text.lstrip(" \t").startswith("#"):
            break
    else:
        return None
    if not COMMENT_LABEL.match(body[position].text):
        return None
    after = body[position + 1 :]
    if not any(is_code(line) for line in body[:position]) or not any(map(is_code, after)):
        return None
    first = printed_output("\n".join(line.text for line in after))
    return None if first is None else (position, first)


def warn(draft: BlockDraft, note: NoteContext) -> None:
    """Warn of output under a label comment at the end of the block that runs as code."""
    if draft.output is not None or draft.doctest or draft.transcript is not None:
        return
    body = draft.code_lines
    if not body or COMMENT_LINE.match(body[-1].text):
        return  # ends with comments: commentoutput reads them, or says why not
    found = output_run_as_code(body)
    if found is None:
        return
    position, first = found
    label = body[position]
    note.problem(
        label.line,
        f"the comment `{label.text.strip()}` says that output follows, but the lines after it "
        f"(`{first[:40]}`) are code: they run, and nothing compares them with what the block "
        "prints; put them in an output fence after the block (or under the "
        "`======== output ==========` marker), or comment them out (`# ...`) and set "
        "torchnotes_comment_output (--torchnotes-comment-output)",
        "warning",
    )
