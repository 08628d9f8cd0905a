"""Output written as a comment at the end of a code line: a remark, reported once per note.

Blogs often write what a line prints in a comment beside it::

    print(x.shape)  # torch.Size([2, 3])

Such a comment is a remark, never output (:mod:`.commentoutput` reads only a block that ends
with its output under a label comment), so nothing compares it. A note whose blocks have no
output section of their own but carry such comments gets one warning, at the first of them,
so that its author does not take those values for checked. A comment beside a line that
prints nothing (an assignment, an import) is a remark on a value, and is not warned of.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Sequence

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.layout import PRINTED_REPR
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.words import and_more

#: What may stand between ``#`` and the value: ``# => tensor(...)``, ``# >>> tensor(...)``,
#: ``# 输出：tensor(...)``.
COMMENT_LEAD = re.compile(r"^#[ \t]*(?:=>|->|>>>|输出[:：]?|output:?|out:?)?[ \t]*", re.IGNORECASE)

#: Longest comment quoted in the warning.
QUOTED = 40


def inline_output(note: NoteContext) -> None:
    """Warn once of comments at the end of code lines that read as printed output, in blocks
    that have no output section and are not transcripts."""
    found: list[tuple[int, str]] = []
    for block in note.note.blocks:
        if block.output is not None or block.doctest or block.ipython is not None:
            continue
        found.extend(_value_comments(block.fence.body))
    if not found:
        return
    line, comment = found[0]
    others = and_more(len(found))
    note.problem(
        line,
        f"the comment `{comment[:QUOTED]}` at the end of a code line looks like what the line "
        f"prints, but it is not compared{others}: a comment beside code is a remark; to check "
        "the output, put it in a fence marked output (```output) after the block",
        "warning",
    )


def _value_comments(body: Sequence[BodyLine]) -> list[tuple[int, str]]:
    """``(0-based note line, comment)`` of each comment after code in ``body`` whose text
    reads as printed output."""
    lines = [line.text for line in body]
    found = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        row, column = token.start
        if not lines[row - 1][:column].strip():
            continue  # a comment on a line of its own
        value = COMMENT_LEAD.sub("", token.string).strip()
        if PRINTED_REPR.match(value):
            found.append((row, token.string))
    if not found:
        return []
    printing = _printing_rows(lines)
    return [
        (body[row - 1].line, comment)
        for row, comment in found
        if printing is None or row in printing
    ]


def _printing_rows(lines: Sequence[str]) -> set[int] | None:
    """The 1-based rows of ``lines`` that an expression statement spans (``print(x)``, ``x``,
    in a loop or not): the only lines whose comment may say what they print. A comment beside
    an assignment or an import is a remark on a value (``a = torch.ones(2, 3)  # (2, 3)``),
    not output. ``None`` when the code does not parse: every line may print."""
    try:
        tree = ast.parse("\n".join(lines) + "\n")
    except (SyntaxError, ValueError):
        return None
    rows: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr):
            rows.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return rows
