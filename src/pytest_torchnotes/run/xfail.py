"""The ``xfail`` directive: the block must fail, and a pass is reported as a failure."""

from __future__ import annotations

from pytest_torchnotes.comparison.failures import FailureContext
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.run.results import FAILED, SKIPPED, XFAILED, BlockResult


def apply_xfail(block: Block, result: BlockResult, context: FailureContext) -> BlockResult:
    """``result`` as ``xfail`` judges it: strictly, a failure expected and a pass not."""
    if block.xfail is None or result.outcome == SKIPPED:  # not run: neither failed nor passed
        return result
    if result.outcome == FAILED:
        result.outcome = XFAILED
        result.reason = block.xfail
        return result
    result.outcome = FAILED
    result.summary = f"marked xfail ({block.xfail}) but passed"
    result.message = (
        f"{context.path}:{block.line}: {block.describe()}: marked "
        f"<!-- torchnotes: xfail {block.xfail} --> but it passed; remove the directive"
    )
    return result
