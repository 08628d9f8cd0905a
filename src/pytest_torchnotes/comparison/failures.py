"""Failure messages that point into the note: ``note.md:LINE``, a diff, the kind of drift,
the numbers that moved, the torch version, and the flag that accepts the new output."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_torchnotes.comparison import visible
from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.comparison.normalize import (
    apply_carriage_returns,
    drop_blank_lines,
    normalize,
    strip_ansi,
    strip_blank_edges,
    strip_trailing_whitespace,
    unify_newlines,
)
from pytest_torchnotes.comparison.unified import unified_diff
from pytest_torchnotes.markdown.blocks import Block, OutputSection, SetupBlock
from pytest_torchnotes.markdown.marker import OUTPUT_MARKER, unmatched_marker
from pytest_torchnotes.notelines import location, shown
from pytest_torchnotes.run.results import (
    EXCEPTION,
    FORMAT,
    MISSING_MODULE,
    TEXT,
    TIMEOUT,
    VALUE,
    WARNING,
    BlockResult,
)
from pytest_torchnotes.update.refusals import NUL_IN_OUTPUT, check_raw_output
from pytest_torchnotes.words import plural

#: Flag that rewrites expected output with what the blocks print now.
UPDATE_FLAG = "--torchnotes-update"

#: Longest diff shown, in lines; the rest is counted.
MAX_DIFF_LINES = 120

#: Longest stdout/stderr excerpt shown with an exception.
MAX_EXCERPT_LINES = 20

#: Longest line shown in a message, in characters; the rest of the line is counted.
MAX_LINE_CHARS = 500

#: How the diff shows texts: what a terminal would show, without invisible differences.
DISPLAY_STEPS = (
    unify_newlines,
    apply_carriage_returns,
    strip_ansi,
    strip_trailing_whitespace,
    strip_blank_edges,
)

DRIFT_EXPLANATION = {
    VALUE: "value drift: the same text now holds other numbers",
    FORMAT: "format-only drift: same text and numbers, other formatting "
    "(compare numeric would accept it)",
    TEXT: "text drift: the output says something else",
    EXCEPTION: "exception drift",
    MISSING_MODULE: "missing module",
    TIMEOUT: "timeout",
    WARNING: "warning drift",
}


@dataclass(frozen=True)
class FailureContext:
    """What a message needs beyond the result: where the note is and what runs it."""

    path: str
    torch_version: str
    #: The session rewrites drifted output (``--torchnotes-update``).
    update: bool = False
    #: The output marker configured (``torchnotes_marker``).
    marker: re.Pattern[str] = OUTPUT_MARKER


def cut_line(line: str, limit: int = MAX_LINE_CHARS) -> str:
    """``line``, cut after ``limit`` characters, saying how many were left out.

    >>> cut_line("x" * 12, 5)
    'xxxxx ... 7 more characters on this line'
    """
    if len(line) <= limit:
        return line
    return f"{line[:limit]} ... {len(line) - limit:,} more characters on this line"


def cut_lines(lines: list[str]) -> list[str]:
    return [cut_line(line) for line in lines]


def where(context: FailureContext, item: Block | SetupBlock) -> str:
    """``notes/x.md:42: block 3 ('Autograd')``."""
    return f"{location(context.path, item.first_line)}: {item.describe()}"


def output_diff(expected: str, actual: str, context: FailureContext, first_line: int) -> list[str]:
    """A unified diff of the two outputs as a terminal shows them; the expected output
    starts at the 0-based note line ``first_line``."""
    want_text = normalize(expected, DISPLAY_STEPS)
    got_text = normalize(actual, DISPLAY_STEPS)
    tabs = visible.only_blanks_differ(want_text, got_text)
    want = [visible.show(line, tabs=tabs) for line in want_text.split("\n")]
    got = [visible.show(line, tabs=tabs) for line in got_text.split("\n")]
    lines = unified_diff(
        want,
        got,
        names=(
            f"expected ({location(context.path, first_line)})",
            f"actual (torch {context.torch_version})",
        ),
        limit=MAX_DIFF_LINES,
        hidden="more diff line",
    )
    return [*(f"  {note}" for note in visible.notes(want_text, got_text)), *cut_lines(lines)]


#: Colours of the lines of a unified diff, by their first character, for terminals that
#: show colours (pytest's ``--color``).
DIFF_MARKUP = {"-": {"red": True}, "+": {"green": True}, "@": {"cyan": True}}


def diff_markup(lines: list[str]) -> list[dict[str, bool]]:
    """The terminal markup of each line of a failure message: the lines of its unified
    diffs are coloured, from a ``--- `` header to the first line that is not part of it.

    >>> diff_markup(["x: drift", "--- a", "+++ b", "@@ -1 +1 @@", "-1", "+2", " 3", "On torch"])
    [{}, {'red': True}, {'green': True}, {'cyan': True}, {'red': True}, {'green': True}, {}, {}]
    """
    markup: list[dict[str, bool]] = []
    in_diff = False
    for index, line in enumerate(lines):
        if line.startswith("--- ") and index + 1 < len(lines) and lines[index + 1][:4] == "+++ ":
            in_diff = True
        elif in_diff and not line.startswith(("-", "+", " ", "@@")):
            in_diff = False  # ``... N more diff lines`` ends a diff too
        markup.append(DIFF_MARKUP.get(line[:1], {}) if in_diff else {})
    return markup


def excerpt(title: str, text: str) -> list[str]:
    lines = normalize(text, DISPLAY_STEPS).split("\n")
    if not text.strip():
        return []
    if len(lines) > MAX_EXCERPT_LINES:
        lines = [
            *lines[:MAX_EXCERPT_LINES],
            f"... {plural(len(lines) - MAX_EXCERPT_LINES, 'more line')}",
        ]
    return [f"{title}:", *("    " + cut_line(line) for line in lines)]


def render_output_failure(
    result: BlockResult,
    context: FailureContext,
    output: OutputSection,
    variant: str | None,
    compare: CompareOptions | None = None,
) -> str:
    """The message for a block whose printed output no longer matches ``output``, the
    section compared (the output for ``variant`` versions, when it is not the visible one);
    ``compare`` is what the block's ``compare`` directive says, if it has one."""
    block = result.item
    comparison = result.comparison
    drift = result.drift or TEXT
    lines = [f"{where(context, block)}: {DRIFT_EXPLANATION.get(drift, drift)}"]
    if variant is not None:
        lines.append(f"  compared with the output written for {variant}")
    expected_start = output.first_text_line
    if comparison is not None:
        lines.extend(
            f"  {location(context.path, output.note_line(difference.line))}: "
            f"{difference.describe()}"
            for difference in comparison.numbers[:10]
        )
        if len(comparison.numbers) > 10:
            lines.append(f"  ... and {plural(len(comparison.numbers) - 10, 'more number')}")
    if not output.text.strip() and output.kind == "indented":
        lines.append("  no indented output after the block: it is expected to print nothing")
    elif not output.text.strip():
        lines.append("  the output section is empty")
    elif _elided(output.text, result.actual, compare):
        lines.append(
            "  a line `...` of the expected output is compared as text: to let it stand for"
            f" any lines, put {ELLIPSIS_DIRECTIVE} above the block"
        )
    expected, actual = output.text, result.actual
    if not output.blank_lines_compared:  # neither are they shown
        expected, actual = drop_blank_lines(expected), drop_blank_lines(actual)
    lines.extend(output_diff(expected, actual, context, expected_start))
    lines.extend(_warnings(result))
    lines.append(closing_line(context, result.actual))
    return "\n".join(lines)


