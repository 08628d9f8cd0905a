"""Output pasted into a block under its code, with no output marker above it: the block does
not compile, as the printed text is no Python. Its failure names the marker line that makes
that text the block's expected output. Looked for only when a block does not compile.
"""

from __future__ import annotations

import ast

from pytest_torchnotes.notelines import shown

#: The marker line a hint proposes (``marker.OUTPUT_MARKER`` reads it).
MARKER_LINE = "======== output =========="


def pasted_output_start(code: str) -> int | None:
    """The 0-based line of ``code`` where text pasted under the code starts: the first line
    after a blank one, where the code above compiles and the lines from there on hold text
    that does not; ``None`` when no blank line splits the block so. Comments alone above
    the blank line are no code (``#include <torch/script.h>`` over C++).

    >>> pasted_output_start("x = 1\\nprint(x)\\n\\n结果:\\n tensor([1])")
    3
    >>> pasted_output_start("x = (\\n\\n1") is None  # no code above the blank line
    True
    >>> pasted_output_start("x = 1\\n\\nprint(x)") is None  # code on both sides
    True
    """
    lines = code.split("\n")
    for blank in range(len(lines) - 1, 0, -1):
        if lines[blank].strip():
            continue
        head = "\n".join(lines[:blank])
        tail = "\n".join(lines[blank + 1 :])
        if not tail.strip() or not _has_statements(head) or _compiles(tail):
            continue
        return next(index for index in range(blank + 1, len(lines)) if lines[index].strip())
    return None


def pasted_output_hint(code: str, code_line: int) -> str | None:
    """The hint of a block of ``code`` (its first line the note's 0-based ``code_line``)
    that does not compile, when a blank line splits it into code and text pasted under it.

    >>> print(pasted_output_hint("print(1)\\n\\n结果:\\n 1 )", 9))
    the code above line 12 compiles: if lines 12-13 are what the block prints, pasted under \
its code, put the output marker ======== output ========== on a line of its own above line \
12 to compare them
    """
    start = pasted_output_start(code)
    if start is None:
        return None
    last = len(code.rstrip("\n").split("\n")) - 1
    first_shown, last_shown = shown(code_line + start), shown(code_line + last)
    lines = f"line {first_shown} is" if last == start else f"lines {first_shown}-{last_shown} are"
    return (
        f"the code above line {first_shown} compiles: if {lines} what the block prints, "
        f"pasted under its code, put the output marker {MARKER_LINE} on a line of its own "
        f"above line {first_shown} to compare them"
    )


def _has_statements(text: str) -> bool:
    """Whether ``text`` compiles and holds a statement (comments alone are no code)."""
    try:
        return bool(ast.parse(text).body)
    except (SyntaxError, ValueError):
        return False


def _compiles(text: str) -> bool:
    try:
        compile(text, "<block>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True
