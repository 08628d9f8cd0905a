"""Evaluate one block: run it, check what it printed and raised, say what drifted.

The evaluator holds what every block of a note runs with (its namespace, the executor, the
comparison, update mode's :class:`~.planning.NoteSource`) and sends each block to the
evaluation of its kind: an output section (:mod:`.output`), a ``>>>`` transcript
(:mod:`.transcripts`), an IPython transcript (:mod:`.ipython`). Then the ``warns`` and
``xfail`` directives judge the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.failures import FailureContext
from pytest_torchnotes.comparison.raised import render_exception
from pytest_torchnotes.markdown.blocks import Block, SetupBlock
from pytest_torchnotes.markdown.inforce import Options
from pytest_torchnotes.markdown.magics import RUN as RUN_MAGICS
from pytest_torchnotes.notelines import location, shown
from pytest_torchnotes.run import ipython, output, transcripts
from pytest_torchnotes.run.compiling import compile_block
from pytest_torchnotes.run.errors import describe_error
from pytest_torchnotes.run.exceptions import check_warnings
from pytest_torchnotes.run.execute import Execution, Executor
from pytest_torchnotes.run.planning import NoteSource
from pytest_torchnotes.run.results import EXCEPTION, FAILED, BlockResult, from_execution
from pytest_torchnotes.run.xfail import apply_xfail


class BlockEvaluator:
    """Evaluates the blocks of one note, in its namespace."""

    def __init__(
        self,
        executor: Executor,
        namespace: dict[str, Any],
        context: FailureContext,
        comparator: Callable[[CompareOptions], Comparator],
        *,
        display: bool,
        strict_warnings: bool = False,
        magics: str = RUN_MAGICS,
        source: NoteSource | None = None,
    ) -> None:
        self.executor = executor
        self.namespace = namespace
        self.context = context
        self.comparator = comparator
        self.display = display
        self.strict_warnings = strict_warnings
        #: What blocks with IPython magics do (``torchnotes_magics``).
        self.magics = magics
        #: Set in update mode: where to write new output.
        self.source = source
        #: What the directives of the block being evaluated say about it.
        self.directives = Options()

    @property
    def writes(self) -> NoteSource | None:
        """Where the block being evaluated writes new output: :attr:`source`, but not for a
        block marked ``xfail``, whose output is not rewritten."""
        return None if self.directives.xfail is not None else self.source

    def execute(
        self, code: str, code_line: int, timeout: float | None, *, display: bool, where: str = ""
    ) -> Execution:
        """Run ``code``, whose first line is the 0-based note line ``code_line``."""
        filename = self.executor.filename
        try:
            compiled = compile_block(code, filename, code_line, display=display)
        except SyntaxError as error:
            return Execution(error=describe_error(error, filename))
        where = where or location(filename, code_line)
        return self.executor.run(
            compiled, self.namespace, timeout=timeout, label=f"line {shown(code_line)}", where=where
        )

    def setup_block(self, item: SetupBlock) -> BlockResult:
        execution = self.execute(item.code, item.code_line, None, display=False)
        result = from_execution(item, execution)
        if execution.error is None:
            return result
        result.outcome = FAILED
        result.drift = EXCEPTION
        result.summary = f"setup code raised {execution.error.describe()}"
        result.message = render_exception(result, self.context, result.summary)
        return result

    def block(
        self,
        block: Block,
        timeout: float | None,
        options: CompareOptions,
        directives: Options | None = None,
    ) -> BlockResult:
        """Evaluate ``block`` as its ``directives`` say, its time limit ``timeout`` and its
        output compared as ``options`` say."""
        self.directives = directives or Options()
        runner = transcripts.run_examples if block.doctest else output.run_block
        if block.ipython is not None:
            runner = ipython.run_transcript
        result = runner(self, block, timeout, options)
        result.comparator = self.comparator(options)
        check_warnings(
            block, self.directives.warns, result, self.context, strict=self.strict_warnings
        )
        return apply_xfail(block, self.directives.xfail, result, self.context)
