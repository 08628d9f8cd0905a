"""What every block of a note is evaluated with: its namespace, the executor, the
comparison, update mode's :class:`~.planning.NoteSource`, and the directives of the block
being evaluated.

The evaluator of each kind of block (:mod:`.kinds`) runs its block with it: an output
section (:mod:`.output`), a ``>>>`` transcript (:mod:`.transcripts`), an IPython transcript
(:mod:`.ipython`), a setup comment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.failures import FailureContext
from pytest_torchnotes.markdown.inforce import Options
from pytest_torchnotes.markdown.magics import RUN as RUN_MAGICS
from pytest_torchnotes.notelines import location, shown
from pytest_torchnotes.run.codecache import NoteCode, every_warning_shown
from pytest_torchnotes.run.compiling import compile_block
from pytest_torchnotes.run.errors import WarningInfo, describe_error
from pytest_torchnotes.run.execute import Execution, Executor
from pytest_torchnotes.run.planning import NoteSource
from pytest_torchnotes.run.xdoctest import DOCTEST_RULES


class BlockEvaluator:
    """What the blocks of one note are evaluated with, in its namespace."""

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
        transcripts: str = DOCTEST_RULES,
        source: NoteSource | None = None,
        kept: NoteCode | None = None,
    ) -> None:
        self.executor = executor
        #: The code of the note's blocks kept by an earlier run, and kept for the next.
        self.kept = kept
        self.namespace = namespace
        self.context = context
        self.comparator = comparator
        self.display = display
        self.strict_warnings = strict_warnings
        #: What blocks with IPython magics do (``torchnotes_magics``).
        self.magics = magics
        #: How ``>>>`` transcripts are checked (``torchnotes_transcripts``).
        self.transcripts = transcripts
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
        kept = None if self.kept is None else self.kept.get((code, code_line, display))
        warned: list[WarningInfo] = []
        if kept is not None:
            compiled = kept
        else:
            with self.executor.compiling() as warned:
                try:
                    compiled = compile_block(code, filename, code_line, display=display)
                except SyntaxError as error:
                    return Execution(error=describe_error(error, filename), warnings=warned)
                if (
                    self.kept is not None
                    and not warned
                    and every_warning_shown(self.executor.record_warning)
                ):  # it gave no warning, and never will: it may be kept
                    self.kept.add((code, code_line, display), compiled)
        where = where or location(filename, code_line)
        execution = self.executor.run(
            compiled, self.namespace, timeout=timeout, label=f"line {shown(code_line)}", where=where
        )
        execution.warnings[:0] = warned
        return execution
