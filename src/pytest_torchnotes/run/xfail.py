"""The ``xfail`` directive: the block must fail, and a pass is reported as a failure."""

from __future__ import annotations

from pytest_torchnotes.comparison.failures import FailureContext
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.notelines import location
from pytest_torchnotes.run.results import FAILED, SKIPPED, XFAILED, BlockResult


def apply_xfail(
    block: Block, xfail: str | None, result: BlockResult, context: FailureContext
) -> BlockResult:
    """``result`` as the block's ``xfail`` directive (its reason) judges it: strictly, a
    failure expected and a pass not."""
    if xfail is None or result.outcome == SKIPPED:  # not run: neither failed nor passed
        return result
    if result.outcome == FAILED:
        result.outcome = XFAILED
        result.reason = xfail
        return result
    result.outcome = FAILED
    result.summary = f"marked xfail ({xfail}) but passed"
    result.message = (
        f"{location(context.path, block.first_line)}: {block.describe()}: marked "
        f"<!-- torchnotes: xfail {xfail} --> but it passed; remove the directive"
    )
    return result
