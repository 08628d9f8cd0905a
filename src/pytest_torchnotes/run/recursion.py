"""A block that lowers the recursion limit below what the session needs to go on.

A script starts near depth 0; a block runs some 60 frames deep under pytest. A limit a
script could live with (``sys.setrecursionlimit(50)``) leaves the session no room to capture
and report the block: it failed with pytest's own ``RecursionError``. The limit is put back
and the block fails, saying so.
"""

from __future__ import annotations

import sys

#: Frames the session needs above a block to finish and report it.
HEADROOM = 50


def lowered_too_far(before: int, lowered: int) -> str | None:
    """Why the limit ``lowered`` that the block set is too low; ``None`` when the block did
    not lower it that far, and then the limit is set to ``lowered`` again. The caller has put
    ``before`` back already, so that judging has room."""
    if lowered >= before:
        return None
    depth = _depth()
    if lowered >= depth + HEADROOM:
        sys.setrecursionlimit(lowered)
        return None
    return (
        f"the block set the recursion limit to {lowered}, but it runs {depth} frames deep under"
        f" pytest, which leaves the session too little to report it: the limit was put back to"
        f" {before} (set it to at least {depth + HEADROOM})"
    )


def _depth() -> int:
    frame = sys._getframe(1)
    depth = 1
    while frame.f_back is not None:
        frame = frame.f_back
        depth += 1
    return depth
