"""Output as ``jupyter nbconvert --to markdown`` writes it: indented text after a block.

An export writes a code cell as a ```` ```python ```` fence, then each text output of the
cell indented by four spaces: what it printed and its displayed value as separate indented
blocks, blank lines between them. With ``torchnotes_indented_output`` on (or
``indented_output: true`` under ``torchnotes:`` in a note's front matter), the indented text
right after a block, only blank lines between, is the block's expected output, up to the
first line that is not indented (prose, a fence, a comment, a heading). A block with no
indented text after it is expected to print nothing: update inserts what it prints.

Blank lines in the section are not compared: an export writes a blank line of output and the
gap between two outputs alike. An image output (``![png](x_files/x_3_0.png)``) is a line of
prose, not text output: it ends the section and is never compared or rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pytest_torchnotes.comparison.compare import Comparator
from pytest_torchnotes.comparison.normalize import drop_blank_lines
from pytest_torchnotes.markdown import commentoutput
from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.layout import LABEL_LENGTH
from pytest_torchnotes.markdown.lexers import (
    INDENTED_CODE,
    FenceLexeme,
    indented_after,
    quote_prefix,
    width,
)
from pytest_torchnotes.markdown.wrappers import container_title
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.words import and_more

#: :attr:`OutputSection.kind` of indented output.
KIND = "indented"

#: The options that read indented output, as messages name them.
OPTION = (
    "--torchnotes-indented-output (ini: torchnotes_indented_output; in the front matter: "
    "indented_output: true under torchnotes:)"
)

#: A line that is only a Markdown image: the image output of an export
#: (``![png](x_files/x_3_0.png)``).
IMAGE_LINE = re.compile(r"^[ \t]*!\[[^\]\n]*\]\([^)\n]*\)[ \t]*$")

#: The first line of an HTML output of an export, written as raw HTML below the block: a
#: DataFrame's ``<div>`` and ``<table>``, a widget, a figure as SVG, text in a ``<pre>``
#: (not ``<pre><code>``, which is code).
HTML_OUTPUT = re.compile(
    r"^[ \t]*<(?:div|table|style|iframe|svg|pre(?![^>]*>[ \t]*<code\b))\b", re.IGNORECASE
)

#: The first line of HTML that a Markdown cell of the notebook holds, not an output: a
#: Jupyter (Bootstrap) alert, as sphinx-gallery turns a tutorial's ``.. note::`` into
#: (``<div class="alert alert-info"><h4>Note</h4><p>...``), or an element that opens with a
#: heading or a paragraph. An export writes a Markdown cell right after the code cell before
#: it, as it writes an HTML output.
PROSE_HTML = re.compile(
    r"^[ \t]*<div\b[^>]*\bclass=[\"'][^\"']*\balert\b|^[ \t]*<\w+\b[^>]*>[ \t]*<(?:h[1-6]|p)\b",
    re.IGNORECASE,
)

#: The directive that keeps a block's output from being compared.
IGNORE_DIRECTIVE = "<!-- torchnotes: compare ignore -->"


def find(draft: BlockDraft, note: NoteContext) -> None:
    """The lexer part: the indented text after a block, when the note reads indented output
    and nothing inside the block holds it (a marker, a ``>>>`` transcript). One label line
    may stand before it, as sphinx-gallery's ``Out:`` does; a label with no indented text
    under it is where update writes the output, under the label."""
    if note.reads_indented and draft.output is None and not draft.doctest:
        section = indented_section(note.lines, draft.fence)
        label = label_line(note, draft.fence) if not section.lines else None
        if label is not None:
            # under the label even when nothing is indented there: update writes it there
            section = indented_section(note.lines, replace(draft.fence, close_line=label))
        draft.indented = section


def label_line(note: NoteContext, fence: FenceLexeme) -> int | None:
    """The 0-based line of the label line right after ``fence`` (only blank lines between),
    if the note's format reads labels and the first line of text after the fence is one (or a
    container titled as one: ``::: {.cell-output .cell-output-stdout}``)."""
    label = note.format.output_label
    assert fence.close_line is not None
    first = note.first_text_line(fence.close_line + 1, len(note.lines))
    if label is None or first is None:
        return None
    quotes = quote_prefix(note.lines[first], fence.quote_depth) if fence.quote_depth else ""
    rest = note.lines[first][len(quotes or "") :]
    if len(rest) <= LABEL_LENGTH and label.match(rest):
        return first
    title = container_title(rest)  # a Quarto output div that pandoc wrote indented code in
    return first if title is not None and label.match(title) else None


def read(draft: BlockDraft, note: NoteContext) -> None:
    """The parser part: the indented text is the output when no other convention found one."""
    if draft.output is not None or draft.indented is None:
        return
    if not draft.indented.lines and commentoutput.reads(draft, note):
        return  # no indented text after it: its output comments are its output
    draft.output = draft.indented
    # read as output, an indented ``>>>`` line there is no session of its own to run
    note.consumed.update(line.line for line in draft.indented.lines)
    unread = unread_after_image(note.lines, draft.fence, draft.indented)
    if unread is not None:
        note.problem(*unread, "warning")
    html = html_output(note, draft.fence) if not draft.indented.lines else None
    if html is not None:
        note.problem(
            html,
            f"HTML after the block at line {shown(draft.fence.open_line)} is a rich output of "
            "the export (a DataFrame's table, a widget), which is not compared: the block is "
            "expected to print nothing; write its text output indented below it, or put "
            f"{IGNORE_DIRECTIVE} above it",
            "warning",
        )


def html_output(note: NoteContext, fence: FenceLexeme) -> int | None:
    """The 0-based line of the HTML output right after ``fence`` (only blank lines between);
    ``None`` too for the HTML of a Markdown cell there (:data:`PROSE_HTML`)."""
    assert fence.close_line is not None
    first = note.first_text_line(fence.close_line + 1, len(note.lines))
    if first is None or not HTML_OUTPUT.match(note.lines[first]):
        return None
    return None if PROSE_HTML.match(note.lines[first]) else first


def indented_section(lines: list[str], fence: FenceLexeme) -> OutputSection:
    """The indented output section after the closed ``fence``: its lines, from the first
    indented line to the last, or, when there is none, an empty section right after the
    closing fence, where ``--torchnotes-update`` inserts one."""
    assert fence.close_line is not None
    found = indented_after(lines, fence)
    prefix = new_line_prefix(fence)
    if found:
        return OutputSection(KIND, found, found[0].line, found[-1].line + 1, prefix, "")
    after = fence.close_line + 1
    return OutputSection(KIND, (), after, after, prefix, "")


def new_line_prefix(fence: FenceLexeme) -> str:
    """What stands before a new line of indented output: the fence's block-quote markers,
    its indentation (a list marker turned into spaces) and four spaces.

    >>> new_line_prefix(FenceLexeme(0, 2, "python", "> - ", "```", 1, ()))
    '>       '
    """
    quotes = _quotes(fence)
    return quotes + " " * _columns(fence, quotes)


def _quotes(fence: FenceLexeme) -> str:
    return (quote_prefix(fence.prefix, fence.quote_depth) or "") if fence.quote_depth else ""


def _columns(fence: FenceLexeme, quotes: str) -> int:
    """Indentation (after the block-quote markers) of indented output after ``fence``."""
    return width(fence.prefix[len(quotes) :]) + INDENTED_CODE


def without_blank_lines(comparator: Comparator) -> Comparator:
    """``comparator``, comparing texts without their blank lines."""
    return Comparator(comparator.options, (*comparator.sanitizers, drop_blank_lines))


def reads_indented(front_matter: bool | None, option: bool) -> bool:
    """Whether a note's indented text is output: its front matter says, else the option."""
    return option if front_matter is None else front_matter


