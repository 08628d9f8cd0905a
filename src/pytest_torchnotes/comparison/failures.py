"""Failure messages that point into the note: ``note.md:LINE``, a diff, the kind of drift,
the numbers that moved, the torch version, and the flag that accepts the new output.

What a message needs (:class:`FailureContext`) and the messages of drift, in output and in
warnings; how output is shown in them is :mod:`.display`, the message of a block that
raised :mod:`.raised`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.comparison.display import output_diff
from pytest_torchnotes.comparison.elsewhere import elsewhere_lines, written_elsewhere
from pytest_torchnotes.comparison.gpuoutput import device_hint, device_query_hint
from pytest_torchnotes.comparison.normalize import drop_blank_lines
from pytest_torchnotes.comparison.timings import timing_hint
from pytest_torchnotes.markdown.blocks import Block, OutputSection, SetupBlock
from pytest_torchnotes.markdown.marker import OUTPUT_MARKER
from pytest_torchnotes.notelines import location
from pytest_torchnotes.pytestargs import note_argument
from pytest_torchnotes.run.results import (
    CANNOT_RUN,
    EXCEPTION,
    FORMAT,
    MISSING_MODULE,
    REPOSITORY,
    TEXT,
    TIMEOUT,
    VALUE,
    WARNING,
    BlockResult,
)
from pytest_torchnotes.update.refusals import NUL_IN_OUTPUT, check_raw_output
from pytest_torchnotes.words import plural

#: Flag that rewrites expected output with what the blocks print now.
UPDATE_FLAG = "--torchnotes-update"

#: Why numbers printed with fewer digits than the note wrote them fail, and what to do.
FEWER_DIGITS = (
    "format drift: numbers printed with fewer digits than the note wrote them (update the "
    "note, or set a tolerance with <!-- torchnotes: compare numeric rtol=X atol=Y -->)"
)

DRIFT_EXPLANATION = {
    VALUE: "value drift: the same text now holds other numbers",
    FORMAT: "format-only drift: same text and numbers, other formatting "
    "(compare numeric would accept it)",
    TEXT: "text drift: the output says something else",
    EXCEPTION: "exception drift",
    MISSING_MODULE: "missing module",
    TIMEOUT: "timeout",
    WARNING: "warning drift",
    REPOSITORY: "wrote into the repository",
    CANNOT_RUN: "cannot run as written",
}


@dataclass(frozen=True)
class FailureContext:
    """What a message needs beyond the result: where the note is and what runs it."""

    path: str
    torch_version: str
    #: The session rewrites drifted output (``--torchnotes-update``).
    update: bool = False
    #: The output marker configured (``torchnotes_marker``).
    marker: re.Pattern[str] = OUTPUT_MARKER


def where(context: FailureContext, item: Block | SetupBlock) -> str:
    """``notes/x.md:42: block 3 ('Autograd')``."""
    return f"{location(context.path, item.first_line)}: {item.describe()}"


def render_output_failure(
    result: BlockResult,
    context: FailureContext,
    output: OutputSection,
    variant: str | None,
    compare: CompareOptions | None = None,
) -> str:
    """The message for a block whose printed output no longer matches ``output``, the
    section compared (the output for ``variant`` versions, when it is not the visible one);
    ``compare`` is what the block's ``compare`` directive says, if it has one."""
    block = result.item
    comparison = result.comparison
    drift = result.drift or TEXT
    explanation = DRIFT_EXPLANATION.get(drift, drift)
    if drift == FORMAT and comparison is not None and comparison.numbers:
        explanation = FEWER_DIGITS
    lines = [f"{where(context, block)}: {explanation}"]
    if variant is not None:
        lines.append(f"  compared with the output written for {variant}")
    expected_start = output.first_text_line
    if comparison is not None:
        lines.extend(
            f"  {location(context.path, output.note_line(difference.line))}: "
            f"{difference.describe()}"
            for difference in comparison.numbers[:10]
        )
        if len(comparison.numbers) > 10:
            lines.append(f"  ... and {plural(len(comparison.numbers) - 10, 'more number')}")
        if comparison.text is not None:
            lines.append(
                f"  {location(context.path, output.note_line(comparison.text.line))}: "
                f"{comparison.text.describe()}"
            )
    if not output.text.strip() and output.kind == "indented":
        lines.append("  no indented output after the block: it is expected to print nothing")
    elif not output.text.strip():
        lines.append("  the output section is empty")
    elif _elided(output.text, result.actual, compare):
        lines.append(
            "  a line `...` of the expected output is compared as text: to let it stand for"
            f" any lines, put {ELLIPSIS_DIRECTIVE} above the block"
        )
    elif (device := device_hint(output.text, result.actual)) is not None:
        lines.append(f"  {device}")
    elif (query := device_query_hint(block.code)) is not None:
        lines.append(f"  {query}")
    elif (timing := timing_hint(output.text, result.actual, transcript=False)) is not None:
        lines.append(f"  {timing}")
    expected, actual = output.text, result.actual
    if not output.blank_lines_compared:  # neither are they shown
        expected, actual = drop_blank_lines(expected), drop_blank_lines(actual)
    lines.extend(output_diff(expected, actual, context, expected_start))
    warned = [f"{warning.category}: {warning.message}" for warning in result.warnings]
    lines.extend(elsewhere_lines(written_elsewhere(expected, actual, result.stderr, warned)))
    lines.extend(warning_lines(result))
    lines.append(closing_line(context, result.actual))
    return "\n".join(lines)


#: The directive that lets ``...`` in expected output match anything.
ELLIPSIS_DIRECTIVE = "<!-- torchnotes: compare ellipsis -->"


def _elided(expected: str, actual: str, compare: CompareOptions | None) -> bool:
    """Whether the expected output cuts lines short with a ``...`` line (as notes do with
    long output) that the block did not print, and its ``compare`` directive does not say
    ``ellipsis``."""
    if compare is not None and compare.mode == "ellipsis":
        return False
    elided = {"...", "…"}
    return any(line.strip() in elided for line in expected.splitlines()) and not any(
        line.strip() in elided for line in actual.splitlines()
    )


def closing_line(context: FailureContext, actual: str = "") -> str:
    """``On torch X.`` and, outside update mode, how to accept the new output ``actual``,
    or why ``--torchnotes-update`` would not write it."""
    if context.update:
        return f"On torch {context.torch_version}."
    refused = NUL_IN_OUTPUT if "\x00" in actual else check_raw_output(actual)
    if refused is not None:
        return f"On torch {context.torch_version}. {UPDATE_FLAG} would not write it: {refused}"
    argument, remark = note_argument(context.path)
    return (
        f"On torch {context.torch_version}. If the new output is right, accept it: "
        f"pytest {argument} {UPDATE_FLAG}{remark}"
    )


def warning_lines(result: BlockResult) -> list[str]:
    if not result.warnings:
        return []
    return ["warnings:", *(f"    {warning.describe()}" for warning in result.warnings)]


def render_warning_failure(
    result: BlockResult, context: FailureContext, unexpected: list[str], missing: list[str]
) -> str:
    """The message for a block whose warnings are not the ones its directives declare."""
    lines = [f"{where(context, result.item)}: warning drift"]
    lines.extend(f"  new warning: {text}" for text in unexpected)
    lines.extend(f"  declared but not raised: {text}" for text in missing)
    lines.append(
        f"On torch {context.torch_version}. Declare an expected warning before the block with "
        "<!-- torchnotes: warns CATEGORY: MESSAGE -->, or remove one that is gone."
    )
    return "\n".join(lines)
