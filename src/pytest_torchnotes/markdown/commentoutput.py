"""The comment output convention: a block's output written as comments at its end.

Blogs often write what a block printed as comments after its code, under a label comment::

    print(x)
    # Output:
    # tensor([1., 1.])

or as ``#>`` lines, or on the label's own line at the block's end (``# Output: tensor([1.])``,
``# 结果：'0.4.1'``). Only that clear form counts (a label comment line, or ``#>`` lines, then
nothing but comment lines to the end of the block); a comment at the end of a code line is a
remark, never output. A label with nothing under it is an empty output, filled in by an
update as an empty marker section is.

By default such a block gets a warning at its label (or first ``#>`` line): its comments are
not compared. With ``torchnotes_comment_output`` they are read as an
:class:`~.blocks.OutputSection` of kind ``comments``, whose prefix (``# `` or ``#> ``) update
mode writes new lines with.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.layout import CHINESE_LABEL, ENGLISH_LABEL, PRINTED_REPR
from pytest_torchnotes.markdown.lexers import BodyLine

#: A comment line that announces the output below it: ``# 输出：``, ``# Output:``, ``# out:``,
#: ``# 结果：``, ``# 运行结果：``; or, followed by a colon, any other output label of a line
#: before an output fence (:data:`.layout.OUTPUT_LABEL`): ``# Result:``, ``# Expected output:``,
#: ``# This prints:``, ``# 打印结果：``; or the output marker commented out,
#: ``# ======== output ==========``.
COMMENT_LABEL = re.compile(
    r"^[ \t]*#[ \t]*(?:(?:输出结果|运行结果|输出|结果|output|out)[ \t]*[:：]?"
    rf"|(?:{CHINESE_LABEL}(?:如下)?|{ENGLISH_LABEL}(?:[ \t]+below)?)[ \t]*[:：]"
    r"|[=\-~*+]{3,}[ \t]*(?:output|输出)[ \t]*[:：]?[ \t]*[=\-~*+]{3,})[ \t]*$",
    re.IGNORECASE,
)
#: The last comment line of a block that holds a label and the output on the same line:
#: ``# Output: tensor([1.])``, ``# 结果：'0.4.1'``, ``# 得到结果'0.4.1'``, maybe in backticks
#: (group ``value``); the value must read as printed (:func:`_printed`): a remark that names
#: the output (``# Output: see the table below``) is not one.
INLINE_LABEL = re.compile(
    r"^(?P<label>[ \t]*#[ \t]*(?P<word>输出结果|运行结果|输出|结果|output|out|"
    rf"{CHINESE_LABEL}|{ENGLISH_LABEL})(?P<sep>[ \t]*(?:[:：]|为|是|is\b)[ \t]*|[ \t]+|)`?)"
    r"(?P<value>[^`]+?)`?[ \t]*$",
    re.IGNORECASE,
)

#: Why update does not write output written on its label's comment line.
INLINE_FIX = (
    "the output is written on its label's comment line: write it under the label on comment "
    "lines of its own (`# Output:`, then `# ...`) or in an output fence to let "
    "--torchnotes-update write it"
)

#: A comment line of output: ``#>`` and what follows.
CHEVRON_LINE = re.compile(r"^[ \t]*#>")
#: Any comment line.
COMMENT_LINE = re.compile(r"^[ \t]*#")
#: The prefix a line of output is written with, ``#`` last (a line that is a prefix without
#: its space is a blank line); an empty output is written with ``# ``. ``## `` is knitr's (R
#: Markdown), which notes copy.
PREFIXES = ("# ", "## ", "#> ", "#>", "#")


@dataclass(frozen=True)
class CommentOutput:
    """The output comments at the end of a block."""

    #: Position in the body of the label line, or of the first ``#>`` line when there is no
    #: label; the code is the body before it.
    first: int
    #: Position in the body of the first line of output (the line after the label).
    start: int
    #: The output lines (comments), trailing blank lines left out.
    lines: tuple[BodyLine, ...]
    #: The output stands on the label's line (``# Output: tensor([1.])``): ``lines`` holds it
    #: without the label.
    inline: bool = False

    def written(self, body: Sequence[BodyLine]) -> str:
        """How the output is written, as a warning names it."""
        if self.inline:
            return f"on the label comment `{body[self.first].text.strip()}`"
        if self.first == self.start:
            return "as `#>` comments"
        return f"as comments after `{body[self.first].text.strip()}`"


def find(body: Sequence[BodyLine]) -> CommentOutput | None:
    """The output comments at the end of ``body``, if it ends with them after some code."""
    tail, last = comment_tail(body)
    if not any(is_code(line) for line in body[:tail]):
        return None
    for position in range(tail, last):
        if COMMENT_LABEL.match(body[position].text):
            return CommentOutput(position, position + 1, tuple(body[position + 1 : last]))
    for position in range(tail, last):
        if CHEVRON_LINE.match(body[position].text):
            if all(CHEVRON_LINE.match(line.text) for line in body[position:last]):
                return CommentOutput(position, position, tuple(body[position:last]))
            return None
    return _inline(body, tail, last)


def _inline(body: Sequence[BodyLine], tail: int, last: int) -> CommentOutput | None:
    """The output on the block's last comment line, after a label on that line."""
    if tail == last:
        return None
    line = body[last - 1]
    found = INLINE_LABEL.match(line.text)
    if found is None:
        return None
    if not _printed(found.group("value").strip()):
        return None  # a remark that names the output (`# Output: see the table below`)
    if not found.group("sep") and found.group("word")[-1].isascii():
        return None  # `# out[0]`: code commented out, not a label
    text = line.text[found.start("value") :].rstrip(" \t`")
    return CommentOutput(
        last - 1,
        last - 1,
        (BodyLine(line.line, line.prefix + line.text[: found.start("value")], text),),
        inline=True,
    )


