"""A fence that is never closed: which line to name, and how to fix it."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.indented_fences import IndentedFenceLexeme
from pytest_torchnotes.markdown.lexing.lines import quote_prefix
from pytest_torchnotes.markdown.lexing.problems import LexerProblem
from pytest_torchnotes.notelines import shown


def unclosed(
    fences: list[FenceLexeme],
    lines: Sequence[str] = (),
    container: int = 0,
    indented: Sequence[IndentedFenceLexeme] = (),
) -> LexerProblem:
    """The problem of the last of ``fences``, never closed. A bare fence that would have
    closed the fence before it usually is that fence's real end: a line inside it (output
    that prints a fence) closed it early, and that line is the one to name. A fence in a
    list item (whose content starts at column ``container``) ends with the item, and one in
    a block quote with the quote. A bare fence after a fence-looking line of ``indented``
    code was meant to close that line's fence."""
    fence = fences[-1]
    opener = _indented_opener(fences, indented)
    if opener is not None:
        return LexerProblem(
            fence.open_line,
            f"code fence {fence.fence} is never closed: it was meant to close the fence at "
            f"line {shown(opener.line)}, which is indented four columns or more, so that line "
            "is indented code and this one opens a fence (remove the indentation at line "
            f"{shown(opener.line)})",
        )
    end = fence.last_line + 1
    depth = fence.quote_depth
    if depth and end < len(lines) and quote_prefix(lines[end], depth) is None:
        marks = ("> " * depth).strip()
        return LexerProblem(
            fence.open_line,
            f"code fence {fence.opening} in a block quote is never closed: line {shown(end)} "
            f"does not start with {marks}, so the block quote ends there and the fence with "
            f"it (start the line with {marks}, or close the fence before it)",
        )
    if container and end < len(lines) and (not depth or quote_prefix(lines[end], depth)):
        return LexerProblem(
            fence.open_line,
            f"code fence {fence.opening} in a list item is never closed: line {shown(end)}, "
            f"indented less than the item's content (column {container}), ends the item and "
            f"the fence (indent that line, or close the fence with {fence.fence} before it)",
        )
    before = fences[-2] if len(fences) > 1 else None
    if (
        not fence.info
        and before is not None
        and before.close_line is not None
        and before.fence[0] == fence.fence[0]
        and len(fence.fence) >= len(before.fence)
        and before.quote_depth == fence.quote_depth
    ):
        longer = before.fence + before.fence[0]
        return LexerProblem(
            before.close_line,
            f"this line closes the code fence opened at line {shown(before.open_line)}, so "
            f"the fence at line {shown(fence.open_line)} is never closed: if this line is "
            f"part of the block, open and close the block with a longer fence ({longer}); "
            f"if not, add a line {fence.fence} after the fence at line "
            f"{shown(fence.open_line)}",
        )
    return LexerProblem(
        fence.open_line,
        f"code fence {fence.opening} is never closed "
        f"(add a line {fence.fence} after its last line)",
    )


def _indented_opener(
    fences: list[FenceLexeme], indented: Sequence[IndentedFenceLexeme]
) -> IndentedFenceLexeme | None:
    """The indented fence-looking line that the last of ``fences``, a bare fence, would have
    closed: the last such line, after every fence before it."""
    fence = fences[-1]
    if fence.info or not indented:
        return None
    opener = indented[-1]
    before = fences[-2].last_line if len(fences) > 1 else -1
    if before < opener.line < fence.open_line and opener.fence[0] == fence.fence[0]:
        return opener if len(fence.fence) >= len(opener.fence) else None
    return None
