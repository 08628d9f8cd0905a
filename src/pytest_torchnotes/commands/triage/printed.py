"""A Python fence that holds what code printed, not code: ``tensor([2., 2.])`` under prose,
as blogs and notebook exports tag every fence ``python``. It raises when it runs (``tensor``
is not defined, ``grad_fn=<...>`` is not Python), and that is not drift: the fence is output
that nothing compares. A fence that ran and failed otherwise (``tensor(...) + tensor(...)``
after ``from torch import tensor``) is code, and left to the other causes.

What it is the output of is told by the block right before it, when that block has no output
section of its own and printed something in the run: right after that block (blank lines and
one label line between), the fence stands where its output fence would, and marking it
```` ```output ```` compares it (the run warns of it too); elsewhere the directive skips it,
and moving it right after that block as an output fence would compare it instead.
"""

from __future__ import annotations

from pytest_torchnotes.commands.triage.causes import SYNTAX, UNDEFINED_NAME
from pytest_torchnotes.commands.triage.findings import NOT_PYTHON, Finding
from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.layout import OUTPUT_LABEL
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.outputfence import follows_as_output, printed_output
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.reporting.report import BlockRecord

#: How much of the fence's first line, or of what the block before printed, is quoted.
QUOTED = 40


def printed_finding(
    path: str,
    record: BlockRecord,
    block: Block | None,
    before: tuple[Block, BlockRecord | None] | None,
    lines: list[str],
    note_format: NoteFormat,
) -> Finding | None:
    """The finding of a failing block whose code is what code printed, if it is: ``before``
    is the block right before it in the note, with its record of the run."""
    if block is None or block.doctest or block.ipython is not None:
        return None
    reason = record.reason or ""
    if record.drift != "exception" or not (UNDEFINED_NAME.search(reason) or SYNTAX.search(reason)):
        return None  # code that ran and failed otherwise is code, whatever it looks like
    first = printed_output(block.code)
    if first is None:
        return None
    seen = f"printed output, not code: `{first[:QUOTED]}`"
    printer, printed = before if before is not None else (None, None)
    actual = (printed.actual or "").strip() if printed is not None else ""
    if printer is None or printer.output is not None or not actual:
        if printer is None:
            why = "no block comes before it"
        elif printer.output is not None:
            why = "the block before it has output of its own"
        else:
            why = "the block before it printed nothing in the run"
        return Finding(
            path, record.line, NOT_PYTHON, f"{seen}, and {why}", "skip printed output, not code"
        )
    line = shown(printer.first_line)
    fence = block.fence.fence
    if Comparator(CompareOptions()).compare(block.code, actual).matched:
        seen += f" is what the block at line {line} prints"
    else:
        now = actual.splitlines()[0][:QUOTED]
        seen += f" reads as the output of the block at line {line}, which prints `{now}` now"
    directive = "skip output of the block above, not code"
    label = note_format.output_label or OUTPUT_LABEL
    if printer.fence.close_line is not None and follows_as_output(
        lines, printer.fence, block.fence, label
    ):
        return Finding(
            path,
            record.line,
            NOT_PYTHON,
            seen,
            directive,
            conflict=f"right after that block, it reads as its output: tag the fence "
            f"{fence}output to compare it as that block's output",
        )
    return Finding(
        path,
        record.line,
        NOT_PYTHON,
        seen,
        directive,
        instead=f"to compare it, put it right after the block at line {line} as an "
        f"{fence}output fence",
    )
