"""Writing a prompt's new output in IPython's form, so that the next run reads it back.

IPython shows what a cell printed, then ``Out[n]:`` and the ``repr`` of the value of its
last expression, on the same line, or on the lines below when the value spans several. A
blank line ends a prompt's output, so a blank line of output is written ``<BLANKLINE>``, as
in a ``>>>`` transcript (but for one inside brackets the output still has open, written
blank as torch prints it); output that would read as a prompt or a traceback is not written.

Of a prompt that raises another exception than its traceback shows, only the exception's
lines are rewritten, as doctest compares them (the type without its module, then the
message); the ``Traceback (most recent call last):`` line and the frames stay as written.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.markdown.bracketed import blanks_kept
from pytest_torchnotes.markdown.ipython import (
    BLANKLINE,
    CONTINUATION,
    IN_PROMPT,
    OUT_PROMPT,
    Cell,
    is_continuation,
    is_in_prompt,
    strip_blank_end,
)
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.run.execute import Execution
from pytest_torchnotes.update.refusals import IPYTHON_FIX, with_fix
from pytest_torchnotes.update.rewrite import RewriteError


def split_display(execution: Execution) -> tuple[str, str | None] | None:
    """What a cell printed, and the value it displayed; ``None`` when output came after the
    value (a thread printing), so that the two cannot be told apart."""
    displayed = execution.displayed
    if displayed is None:
        return execution.stdout, None
    tail = displayed + "\n"
    if not execution.stdout.endswith(tail):
        return None
    return execution.stdout[: -len(tail)], displayed


def ipython_output(printed: str, displayed: str | None, number: str) -> str:
    """A prompt's output as IPython shows it.

    >>> ipython_output("a\\n", "tensor(2.)", "3")
    'a\\nOut[3]: tensor(2.)\\n'
    >>> ipython_output("", "tensor([[0.],\\n        [0.]])", "4")
    'Out[4]:\\ntensor([[0.],\\n        [0.]])\\n'
    """
    if displayed is None:
        return printed
    if printed and not printed.endswith("\n"):
        printed += "\n"
    separator = "\n" if "\n" in displayed else " "
    return f"{printed}Out[{number}]:{separator}{displayed}\n"


def want_reason(lines: Sequence[str], displayed: bool) -> str | None:
    """Why ``lines`` cannot be written as a prompt's output, if so.

    >>> want_reason(["In [2]: x"], False)
    "a line of the output ('In [2]: x') reads as an In [n]: prompt"
    >>> want_reason(["ok", "Out[1]: 2"], True) is None
    True
    """
    outs = 0
    for number, line in enumerate(lines):
        if IN_PROMPT.match(line):
            return f"a line of the output ({line!r}) reads as an In [n]: prompt"
        if number == 0 and CONTINUATION.match(line):
            return f"the first line of the output ({line!r}) reads as code of the prompt"
        if line.lstrip().startswith(">>>"):
            return f"a line of the output ({line!r}) reads as a >>> prompt"
        if BLANKLINE in line:
            return f"a line of the output ({line!r}) holds {BLANKLINE}, which reads as a blank line"
        outs += OUT_PROMPT.match(line) is not None
    if outs > int(displayed):
        return "a printed line reads as an Out[n]: prompt"
    return None


def as_ipython_want(lines: list[str], displayed: bool) -> list[str]:
    """Lines of a prompt's output: a blank line is ``<BLANKLINE>``, but for one inside
    brackets the output still has open (:mod:`~pytest_torchnotes.markdown.bracketed`);
    raise :class:`RewriteError` for output that would read as something else, saying what
    to do about it."""
    reason = want_reason(lines, displayed)
    if reason is not None:
        raise RewriteError(with_fix(reason, IPYTHON_FIX))
    kept = blanks_kept(lines, "In [1]: _", is_in_prompt, is_continuation)
    return [line if line.strip() or n in kept else BLANKLINE for n, line in enumerate(lines)]


def exception_lines(cell: Cell) -> tuple[BodyLine, ...]:
    """The lines of ``cell``'s traceback that name its exception (what ``exc_msg`` reads),
    without the blank lines after them: the lines update rewrites when it raises another."""
    if cell.exc_msg is None:
        return ()
    lines = strip_blank_end(list(cell.traceback))
    return tuple(lines[len(lines) - cell.exc_msg.count("\n") :])
