"""Output pasted under a block's code with no output marker: ``print(x)`` then
``tensor([2., 2.], grad_fn=<MulBackward0>)`` in the same fence. The block fails (the printed
text is no Python, or names nothing: ``tensor`` is not defined), and that is not drift, nor
code to skip: the marker line above the pasted text makes it the block's expected output,
and the block runs and keeps defining what later blocks use. A skip would drop the output
unread, and the block's imports and names with it.
"""

from __future__ import annotations

import ast

from pytest_torchnotes.commands.triage.causes import SYNTAX, UNDEFINED_NAME
from pytest_torchnotes.commands.triage.findings import PASTED_OUTPUT, Finding
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.outputfence import printed_output
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.reporting.report import BlockRecord

#: Values that read as code as well as output (``1``, ``(2, 3)``, ``-0.5``).
LITERALS = (ast.Constant, ast.Tuple, ast.List, ast.UnaryOp)

#: How much of the pasted output's first line is quoted.
QUOTED = 40


def printed_tail(code: str) -> int | None:
    """The 0-based line of ``code`` where output pasted under its code starts: the code
    above compiles, holds a statement and prints (``print``, or a last bare expression as a
    notebook shows it), and the lines from there on read as printed output, not code.

    >>> printed_tail("import torch\\nprint(torch.ones(2))\\ntensor([1., 1.])")
    2
    >>> printed_tail("x = 1\\nprint(x)\\n\\n1") is None  # a number alone may be code
    True
    >>> printed_tail("x = torch.ones(2)\\ny = x + 1") is None
    True
    """
    lines = code.split("\n")
    for start in range(1, len(lines)):
        if not lines[start].strip() or lines[start][:1].isspace():
            continue  # output starts at the left edge, after the code's last statement
        head = "\n".join(lines[:start])
        tail = "\n".join(lines[start:])
        if printed_output(tail) is None or not _prints(head):
            continue
        if _bare_number(tail):
            continue  # ``1`` under ``print(x)`` reads as output, but as code too
        return start
    return None


def pasted_finding(path: str, record: BlockRecord, block: Block | None) -> Finding | None:
    """The finding of a failing block that holds output pasted under its code, if it does:
    the marker line above the pasted text, proposed in place of a skip."""
    if block is None or block.doctest or block.ipython is not None or block.output is not None:
        return None
    reason = record.reason or ""
    undefined = UNDEFINED_NAME.search(reason)
    if record.drift != "exception" or not (undefined or SYNTAX.search(reason)):
        return None
    start = printed_tail(block.code)
    if start is None:
        return None
    tail = block.code.split("\n")[start:]
    if undefined is not None and undefined.group("name") not in "\n".join(tail):
        return None  # the name that is missing is one of the code's, not the output's
    line = shown(block.code_line + start)
    return Finding(
        path,
        record.line,
        PASTED_OUTPUT,
        f"output pasted under the code at line {line}, with no output marker: "
        f"`{tail[0].strip()[:QUOTED]}`",
        marker_above=line,
    )


def _prints(code: str) -> bool:
    try:
        body = ast.parse(code).body
    except (SyntaxError, ValueError):
        return False
    if not body:
        return False
    last = body[-1]
    return "print(" in code or (isinstance(last, ast.Expr) and not isinstance(last.value, ast.Call))


def _bare_number(text: str) -> bool:
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError):
        return False
    return all(
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant | ast.Tuple | ast.List | ast.UnaryOp)
        for statement in body
    )
