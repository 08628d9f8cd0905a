"""Output written as a block quote right after a block: ``> tensor([1, 2])``.

Blogs and notes exported from editors often put what a block printed in a block quote under
it, with ``> `` (or a bare ``>``) before every line. Only blank lines and at most one label
line (``输出：``, ``Output:``) may stand between. The quote is read as the block's output when
it is unambiguous:

- its first line reads as something PyTorch printed (:data:`.layout.PRINTED_REPR`);
- every paragraph of it (after a blank ``>`` line) starts so too, so that a remark quoted
  below the output is not compared as output;
- it holds no fence, HTML comment or deeper block quote, and no line without a ``>``
  continues it (a lazy continuation line).

A quote that starts as output but breaks one of the other rules is a warning naming the line,
as any unread output is. ``--torchnotes-update`` rewrites the quote's lines, each after the
``>`` prefix the first one has.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.layout import LABEL_LENGTH, OUTPUT_LABEL, PRINTED_REPR
from pytest_torchnotes.markdown.lexers import BodyLine, FenceLexeme, quote_prefix, width
from pytest_torchnotes.notelines import shown

#: :attr:`OutputSection.kind` of output in a block quote.
KIND = "quote"

#: A line of a quote's text that would not stay text: a fence, an HTML comment, a deeper
#: block quote.
NOT_TEXT = re.compile(r"^[ ]{0,3}(?:`{3,}|~{3,}|<!--|>)")


def read(draft: BlockDraft, note: NoteContext) -> None:
    """The block quote after the block, when nothing else gave the block its output."""
    fence = draft.fence
    if draft.output is not None or draft.doctest or draft.rejected or fence.close_line is None:
        return
    if draft.indented is not None and draft.indented.lines:
        return
    start = _quote_start(note, fence)
    if start is None:
        return
    section, unclear = quoted_section(note, fence, start)
    if section is not None:
        draft.output = section
        return
    assert unclear is not None
    line, why = unclear
    note.problem(
        line,
        f"block quote after the block at line {shown(fence.open_line)} starts like its "
        f"output but line {shown(line)} {why}, so the quote is not read as output: put the "
        "output in a fence marked output (```output), and any remark outside it",
        "warning",
    )


def _quote_start(note: NoteContext, fence: FenceLexeme) -> int | None:
    """The first line of a block quote one level deeper than ``fence``'s, right after it
    (blank lines and one label line between), whose text reads as printed output."""
    assert fence.close_line is not None
    first = _next_text(note, fence, fence.close_line + 1)
    if first is None:
        return None
    text, rest = first
    if ">" in rest:  # most blocks: no quote after them
        return _printed_quote(note, fence, text)
    # a label line, then the quote: the label is matched only when a quote follows it
    second = _next_text(note, fence, text + 1)
    if second is None or ">" not in second[1]:
        return None
    label = note.format.output_label or OUTPUT_LABEL
    if len(rest) > LABEL_LENGTH or not label.match(rest):
        return None
    return _printed_quote(note, fence, second[0])


def _in_fence_quote(line: str, fence: FenceLexeme) -> str | None:
    """``line`` without the markers of the block quote ``fence`` stands in; ``None`` when
    the line is out of that quote."""
    if not fence.quote_depth:
        return line
    outer = quote_prefix(line, fence.quote_depth)
    return None if outer is None else line[len(outer) :]


def _next_text(note: NoteContext, fence: FenceLexeme, start: int) -> tuple[int, str] | None:
    """The first line from ``start`` with text in ``fence``'s block quote, and that text
    (the quote's markers taken off); ``None`` at a comment, at a line out of that quote,
    or at the end of the note."""
    for index in range(start, len(note.lines)):
        if index in note.comment_lines:
            return None
        rest = _in_fence_quote(note.lines[index], fence)
        if rest is None:
            return None
        if rest.strip():
            return index, rest
    return None


def _printed_quote(note: NoteContext, fence: FenceLexeme, index: int) -> int | None:
    """``index`` when its line is in a quote one level deeper than ``fence``'s and reads as
    printed output."""
    text = quoted_text(note.lines[index], fence)
    return index if text is not None and PRINTED_REPR.match(text.strip()) else None


def quoted_text(line: str, fence: FenceLexeme) -> str | None:
    """The text of ``line`` inside a block quote one level deeper than ``fence``'s, in the
    same list item; ``None`` when it is not in one."""
    depth = fence.quote_depth
    outer = quote_prefix(fence.prefix, depth) if depth else ""
    indent = width(fence.prefix[len(outer or "") :]) + 3
    prefix = quote_prefix(line, depth + 1, indent if depth == 0 else 3)
    if prefix is None:
        return None
    return line[len(prefix) :]


#: Why a line makes a block quote unclear as output, as the warning says it.
PROSE = "reads as prose"
LAZY = "continues the quote without a >"
NOT_QUOTED_TEXT = "opens a fence, a comment or a deeper quote in it"


def quoted_section(
    note: NoteContext, fence: FenceLexeme, start: int
) -> tuple[OutputSection, None] | tuple[None, tuple[int, str]]:
    """The section of the block quote from line ``start``, or ``None`` with the first line
    that makes it unclear whether the quote is output, and why."""
    body: list[BodyLine] = []
    paragraph_start = True
    for index in range(start, len(note.lines)):
        line = note.lines[index]
        text = quoted_text(line, fence) if index not in note.comment_lines else None
        if text is None:
            if line.strip(" \t>"):
                why = NOT_QUOTED_TEXT if index in note.comment_lines else LAZY
                return None, (index, why)
            break
        if NOT_TEXT.match(text):
            return None, (index, NOT_QUOTED_TEXT)
        if not text.strip():
            paragraph_start = True
        elif paragraph_start:
            if not PRINTED_REPR.match(text.strip()):
                return None, (index, PROSE)
            paragraph_start = False
        body.append(BodyLine(index, line[: len(line) - len(text)], text))
    while not body[-1].text.strip():
        body.pop()
    return OutputSection(KIND, tuple(body), start, body[-1].line + 1, body[0].prefix, ""), None


#: Why ``--torchnotes-update`` does not write a line into a block quote.
QUOTE_FIX = "put the output in a fence marked output (```output) instead of the block quote"


def unwritable_line(lines: list[str]) -> str | None:
    """Why ``lines`` cannot be written as a block quote's output, if they cannot: a line that
    would open a fence or a comment, or a deeper quote, in it."""
    for line in lines:
        if NOT_TEXT.match(line):
            return (
                f"a line of the output ({line.strip()!r}) would not read as text in a block "
                f"quote: {QUOTE_FIX}"
            )
    return None


def unreadable_paragraph(lines: list[str]) -> str | None:
    """Why ``lines``, written as a block quote's output, would not read back as output, if
    they would not: the quote's first line, or a paragraph's after a blank line, that reads
    as prose (the rules of :func:`quoted_section`); the next run would take the quote for a
    remark and the output as missing."""
    paragraph_start = True
    for index, line in enumerate(lines):
        if not line.strip():
            paragraph_start = True
        elif paragraph_start:
            if not PRINTED_REPR.match(line.strip()):
                where = "a paragraph" if index else "its first line"
                return (
                    f"{where} ({line.strip()!r}) would read as prose, and the quote as a "
                    f"remark, not output: {QUOTE_FIX}"
                )
            paragraph_start = False
    return None