#: The directive that lets ``...`` in expected output match anything.
ELLIPSIS_DIRECTIVE = "<!-- torchnotes: compare ellipsis -->"


def _elided(expected: str, actual: str, compare: CompareOptions | None) -> bool:
    """Whether the expected output cuts lines short with a ``...`` line (as notes do with
    long output) that the block did not print, and its ``compare`` directive does not say
    ``ellipsis``."""
    if compare is not None and compare.mode == "ellipsis":
        return False
    elided = {"...", "…"}
    return any(line.strip() in elided for line in expected.splitlines()) and not any(
        line.strip() in elided for line in actual.splitlines()
    )


def closing_line(context: FailureContext, actual: str = "") -> str:
    """``On torch X.`` and, outside update mode, how to accept the new output ``actual``,
    or why ``--torchnotes-update`` would not write it."""
    if context.update:
        return f"On torch {context.torch_version}."
    refused = NUL_IN_OUTPUT if "\x00" in actual else check_raw_output(actual)
    if refused is not None:
        return f"On torch {context.torch_version}. {UPDATE_FLAG} would not write it: {refused}"
    return (
        f"On torch {context.torch_version}. If the new output is right, accept it: "
        f"pytest {context.path} {UPDATE_FLAG}"
    )


#: Names a notebook defines that plain Python does not, with what a note can use instead.
NOTEBOOK_NAMES = {
    "name 'display' is not defined": (
        "display() is IPython's: a note runs as plain Python; print(x), or x as the block's"
        " last line, shows it (from IPython.display import display, where IPython is installed)"
    ),
    "name 'get_ipython' is not defined": (
        "get_ipython() exists only in IPython: a note runs as plain Python"
        " (mark the block <!-- torchnotes: skip needs IPython -->)"
    ),
    **{
        f"name {name!r} is not defined": (
            "import it in the note, or set torchnotes_setup (--torchnotes-setup) to the"
            " imports the notes take as done (PyTorch's docstring examples take `import"
            " torch`, `from torch import nn` and `import torch.nn.functional as F`)"
        )
        for name in ("torch", "nn", "F")
    },
}


