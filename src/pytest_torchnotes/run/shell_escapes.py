"""The lines a shell escape printed in the notebook, in the expected output of a block whose
Python prints too.

A notebook cell ``!pip install -q torchinfo`` then ``print(summary)`` shows the shell's
lines, then Python's. The run does not run the shell, so those lines are the author's and
no run makes them: compared as if Python printed them, the block fails with text drift
and update would erase them. Where the escape stands before every statement of the block,
its lines can only open the output; after every statement, only close it. There they are
set apart and not compared, and the block counts as verified loosely. An escape between
statements printed among Python's lines, where the run cannot say which are whose: the
failure says so and names the fix, a block of its own for the escape.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_torchnotes.comparison.compare import Comparator
from pytest_torchnotes.comparison.findings import Comparison
from pytest_torchnotes.markdown.magics import DROPPED, SHELL, Magic, Prepared
from pytest_torchnotes.notelines import shown


@dataclass(frozen=True)
class ShellLines:
    """Where in a block's expected output the lines of its shell escapes may stand."""

    #: The escapes before every statement, whose lines may open the output.
    first: tuple[Magic, ...]
    #: The escapes after every statement, whose lines may close it.
    last: tuple[Magic, ...]
    #: The escapes between statements.
    among: tuple[Magic, ...]


def shell_lines(code: str, prepared: Prepared | None) -> ShellLines | None:
    """Where the lines of the block's shell escapes (not run) may stand, if it has any.

    >>> from pytest_torchnotes.markdown.magics import prepare
    >>> code = "!pip list\\nprint(1)\\n!nvidia-smi\\n"
    >>> found = shell_lines(code, prepare(code))
    >>> [magic.word for magic in found.first], [magic.word for magic in found.last]
    (['!pip'], ['!nvidia-smi'])
    """
    if prepared is None:
        return None
    escapes = [magic for magic in prepared.magics if magic.kind == SHELL]
    if not escapes:
        return None
    # Lines that run no statement: blank, comments, and magics that run nothing.
    idle = {magic.offset for magic in prepared.magics if magic.kind in (SHELL, DROPPED)}
    lines = code.split("\n")
    runs = [
        index
        for index, line in enumerate(lines)
        if index not in idle and line.strip() and not line.lstrip().startswith("#")
    ]
    # An escape in a loop's or a function's body runs among its statements, where it stands.
    alone = [magic for magic in escapes if not lines[magic.offset][:1].isspace()]
    first = tuple(magic for magic in alone if not runs or magic.offset < runs[0])
    last = tuple(magic for magic in alone if runs and magic.offset > runs[-1])
    among = tuple(magic for magic in escapes if magic not in first and magic not in last)
    return ShellLines(first, last, among)


def without_shell_lines(
    comparator: Comparator, expected: str, actual: str, shell: ShellLines
) -> tuple[Comparison, int] | None:
    """The comparison of ``actual`` with ``expected`` less the lines that open it (when an
    escape stands first) and close it (when one stands last), as many as ``expected`` has
    more than ``actual``, and how many those are; ``None`` when no such lines make it
    match (Python's lines then wrap otherwise, or drifted)."""
    lines = comparator.prepare(expected).split("\n")
    left_out = len(lines) - len(comparator.prepare(actual).split("\n"))
    if left_out <= 0:
        return None
    openings = range(left_out + 1) if shell.first else range(1)
    for opening in openings:
        closing = left_out - opening
        if closing and not shell.last:
            continue
        rest = "\n".join(lines[opening : len(lines) - closing])
        comparison = comparator.compare(rest, actual)
        if comparison.matched:
            return comparison, left_out
    return None


def shell_hint(
    comparator: Comparator, expected: str, actual: str, shell: ShellLines, code_line: int
) -> str | None:
    """What a failing block with shell escapes gains when its expected output has more
    lines than the run printed: they may be what the escapes printed, which no run makes
    (and update would erase). ``None`` when it has no more lines."""
    written = len(comparator.prepare(expected).split("\n"))
    if written <= len(comparator.prepare(actual).split("\n")):
        return None
    magic = (shell.among or shell.first or shell.last)[0]
    escape = f"the {magic.describe()} (line {shown(code_line + magic.offset)})"
    return (
        f"the expected output may hold what {escape} printed in the notebook, which the run"
        " does not run: put the escape in a block of its own, with its output under it"
        " (that output is not compared), and this block's output after this block"
    )
