"""How a block with IPython magics runs: whether it runs at all, and what is compared."""

from __future__ import annotations

import dataclasses

from pytest_torchnotes.comparison.failures import FailureContext
from pytest_torchnotes.markdown.blocks import Block, OutputSection
from pytest_torchnotes.markdown.magics import ERROR, SHELL, SKIP, TIMING_LINE, Magic, Prepared
from pytest_torchnotes.notelines import location, shown
from pytest_torchnotes.run.results import FAILED, SKIPPED, BlockResult

#: The setting that decides what blocks with magics do.
MAGICS_OPTION = "torchnotes_magics"


def refusal(
    block: Block, prepared: Prepared | None, mode: str, context: FailureContext
) -> BlockResult | None:
    """The result of a block that does not run because of its magics, if it does not:
    ``skip`` and ``error`` modes, or a magic that cannot run (``%run``, ``%%bash``)."""
    if prepared is None:
        return None
    magic = prepared.magics[0]
    line = block.code_line + magic.offset
    if mode == SKIP:
        reason = f"line {shown(line)}: {magic.describe()} ({MAGICS_OPTION} = {SKIP})"
        return BlockResult(block, SKIPPED, reason=reason)
    if mode == ERROR:
        result = BlockResult(block, FAILED)
        result.summary = f"line {shown(line)}: {magic.describe()} is not Python"
        result.message = (
            f"{location(context.path, line)}: {block.describe()}: {magic.describe()} is not Python "
            f"and {MAGICS_OPTION} is {ERROR} (set it to run to run the rest of the block, "
            "or take the line out)"
        )
        return result
    not_run = prepared.not_run
    if not_run is None:
        return None
    line = block.code_line + not_run.offset
    reason = (
        f"line {shown(line)}: {not_run.describe()} {not_run.why} "
        f"(say so before it: <!-- torchnotes: skip {not_run.describe()} -->)"
    )
    return BlockResult(block, SKIPPED, reason=reason)


def compared_output(output: OutputSection, prepared: Prepared | None) -> OutputSection:
    """The expected output to compare: without IPython's timing lines when code is timed
    (the lines stay in the note; update keeps them: :func:`with_timing_lines`)."""
    if prepared is None or not prepared.timed:
        return output
    lines = tuple(line for line in output.lines if not TIMING_LINE.match(line.text))
    return dataclasses.replace(output, lines=lines)


def with_timing_lines(written: OutputSection, actual: str, prepared: Prepared | None) -> str:
    """What update writes in the section of a timed block: what it printed, with the timing
    lines the section holds kept where they stand among its lines of text.

    IPython's times are the author's, never compared (:func:`compared_output`), and an
    export's blank lines around them stay where they were only when the new output has as
    many lines of text; written without them, the edit dropped the author's timing and
    moved the value up.
    """
    if prepared is None or not prepared.timed:
        return actual
    texts = [line.text for line in written.lines if line.text.strip()]
    timing = [(index, text) for index, text in enumerate(texts) if TIMING_LINE.match(text)]
    if not timing:
        return actual
    ends = actual.endswith("\n")
    lines = actual.split("\n") if actual else []
    if ends:
        lines.pop()
    for index, text in timing:
        at_texts = [at for at, line in enumerate(lines) if line.strip()]
        lines.insert(at_texts[index] if index < len(at_texts) else len(lines), text)
    return "\n".join(lines) + ("\n" if ends else "")


def shell_output(prepared: Prepared | None, stdout: str) -> Magic | None:
    """The shell escape whose output a block's expected output is: one that is not run, in
    a block whose Python printed nothing (``!nvidia-smi``, ``!pip install``, with what they
    printed in the notebook under it). That output is the shell's, which no run makes:
    comparing it fails, and update would erase it."""
    if prepared is None or stdout.strip():
        return None
    return next((magic for magic in prepared.magics if magic.kind == SHELL), None)


def shell_output_note(shell: Magic, code_line: int) -> str:
    """What the report says of a block whose expected output is ``shell``'s."""
    return (
        f"{shell.note(code_line + shell.offset)}; the block's expected output is what it "
        "printed, and is not compared"
    )
