"""What a person can do when update refuses to write a transcript's new output: the layout
of a ``>>>`` or IPython transcript cannot show every output, and a note is never written
with output that the next run would read as something else."""

from __future__ import annotations

#: The directive that keeps a block running but compares nothing of its output.
COMPARE_IGNORE = "<!-- torchnotes: compare ignore -->"

#: What to do about output a ``>>>`` transcript cannot show.
TRANSCRIPT_FIX = (
    "doctest cannot show that output; print it differently, write the example as a ```python"
    f" block with its output in a fence after it, or mark the block {COMPARE_IGNORE}"
)

#: What to do about output an IPython transcript cannot show.
IPYTHON_FIX = (
    "an IPython transcript cannot show that output; print it differently, write the cell as"
    " a ```python block with its output in a fence after it, or mark the block"
    f" {COMPARE_IGNORE}"
)


def with_fix(reason: str, fix: str) -> str:
    """``reason`` followed by what to do about it.

    >>> with_fix("a line reads as a >>> prompt", "print it differently")
    'a line reads as a >>> prompt: print it differently'
    """
    return f"{reason}: {fix}"
