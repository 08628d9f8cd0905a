"""How output is shown in a failure message: a diff of the two outputs as a terminal shows
them, its colours, excerpts of what a block printed, lines cut short."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_torchnotes.comparison import visible
from pytest_torchnotes.comparison.normalize import (
    normalize,
    strip_ansi,
    strip_blank_edges,
    strip_trailing_whitespace,
    unify_newlines,
)
from pytest_torchnotes.comparison.terminal import as_terminal_shows
from pytest_torchnotes.comparison.unified import unified_diff
from pytest_torchnotes.notelines import location
from pytest_torchnotes.words import plural

if TYPE_CHECKING:
    from pytest_torchnotes.comparison.failures import FailureContext

#: Longest diff shown, in lines; the rest is counted.
MAX_DIFF_LINES = 120

#: Longest stdout/stderr excerpt shown with an exception.
MAX_EXCERPT_LINES = 20

#: Longest line shown in a message, in characters; the rest of the line is counted.
MAX_LINE_CHARS = 500

#: How the diff shows texts: what a terminal would show, without invisible differences.
DISPLAY_STEPS = (
    unify_newlines,
    as_terminal_shows,
    strip_ansi,
    strip_trailing_whitespace,
    strip_blank_edges,
)


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
    # A control character a terminal acts on (ESC c clears it) is written as <U+001B>.
    return [f"{title}:", *("    " + cut_line(visible.show(line)) for line in lines)]
