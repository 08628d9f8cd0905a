"""What a block raised and warned, judged: the ``raises`` and ``warns`` directives, and the
failure of a block that raised what it should not have."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pytest_torchnotes.comparison.display import cut_line
from pytest_torchnotes.comparison.failures import FailureContext, render_warning_failure
from pytest_torchnotes.comparison.raised import render_exception
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.directives import Raises, Warns
from pytest_torchnotes.run.errors import OWN_FAILURES, ErrorInfo, WarningInfo
from pytest_torchnotes.run.packagenames import module_named_by
from pytest_torchnotes.run.results import (
    EXCEPTION,
    FAILED,
    MISSING_MODULE,
    PASSED,
    TIMEOUT,
    WARNING,
    BlockResult,
)

#: The module a ``ModuleNotFoundError`` names: ``No module named 'torchvision.ops'``.
MISSING_MODULE_NAME = re.compile(r"'([\w.]+)'")


def raises_mismatch(expected: Raises, error: ErrorInfo | None) -> str | None:
    """How what the block raised differs from its ``raises`` directive, if it does."""
    if error is None:
        return f"expected {expected.describe()}, but the block finished without raising"
    if _raises_matches(expected, error):
        return None
    return f"expected {expected.describe()}, but it raised {error.describe()}"


def _raises_matches(expected: Raises, error: ErrorInfo) -> bool:
    return expected.exception in error.names and _message_matches(expected.pattern, error.message)


def _warns_matches(declared: Warns, warning: WarningInfo) -> bool:
    return declared.category.split(".")[-1] in warning.names and _message_matches(
        declared.pattern, warning.message
    )


def _message_matches(pattern: str | None, message: str) -> bool:
    """A directive's pattern matches a message as text it contains or as a regex it holds."""
    if pattern is None or pattern in message:
        return True
    try:
        return re.search(pattern, message) is not None
    except re.error:
        return False


def check_warnings(
    block: Block,
    warns: Sequence[Warns],
    result: BlockResult,
    context: FailureContext,
    *,
    strict: bool,
) -> None:
    """Warnings are early drift: with strict warnings, a new one, or a declared one that
    is gone (``warns``: the block's ``warns`` directives), fails a block that otherwise
    passed."""
    unexpected = [
        warning
        for warning in result.warnings
        if not any(_warns_matches(declared, warning) for declared in warns)
    ]
    missing = [
        declared
        for declared in warns
        if not any(_warns_matches(declared, warning) for warning in result.warnings)
    ]
    if not strict or result.outcome != PASSED or not (unexpected or missing):
        return
    result.outcome = FAILED
    result.drift = WARNING
    result.summary = "warning drift: " + (
        f"new {unexpected[0].category}: {unexpected[0].message}"
        if unexpected
        else f"{missing[0].describe()} is no longer raised"
    )
    result.message = render_warning_failure(
        result,
        context,
        [warning.describe() for warning in unexpected],
        [declared.describe() for declared in missing],
    )


def error_headline(error: ErrorInfo) -> str:
    """One line on an exception the block was not expected to raise, with how to fix a
    missing module."""
    if error.type_name in OWN_FAILURES:
        return error.message
    if "ModuleNotFoundError" in error.names and error.missing_module is None:
        module = MISSING_MODULE_NAME.search(error.message)
        name = module.group(1) if module else module_named_by(error.message)
        return (
            f"{error.describe()} (install it, or mark the block "
            f"<!-- torchnotes: requires module:{name or 'NAME'} -->)"
        )
    if error.missing_module is not None:
        return (
            f"the block raised {error.describe()} (raised from ModuleNotFoundError: No module "
            f"named {error.missing_module!r}; install it, or mark the block "
            f"<!-- torchnotes: requires module:{error.missing_module} -->)"
        )
    return f"the block raised {error.describe()}"


def exception_failure(result: BlockResult, context: FailureContext, headline: str) -> BlockResult:
    """``result`` failed by the exception it raised (or its time limit), under ``headline``."""
    result.outcome = FAILED
    error = result.error
    if error is not None and error.type_name == "Timeout":
        result.drift = TIMEOUT
    elif error is not None and (
        "ModuleNotFoundError" in error.names or error.missing_module is not None
    ):
        result.drift = MISSING_MODULE
    else:
        result.drift = EXCEPTION
    result.summary = cut_line(headline)
    result.message = render_exception(result, context, f"{headline} ({result.drift})")
    return result
