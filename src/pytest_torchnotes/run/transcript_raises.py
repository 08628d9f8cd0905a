"""Plan, in update mode, the edit that writes the exception a ``>>>`` example now raises over
the one its traceback names.

The lines rewritten are those doctest reads as the exception (its ``exc_msg``: from the
first line after the frames that starts with a letter, digit or ``_``, to the end of the
output); the ``Traceback (most recent call last):`` line and the frames stay as written.
"""

from __future__ import annotations

import doctest
from collections.abc import Callable

from pytest_torchnotes.comparison.compare import Comparator
from pytest_torchnotes.comparison.tracebacks import raised_exception
from pytest_torchnotes.markdown.blocks import Block, OutputSection
from pytest_torchnotes.run.errors import ErrorInfo
from pytest_torchnotes.run.planning import NoteSource, plan
from pytest_torchnotes.run.results import BlockResult
from pytest_torchnotes.update.refusals import TRANSCRIPT_FIX, with_fix
from pytest_torchnotes.update.rewrite import Edit
from pytest_torchnotes.update.wants import reread


def plan_raised(
    source: NoteSource | None,
    result: BlockResult,
    block: Block,
    examples: list[doctest.Example],
    index: int,
    error: ErrorInfo,
    comparator: Comparator,
    passes: Callable[[doctest.Example], bool],
) -> None:
    """Plan the edit that writes ``error`` as the exception of example ``index`` of the
    ``>>>`` transcript ``block``; ``passes`` says whether the example read back from the
    edited transcript passes."""
    example = examples[index]
    assert example.exc_msg is not None
    body = block.fence.body
    end = example.lineno + example.source.count("\n") + example.want.count("\n")
    start = end - example.exc_msg.count("\n")
    lines = tuple(body[start:end])
    prefix = body[example.lineno].prefix + " " * example.indent
    section = OutputSection(
        "transcript", lines, lines[0].line, lines[-1].line + 1, prefix, block.fence.fence
    )

    def verify(edit: Edit) -> str | None:
        assert source is not None
        kept = {source.raw_lines[line.line]: line.text for line in lines}
        new = [kept.get(raw, raw.removesuffix("\r")[len(prefix) :]) for raw in edit.lines]
        code = [line.text for line in body[:start]] + new + [line.text for line in body[end:]]
        reason = reread(code, index, examples, passes, raises=True)
        return None if reason is None else with_fix(reason, TRANSCRIPT_FIX)

    plan(
        source,
        result,
        section,
        raised_exception(error.type_name, error.message),
        comparator,
        block.code_line + example.lineno,
        verify=verify,
    )
