"""The evaluator of each kind of region a note's blocks make, as Sybil's parsers give them.

The parser of a kind of region (:mod:`pytest_torchnotes.markdown.regions`) gives each of its
regions the evaluator of that kind: :data:`OUTPUT_BLOCK` for a block with an output section
(or none), :data:`TRANSCRIPT` for a ``>>>`` transcript, :data:`IPYTHON` for an IPython
transcript, :data:`SETUP` for a setup comment. Evaluating an example asks the note's run
(:class:`~pytest_torchnotes.run.noterun.NoteRun`, pushed onto the document while the note
runs) for what every block shares: the directives applied to it, whether it runs at all
(setup failed, ``skip``, ``requires``), its time limit and comparison, the executor and
namespace (:class:`~pytest_torchnotes.run.evaluate.BlockEvaluator`). The kind does its
own work with them (:meth:`Kind.run`). Outside a run an example only says that it is
evaluated while its note runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sybil import Example

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.comparison.raised import render_exception
from pytest_torchnotes.markdown.blocks import Block, SetupBlock
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run import groups, ipython, output, transcripts
from pytest_torchnotes.run.exceptions import check_warnings
from pytest_torchnotes.run.execute import Execution
from pytest_torchnotes.run.noterun import NoteRun, running
from pytest_torchnotes.run.results import EXCEPTION, FAILED, BlockResult, from_execution
from pytest_torchnotes.run.xfail import apply_xfail

if TYPE_CHECKING:
    from pytest_torchnotes.markdown.inforce import Options
    from pytest_torchnotes.run.evaluate import BlockEvaluator

#: How a kind of block runs once its time limit and comparison are known.
BlockRun = Callable[["BlockEvaluator", Block, "float | None", CompareOptions], BlockResult]


class Kind:
    """A Sybil evaluator for the regions of one kind: the note's run gives what every block
    shares, :meth:`run` does the kind's own work."""

    #: What the kind is called in messages: ``a >>> transcript``.
    name = "a block"

    def __call__(self, example: Example) -> str | None:
        run = running(example.document)
        if run is None:
            return f"{example.path}:{example.line}: the block is evaluated only while its note runs"
        return run.answer(example, self)

    def __repr__(self) -> str:
        return f"<torchnotes evaluator of {self.name}>"

    def run(self, run: NoteRun, item: Block | SetupBlock, options: Options) -> BlockResult:
        raise NotImplementedError


class BlockKind(Kind):
    """A Python block: run as its kind says, then judged by its ``warns`` and ``xfail``."""

    def __init__(self, name: str, block_run: BlockRun) -> None:
        self.name = name
        self.block_run = block_run

    def run(self, run: NoteRun, item: Block | SetupBlock, options: Options) -> BlockResult:
        assert isinstance(item, Block), item
        evaluator = run.block_evaluator(options)
        compare = run.compare(options, item)
        timeout = run.timeout(options)
        if item.sphinx is None and run.groups is None:  # every note but Sphinx's pages
            result = self.block_run(evaluator, item, timeout, compare)
        else:
            result = _in_groups(
                run, evaluator, item, lambda: self.block_run(evaluator, item, timeout, compare)
            )
        result.comparator = evaluator.comparator(compare)
        check_warnings(
            item, options.warns, result, evaluator.context, strict=evaluator.strict_warnings
        )
        return apply_xfail(item, options.xfail, result, evaluator.context)


def _in_groups(
    run: NoteRun, evaluator: BlockEvaluator, item: Block, block_run: Callable[[], BlockResult]
) -> BlockResult:
    """Run ``item`` in the groups of Sphinx's doctest it names (:mod:`.groups`): the first
    result that failed, else the last; a setup or cleanup run around it that raised fails
    it, named."""

    def run_code(code: str, line: int) -> Execution:
        return evaluator.execute(code, line, None, display=False)

    run.groups, results, errors = groups.in_groups(
        run.groups, evaluator.namespace, item, block_run, run_code
    )
    if not results:  # a testcleanup that runs after the last test of its group
        after = item.sphinx.after if item.sphinx is not None else None
        result = from_execution(item, Execution())
        result.reason = (
            f"runs after line {shown(after or 0)}, the last test of its group, as "
            "Sphinx's doctest runs it"
        )
        return result
    result = next((result for result in results if result.outcome == FAILED), results[-1])
    if errors and result.outcome != FAILED:
        result.outcome = FAILED
        result.drift = EXCEPTION
        result.summary = errors[0]
        result.message = render_exception(result, evaluator.context, "; ".join(errors))
    return result


class SetupKind(Kind):
    """A setup comment: its code runs, nothing is compared; raising fails it."""

    name = "a setup comment"

    def run(self, run: NoteRun, item: Block | SetupBlock, options: Options) -> BlockResult:
        assert isinstance(item, SetupBlock), item
        evaluator = run.block_evaluator(options)
        execution = evaluator.execute(item.code, item.code_line, None, display=False)
        result = from_execution(item, execution)
        if execution.error is None:
            return result
        result.outcome = FAILED
        result.drift = EXCEPTION
        result.summary = f"setup code raised {execution.error.describe()}"
        result.message = render_exception(result, evaluator.context, result.summary)
        return result


#: A block whose expected output is a section of its own (marker, fence, indented text,
#: comments, an ``output`` directive), or that has none: :mod:`.output`.
OUTPUT_BLOCK = BlockKind("a block", output.run_block)
#: A ``>>>`` transcript, example by example: :mod:`.transcripts`.
TRANSCRIPT = BlockKind("a >>> transcript", transcripts.run_examples)
#: An IPython ``In [n]:`` transcript, cell by cell: :mod:`.ipython`.
IPYTHON = BlockKind("an IPython transcript", ipython.run_transcript)
#: Setup code from a ``<!-- torchnotes: setup ... -->`` comment.
SETUP = SetupKind()
