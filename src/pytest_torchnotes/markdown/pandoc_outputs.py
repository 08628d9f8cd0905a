"""The outputs of a notebook as pandoc's ipynb reader writes them in Markdown: fenced divs
after the cell's code, one per output, each holding the output's text as indented code.

``pandoc notebook.ipynb -t markdown`` writes a code cell as ``::: {.cell .code}`` around a
```` ``` python ```` fence, then each output of the cell in a div whose classes say what it
is: ``{.output .stream .stdout}`` (what the cell printed), ``{.output .execute_result}`` (the
value of its last line), ``{.output .display_data}`` (what it displayed: text, or an image),
``{.output .error}`` (IPython's traceback of the exception it raised) and
``{.output .stream .stderr}`` (warnings, logs). The classes are pandoc's own and say which
div holds what, so the text of the first four, in the order written, is the block's
expected output, read with no option: a traceback there says the block raises, as any
traceback in expected output does. What a cell wrote to stderr is not compared: the first
such div of a note is a warning.

``pandoc notebook.ipynb -t gfm`` (GitHub's Markdown, which has no fenced divs) writes the
same divs as HTML: ``<div class="output stream stdout">``, a blank line, the indented text,
a blank line and ``</div>``; they are read the same way.

Quarto, rendering a notebook to Markdown, writes the outputs in divs of its own classes,
``::: {.cell-output .cell-output-stdout}`` and ``.cell-output-display`` (the value of the
last line); where pandoc wrote their text indented, not in a fence, they are read the same
way (a fence in them is an output fence, :mod:`.site_containers`). Its ``.cell-output-stderr``
and ``.cell-output-error`` divs are not compared (:mod:`.quarto_outputs` warns of them).

The output of one div is rewritten by ``--torchnotes-update`` as indented output is (its body
only, the div's lines kept); the output of a cell spread over several divs is compared, and
not rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.indented import KIND, new_line_prefix
from pytest_torchnotes.markdown.lexers import BodyLine, FenceLexeme, indented_after
from pytest_torchnotes.markdown.quarto_outputs import FIXES
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.words import and_more

#: What every output div's opening line holds, as a fenced div and as HTML: a note without
#: either is not read line by line.
TRIGGERS = ("{.output", 'class="output ', ".cell-output-")

#: The opening line of an output div of pandoc's ipynb reader; group ``kind``: ``stdout``,
#: ``stderr``, ``execute_result``, ``display_data`` or ``error``.
OUTPUT_DIV = re.compile(
    r"^[ \t]*:{3,}[ \t]*\{\.output[ \t]+"
    r"(?:\.stream[ \t]+\.(?P<stream>stdout|stderr)|\.(?P<kind>execute_result|display_data|error))"
    r"(?=[ \t}])[^}]*\}[ \t]*$"
)

#: The same div as ``pandoc -t gfm`` writes it, in HTML:
#: ``<div class="output execute_result" execution_count="1">``.
HTML_OUTPUT_DIV = re.compile(
    r"^[ \t]{0,3}<div[ \t][^>]*?\bclass=\"output[ \t]+"
    r"(?:stream[ \t]+(?P<stream>stdout|stderr)|(?P<kind>execute_result|display_data|error))"
    r"(?=[ \t\"])[^\"]*\"[^>]*>[ \t]*$"
)

#: A Quarto output div: ``::: {.cell-output .cell-output-stdout}``; group ``quarto``:
#: ``stdout``, ``display``, ``stderr`` or ``error``.
QUARTO_OUTPUT_DIV = re.compile(
    r"^[ \t]*:{3,}[ \t]*\{[^}]*\.cell-output-(?P<quarto>stdout|display|stderr|error)(?=[ \t}])"
    r"[^}]*\}[ \t]*$"
)

#: The kinds of pandoc's divs that Quarto's hold.
QUARTO_KINDS = {
    "stdout": "stdout",
    "display": "execute_result",
    "stderr": "quarto_stderr",
    "error": "quarto_error",
}

#: The kinds of div that are not compared (Quarto's are warned of by :mod:`.quarto_outputs`).
NOT_COMPARED = frozenset({"stderr", "quarto_stderr", "quarto_error"})

#: The ``:::`` that closes a div.
CLOSING = re.compile(r"^[ \t]*:{3,}[ \t]*$")

#: The ``</div>`` that closes an HTML div.
HTML_CLOSING = re.compile(r"^[ \t]*</div>[ \t]*$")

#: The kind of output div that is not compared.
STDERR = "stderr"


@dataclass(frozen=True)
class OutputDiv:
    """One output div after a block (0-based lines)."""

    kind: str
    open_line: int
    #: Its indented text, without the indentation (empty for an image).
    lines: tuple[BodyLine, ...]


def may_follow(lines: Sequence[str], fence: FenceLexeme) -> bool:
    """The cheap test, for every block: whether the first line with text after ``fence`` (a
    blank line between, as pandoc writes it) opens a fenced div."""
    assert fence.close_line is not None
    for index in range(fence.close_line + 1, min(fence.close_line + 3, len(lines))):
        text = lines[index].lstrip()
        if text:
            return text.startswith((":::", "<div"))
    return False


def output_divs(lines: Sequence[str], fence: FenceLexeme) -> list[OutputDiv]:
    """The output divs right after the closed ``fence``, one after the other, blank lines
    between them; the first other line ends them (the ``:::`` closing the cell, prose).

    >>> lexed = FenceLexeme(0, 2, "python", "", "```", 0, ())
    >>> note = ["```", "print(1)", "```", "", "::: {.output .stream .stdout}", "    1", ":::"]
    >>> output_divs(note, lexed)
    [OutputDiv(kind='stdout', open_line=4, lines=(BodyLine(line=5, prefix='    ', text='1'),))]
    """
    assert fence.close_line is not None
    found: list[OutputDiv] = []
    index = fence.close_line + 1
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        closing = CLOSING
        kind = None
        if ":::" in line:
            div = OUTPUT_DIV.match(line)
            if div is not None:
                kind = div.group("stream") or div.group("kind")
            elif ".cell-output-" in line and (div := QUARTO_OUTPUT_DIV.match(line)):
                kind = QUARTO_KINDS[div.group("quarto")]
        elif "<div" in line and (div := HTML_OUTPUT_DIV.match(line)):
            kind, closing = div.group("stream") or div.group("kind"), HTML_CLOSING
        if kind is None:
            break
        body = indented_after(list(lines), replace(fence, close_line=index))
        if not body and kind in QUARTO_KINDS.values() and not kind.startswith("quarto"):
            return []  # Quarto's output in a fence: an output fence under a label
        end = body[-1].line + 1 if body else index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1  # an image, raw HTML: not text output
        found.append(OutputDiv(kind, index, body))
        index = end + 1
    return found


def read(draft: BlockDraft, note: NoteContext) -> None:
    """The text of the output divs after the block is its output, unless something read one
    already (a marker, a ``>>>`` transcript)."""
    fence = draft.fence
    if draft.output is not None or draft.doctest or fence.close_line is None:
        return
    if not any(note.holds(trigger) for trigger in TRIGGERS) or not may_follow(note.lines, fence):
        return  # most blocks: no div after them
    divs = output_divs(note.lines, fence)
    if not divs:
        return
    note.pandoc_stderr.extend(div.open_line for div in divs if div.kind == STDERR)
    texts = [div for div in divs if div.kind not in NOT_COMPARED and div.lines]
    if not texts:
        return
    section = _section(texts, fence)
    if len(texts) > 1:
        printed_then_value = [div.kind for div in texts] == ["stdout", "execute_result"]
        section = replace(
            section,
            not_writable=_spread_over(texts, fence, printed_then_value),
            by_source=(
                (_section(texts[:1], fence), _section(texts[1:], fence))
                if printed_then_value
                else None
            ),
        )
    note.consumed.update(line.line for line in section.lines)
    draft.output = section


def _section(texts: Sequence[OutputDiv], fence: FenceLexeme) -> OutputSection:
    """The output section of the indented text of ``texts``."""
    lines = tuple(line for div in texts for line in div.lines)
    return OutputSection(KIND, lines, lines[0].line, lines[-1].line + 1, new_line_prefix(fence), "")


def _spread_over(texts: Sequence[OutputDiv], fence: FenceLexeme, by_source: bool) -> str:
    """Why update does not rewrite the output spread over ``texts``; ``by_source``: it does
    when the block prints text and shows its last line's value, as the divs say it did."""
    where = ", ".join(str(shown(div.open_line)) for div in texts)
    why = (
        "which update rewrites only when the block still prints text and then shows the "
        "value of its last line"
        if by_source
        else "which update does not rewrite"
    )
    return (
        f"the output of the block at line {shown(fence.open_line)} is spread over the output "
        f"divs at lines {where}, {why}: write the new output in them by hand (what the block "
        "printed in .stream .stdout, the value of its last line in .execute_result)"
    )


def stderr_warning(places: Sequence[int]) -> tuple[int, str] | None:
    """``(0-based line, message)``: one warning for the note's stderr divs, at the first."""
    if not places:
        return None
    what, fix = FIXES[STDERR]
    return (
        places[0],
        f"pandoc's output div .stream .stderr holds {what}, which is not compared"
        f"{and_more(len(places))}: only what a block prints to stdout and displays is; {fix}",
    )