def _printed(value: str) -> bool:
    """Whether ``value`` reads as what Python printed: a tensor, a number, a bracket, or a
    literal's repr (``'0.4.1'``)."""
    if PRINTED_REPR.match(value):
        return True
    try:
        ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


def comment_tail(body: Sequence[BodyLine]) -> tuple[int, int]:
    """Where the comment lines that end ``body`` start, and where they end (blank lines after
    them left out): ``(n, n)`` when it does not end with comments.

    >>> def body(*texts):
    ...     return [BodyLine(n, "", text) for n, text in enumerate(texts)]
    >>> comment_tail(body("x = 1", "# 1", "#  2", "")), comment_tail(body("x", ""))
    ((1, 3), (1, 1))
    """
    last = len(body)
    while last and not body[last - 1].text.strip():
        last -= 1
    tail = last
    while tail and COMMENT_LINE.match(body[tail - 1].text):
        tail -= 1
    return tail, last


def is_code(line: BodyLine) -> bool:
    """Whether ``line`` holds code: neither blank nor a comment."""
    return bool(line.text.strip()) and not COMMENT_LINE.match(line.text)


def uncommented(lines: Sequence[BodyLine]) -> tuple[str, tuple[BodyLine, ...]] | None:
    """The prefix every line is written with and the lines without it, or ``None`` when the
    lines do not share one (they are then not read: an update could not write them back)."""
    texts = [line.text for line in lines]
    for prefix in PREFIXES:
        bare = prefix.rstrip(" ")
        if all(text.startswith(prefix) or text.rstrip(" \t") == bare for text in texts):
            return prefix, tuple(
                BodyLine(line.line, line.prefix + prefix, _strip(line.text, prefix))
                for line in lines
            )
    return None


def _strip(text: str, prefix: str) -> str:
    return text[len(prefix) :] if text.startswith(prefix) else ""


def reads(draft: BlockDraft, note: NoteContext) -> bool:
    """Whether :func:`read` makes the output comments at the end of the block its output
    (the option is on, and they share one prefix)."""
    if not note.format.comment_output or draft.doctest or draft.transcript is not None:
        return False
    found = find(draft.code_lines)
    return found is not None and uncommented(found.lines) is not None


def read(draft: BlockDraft, note: NoteContext) -> None:
    """Read the block's output comments, or warn that they are not compared."""
    if draft.output is not None or draft.doctest or draft.transcript is not None:
        return
    found = find(draft.code_lines)
    if found is None:
        return
    body = draft.code_lines
    label = body[found.first]
    if found.inline and note.format.comment_output:
        assert draft.fence.close_line is not None
        draft.code_lines = tuple(body[: found.first])
        draft.output = OutputSection(
            "comments",
            found.lines,
            label.line,
            draft.fence.close_line,
            found.lines[0].prefix,
            draft.fence.fence,
            not_writable=INLINE_FIX,
        )
        return
    stripped = uncommented(found.lines) if not found.inline else None
    if note.format.comment_output and stripped is not None:
        prefix, lines = stripped
        assert draft.fence.close_line is not None
        draft.code_lines = tuple(body[: found.first])
        draft.output = OutputSection(
            "comments",
            lines,
            label.line + 1 if found.first < found.start else label.line,
            draft.fence.close_line,
            label.prefix + prefix,
            draft.fence.fence,
        )
        return
    if note.format.comment_output:  # an inline label is read above
        reason = "its lines do not all start with the same # or #> prefix, so it is not read"
    else:
        reason = "set torchnotes_comment_output (--torchnotes-comment-output) to read it"
    note.problem(
        label.line,
        f"output written {found.written(body)} is not compared: put it in an"
        " output fence after the block (or under the `======== output ==========` marker);"
        f" {reason}",
        "warning",
    )
