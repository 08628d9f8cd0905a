"""Check a block whose expected output is a traceback: it must raise that exception, after
printing what stands before the traceback."""

from __future__ import annotations

from pytest_torchnotes.comparison.compare import Comparator
from pytest_torchnotes.comparison.display import cut_line, output_diff
from pytest_torchnotes.comparison.failures import (
    DRIFT_EXPLANATION,
    FailureContext,
    closing_line,
    where,
)
from pytest_torchnotes.comparison.raised import render_exception
from pytest_torchnotes.comparison.tracebacks import ExpectedRaise, as_traceback
from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.notelines import location
from pytest_torchnotes.run.errors import OWN_FAILURES, ErrorInfo
from pytest_torchnotes.run.results import (
    COMPARED,
    COMPARISON_DRIFT,
    EXCEPTION,
    FAILED,
    TEXT,
    BlockResult,
)

#: Failures that are not the block's exception (``os._exit`` is caught, not raised).
NOT_RAISED = OWN_FAILURES | {"os._exit"}


def raised_another(exc_msg: str | None, error: ErrorInfo | None) -> bool:
    """Whether an example whose traceback names ``exc_msg`` (``None``: it shows none) raised
    an exception of its own, which update may write over it: not a timeout or an
    interruption, which say nothing of the exception."""
    return exc_msg is not None and error is not None and error.type_name not in NOT_RAISED


def compares_with(expected: ExpectedRaise, error: ErrorInfo | None) -> bool:
    """Whether the traceback is what the block's run is judged by: not when the run timed
    out, was interrupted, or misses a module that the traceback does not name."""
    if error is None:
        return True
    if error.type_name in NOT_RAISED:
        return False
    missing = "ModuleNotFoundError" in error.names
    return not missing or expected.type_name.split(".")[-1] == "ModuleNotFoundError"


def check_traceback(
    result: BlockResult,
    expected: ExpectedRaise,
    output: OutputSection,
    comparator: Comparator,
    context: FailureContext,
) -> str | None:
    """Judge ``result`` (what the block printed and raised) by the traceback ``expected``
    in ``output``. Returns what update writes in the section when the block failed by
    what the section says, else ``None``."""
    error, printed = result.error, result.actual
    traceback_line = output.lines[expected.header].line
    if error is None:
        headline = (
            f"expected to raise {expected.describe()} (the traceback at "
            f"{location(context.path, traceback_line)}), but the block finished without raising"
        )
        result.outcome, result.drift, result.drift_in_output = FAILED, EXCEPTION, True
        result.summary = cut_line(headline)
        message = render_exception(result, context, f"{headline} ({EXCEPTION})")
        result.message = message.rpartition("\n")[0] + "\n" + closing_line(context)
        return printed
    result.actual = as_traceback(printed, error.type_name, error.message)
    same_type = expected.type_name == error.type_name
    raised = same_type and comparator.compare(expected.message, error.message).matched
    comparison = comparator.compare(expected.printed, printed)
    result.comparison = comparison
    if comparison.drift is not None:
        result.drift = COMPARISON_DRIFT[comparison.drift]
    if raised and comparison.matched:
        result.checked = COMPARED
        return None
    result.outcome = FAILED
    lines = []
    if raised:
        result.drift = result.drift or TEXT
        result.summary = f"{result.drift} drift in the output before the traceback"
        lines.append(f"{where(context, result.item)}: {DRIFT_EXPLANATION[result.drift]}")
    else:
        result.drift, result.drift_in_output = EXCEPTION, True
        result.summary = cut_line(
            f"exception drift: expected {expected.describe()}, got {error.describe()}"
        )
        lines.append(cut_line(f"{where(context, result.item)}: {result.summary}"))
        if not same_type and expected.type_name.split(".")[-1] == error.type_name.split(".")[-1]:
            lines.append(
                f"  the type is compared as Python writes it: {error.type_name}, "
                f"not {expected.type_name}"
            )
    written = as_traceback(expected.printed, expected.type_name, expected.message)
    lines.extend(output_diff(written, result.actual, context, output.first_text_line))
    lines.append(closing_line(context))
    result.message = "\n".join(lines)
    return result.actual