def _shows_exception(block: Block | SetupBlock, type_name: str) -> bool:
    """Whether the block's expected output ends in the exception it raised, as a notebook
    export writes a cell's traceback among its outputs."""
    output = getattr(block, "output", None)
    if output is None or not type_name:
        return False
    name = type_name.rpartition(".")[2]
    return any(
        line.strip().startswith((f"{name}:", f"{type_name}:")) or line.strip() == name
        for line in output.text.splitlines()
    )


def _marker_hint(item: Block | SetupBlock, marker: re.Pattern[str]) -> list[str]:
    """A line of the block's code that looks like an output marker the configured marker does
    not match: the likely cause of its ``SyntaxError``."""
    position = unmatched_marker(item.code, marker)
    if position is None:
        return []
    text = item.code.split("\n")[position].strip()
    return [
        f"  line {shown(item.code_line + position)} looks like an output marker: {text!r},"
        " but the configured marker does not match it: set torchnotes_marker"
        " (--torchnotes-marker) to a pattern that does"
    ]


def render_exception(result: BlockResult, context: FailureContext, headline: str) -> str:
    """The message for a block that raised (or did not raise) unexpectedly."""
    lines = [cut_line(f"{where(context, result.item)}: {headline}")]
    error = result.error
    if error is not None and _shows_exception(result.item, error.type_name):
        lines.append(
            f"  the expected output shows this {error.type_name}, but a traceback is not output:"
            f" put <!-- torchnotes: raises {error.type_name} --> above the block and take the"
            " traceback out of its output (--torchnotes-update does)"
        )
    if error is not None and error.type_name == "NameError" and error.message in NOTEBOOK_NAMES:
        lines.append(f"  {NOTEBOOK_NAMES[error.message]}")
    if error is not None and error.type_name == "SyntaxError":
        lines.extend(_marker_hint(result.item, context.marker))
    if error is not None and error.hint:
        lines.append(f"  {error.hint}")
    if error is not None and error.traceback:
        lines.extend(cut_lines(error.traceback.rstrip("\n").split("\n")))
    lines.extend(excerpt("stdout before the error", result.actual))
    lines.extend(excerpt("stderr", result.stderr))
    lines.extend(_warnings(result))
    lines.append(f"On torch {context.torch_version}.")
    return "\n".join(lines)


def _warnings(result: BlockResult) -> list[str]:
    if not result.warnings:
        return []
    return ["warnings:", *(f"    {warning.describe()}" for warning in result.warnings)]


def render_warning_failure(
    result: BlockResult, context: FailureContext, unexpected: list[str], missing: list[str]
) -> str:
    """The message for a block whose warnings are not the ones its directives declare."""
    lines = [f"{where(context, result.item)}: warning drift"]
    lines.extend(f"  new warning: {text}" for text in unexpected)
    lines.extend(f"  declared but not raised: {text}" for text in missing)
    lines.append(
        f"On torch {context.torch_version}. Declare an expected warning before the block with "
        "<!-- torchnotes: warns CATEGORY: MESSAGE -->, or remove one that is gone."
    )
    return "\n".join(lines)
