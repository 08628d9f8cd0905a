"""The indented code block right after a fence (``jupyter nbconvert --to markdown`` output).

In CommonMark a fence-looking line in it is text, not a fence, so the scan skips it.
"""

from __future__ import annotations

from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.lines import BodyLine, quote_prefix, strip_columns, width

#: Columns of indentation, beyond a fence's own, that make a line indented code.
INDENTED_CODE = 4


def indented_after(lines: list[str], fence: FenceLexeme) -> tuple[BodyLine, ...]:
    """The indented code block right after a closed ``fence`` (only blank lines between):
    its lines from the first indented one to the last, blank ones between included, each
    with the prefix removed from it (block-quote markers, the fence's indentation and four
    columns more). In CommonMark a fence-looking line in it is text, not a fence.

    >>> indented_after(["```", "x", "```", "", "    a", "", "    b", "", "c"],
    ...                FenceLexeme(0, 2, "", "", "```", 0, ()))
    (BodyLine(line=4, prefix='    ', text='a'), BodyLine(line=5, prefix='', text=''), \
BodyLine(line=6, prefix='    ', text='b'))
    """
    if fence.close_line is None:
        return ()
    depth = fence.quote_depth
    if not depth:  # most fences: the first line with text after it starts at column 0
        for index in range(fence.close_line + 1, len(lines)):  # not islice: it counts from 0
            line = lines[index]
            if line.strip():
                if line[0] not in (" ", "\t"):
                    return ()  # indented less than any fence's indented code
                break
    quotes = quote_prefix(fence.prefix, depth) if depth else ""
    columns = width(fence.prefix) - width(quotes or "") + INDENTED_CODE
    found: list[BodyLine] = []
    last = -1
    for index in range(fence.close_line + 1, len(lines)):
        line = lines[index]
        quote = quote_prefix(line, depth) if depth else ""
        if quote is None:
            break
        rest = line[len(quote) :]
        if not rest.strip():
            if found:
                found.append(BodyLine(index, line, ""))
            continue
        if width(quote + rest[: len(rest) - len(rest.lstrip(" \t"))]) - width(quote) < columns:
            break  # tabs stop where they stand, after the quote's markers
        removed, text = strip_columns(rest, columns, width(quote))
        found.append(BodyLine(index, quote + removed, text))
        last = len(found)
    return tuple(found[: max(last, 0)])
