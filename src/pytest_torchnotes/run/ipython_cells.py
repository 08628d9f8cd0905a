"""One cell of an IPython transcript: how it runs with its magics, and how it is checked."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown.ipython import BLANKLINE, Cell
from pytest_torchnotes.markdown.magics import TIMING_LINE, prepare
from pytest_torchnotes.run.examples import OUTPUT_DIFFERS, check_example
from pytest_torchnotes.run.execute import Execution

if TYPE_CHECKING:
    from pytest_torchnotes.run.evaluate import BlockEvaluator


def with_magics(cell: Cell) -> tuple[Cell, bool]:
    """The cell as it runs, and whether its value is displayed: a cell with IPython magics
    (``In [4]: %timeit f(x)``) runs as a block with them does (docs/magics.md), and the
    timing lines IPython printed are not compared. A magic that cannot run (``%run``), or
    any magic where ``torchnotes_magics`` is not ``run``, is left in, and the cell fails
    with its syntax error."""
    prepared = prepare(cell.source)
    if prepared is None or prepared.not_run is not None:
        return cell, True
    want = cell.want
    if prepared.timed:
        want = "\n".join(line for line in want.split("\n") if not TIMING_LINE.match(line))
    return dataclasses.replace(cell, source=prepared.code, want=want), prepared.display


def check_cell(
    evaluator: BlockEvaluator, cell: Cell, execution: Execution, options: CompareOptions
) -> str | None:
    """How the cell failed, if it did: as a ``>>>`` example is checked, and for a cell that
    raises, what it printed before the traceback is compared too."""
    failure = check_example(evaluator.comparator, cell.example(), execution, options)
    if failure is not None or cell.exc_msg is None:
        return failure
    comparison = evaluator.comparator(options).compare(
        cell.want.replace(BLANKLINE, ""), execution.stdout
    )
    return None if comparison.matched else OUTPUT_DIFFERS