def unread_warnings(unread: Sequence[tuple[int, int]], *, read: bool) -> list[tuple[int, str]]:
    """``(0-based line, message)`` warnings for indented text that looks like a block's
    output but is not read; ``unread`` holds ``(0-based line of the text, 0-based line of
    the block)``. When indented output is not ``read`` at all, the note looks like an
    export: one warning for the whole note, at the first such text."""
    if not unread:
        return []
    if read:
        return [
            (
                line,
                f"indented text after the block at line {shown(block)} looks like its output but "
                "is not read: only blank lines may stand between a block and its indented output",
            )
            for line, block in unread
        ]
    line, block = unread[0]
    others = and_more(len(unread), "block", after=True, where="")
    return [
        (
            line,
            f"indented text after the block at line {shown(block)}{others} looks like its "
            "output but is not read: the note looks like a jupyter nbconvert --to markdown "
            "export; read "
            f"its indented output with {OPTION}, or put the output in a fence marked output "
            "(```output)",
        )
    ]


def unread_after_image(
    lines: list[str], fence: FenceLexeme, section: OutputSection
) -> tuple[int, str] | None:
    """``(0-based line, message)`` for indented text after an image output that follows
    the section (only blank lines and image lines between): an export's text output after
    an image, which is not read."""
    depth = fence.quote_depth
    columns = _columns(fence, _quotes(fence))
    image: int | None = None
    for index in range(section.end, len(lines)):
        line = lines[index]
        quote = quote_prefix(line, depth) if depth else ""
        if quote is None:
            return None
        rest = line[len(quote) :]
        if not rest.strip():
            continue
        if IMAGE_LINE.match(rest):
            image = index if image is None else image
            continue
        if image is None or width(rest[: len(rest) - len(rest.lstrip(" \t"))]) < columns:
            return None
        return (
            index,
            f"indented text after the image output at line {shown(image)} of the block at line "
            f"{shown(fence.open_line)} is not read: a block's indented output ends at its first "
            "image or line of prose (move the text above the image, or compare it in a "
            "block of its own)",
        )
    return None
