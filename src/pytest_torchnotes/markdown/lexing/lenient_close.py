"""A closing fence that closes its fence only by the plugin's leniency.

In CommonMark a line of text indented less than a list item's content ends the item, and a
fence in it with the item: a closing fence indented less than that is no exception, and it
opens a new fence that runs on. Notes write it often (the closing fence back at the margin),
and their author means it to close the fence, so the plugin closes the fence there, and warns
at the line: the renderer shows it differently.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.markdown.lexing.containers import indentation
from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.lines import marker_indent, quote_prefix
from pytest_torchnotes.markdown.lexing.problems import LexerProblem
from pytest_torchnotes.notelines import shown


def lenient_close(lines: Sequence[str], fence: FenceLexeme, container: int) -> LexerProblem | None:
    """The warning at the closing fence of ``fence`` (in a list item whose content starts at
    column ``container``) when it is indented less than the item's content; ``None`` when
    CommonMark closes the fence there too.

    >>> lines = ["- a", "  ```python", "  x", "```"]
    >>> lenient_close(lines, FenceLexeme(1, 3, "python", "  ", "```", 0, ()), 2).line
    3
    >>> lenient_close(lines, FenceLexeme(1, 3, "python", "  ", "```", 0, ()), 0) is None
    True
    """
    close = fence.close_line
    if not container or close is None:
        return None
    line = lines[close]
    depth = fence.quote_depth
    quote = (quote_prefix(line, depth, marker_indent(fence.prefix)) or "") if depth else ""
    rest = line[len(quote) :]
    indent = indentation(quote, rest[: len(rest) - len(rest.lstrip(" \t"))])
    if indent >= container:
        return None
    return LexerProblem(
        close,
        f"this line closes the code fence opened at line {shown(fence.open_line)}, but it is "
        f"indented {indent} columns, less than the list item's content ({container}): a "
        "CommonMark renderer ends the item here and shows this line as the start of a new "
        f"code block (indent it {container} columns, like the opening fence)",
        "warning",
    )
