"""What pytest shows of a note's blocks: a block's label, its failure message, the word
``-v`` shows for it, the summary of a note whose blocks failed, and the warnings about what
a note left behind."""

from __future__ import annotations

from typing import Any

from pytest_torchnotes import defaults
from pytest_torchnotes.comparison.display import diff_markup
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.notelines import location, shown
from pytest_torchnotes.reporting.terminaltext import terminal_text
from pytest_torchnotes.run.exiting import CAN_DETACH_THREADS
from pytest_torchnotes.run.results import BlockResult, NoteResult
from pytest_torchnotes.words import plural

#: Longest heading shown next to a block in ``-v`` output.
MAX_HEADING = 40


def label(result: BlockResult, *, line: bool) -> str:
    """``block 2, line 40 [Autograd]`` (or without the line, where it is shown already)."""
    item = result.item
    label = item.name
    if line:
        label += f", line {shown(item.first_line)}"
    heading = item.heading
    if heading:
        if len(heading) > MAX_HEADING:
            heading = heading[: MAX_HEADING - 1] + "…"
        label += f" [{terminal_text(heading)}]"
    return label


#: Why a verified block counts as verified loosely (:func:`loosely`): some of what it printed
#: was not compared with the note.
VALUES_NOT_COMPARED = "values not compared"
EXAMPLES_NOT_SHOWN = "output of examples not compared"
SHELL_NOT_COMPARED = "output of shell escapes not compared"
TEXT_ELIDED = "text under ... not compared"
SECOND_OUTPUT_UNREAD = "second output fence not read"
TIMING_NOT_COMPARED = "timing lines not compared"


def loosely(result: BlockResult) -> str | None:
    """Why ``result``, verified, was verified loosely: part of what it printed, or of what
    the note says it prints, was not compared (``compare structure`` leaves its values out;
    a ``>>>`` example that shows no output under xdoctest's rules, or marked
    ``+IGNORE_WANT``, is not compared at all; a ``...`` of ``compare ellipsis`` stood for
    printed text; lines a shell escape printed in the notebook were set apart; a second
    output fence was not read; IPython's timing lines were left out). ``None`` for a block
    whose output was compared whole, or not verified."""
    if result.status != "verified":
        return None
    comparator = result.comparator
    if comparator is not None and comparator.options.mode == "structure" and result.expected:
        return VALUES_NOT_COMPARED
    if result.comparison is not None and result.comparison.elided:
        return TEXT_ELIDED
    if result.uncompared_examples:
        return EXAMPLES_NOT_SHOWN
    if result.shell_lines:
        return SHELL_NOT_COMPARED
    if unread_second(result) is not None:
        return SECOND_OUTPUT_UNREAD
    if result.timing_lines:
        return TIMING_NOT_COMPARED
    return None


def unread_second(result: BlockResult) -> int | None:
    """The 0-based line of a second output fence of the block's compared section, which
    nothing read: what the note says the block prints there was not compared."""
    block = result.item
    if not isinstance(block, Block) or block.output is None or result.variant is not None:
        return None
    return block.output.unread_second if result.expected is not None else None


def compared_by(result: BlockResult) -> str | None:
    """The rules a verified block's output matched under, where they are not the default
    ones, for ``-v`` to show beside ``VERIFIED``: ``compare structure`` leaves values
    uncompared, a tolerance or a ``torchnotes_sanitize`` substitution accepts other text, and
    ``>>>`` examples whose printed output was not compared are counted. ``None`` for any
    other block (one verified by the exception it raised too), and under
    the default rules."""
    if result.status != "verified":
        return None
    words = []
    comparator = result.comparator
    if comparator is not None and result.expected is not None:
        options = comparator.options
        rules = [
            f"{name}={value:g}"
            for name, value in (("rtol", options.rtol), ("atol", options.atol))
            if value
        ]
        if options.mode != defaults.COMPARE or rules:
            words.append(" ".join(["compare", options.mode, *rules]))
        if options.mode == "structure":
            words[-1] += ": values not compared"
        elif result.comparison is not None and result.comparison.elided:
            words[-1] += f": {TEXT_ELIDED}"
        if comparator.sanitizers:
            words.append(plural(len(comparator.sanitizers), "torchnotes_sanitize substitution"))
    if result.uncompared_examples:  # shown whatever the rules: nothing compared their output
        words.append(f"{plural(result.uncompared_examples, 'example')} printed output not compared")
    if result.shell_lines:  # the author's lines of a shell the run does not run
        words.append(f"{plural(result.shell_lines, 'line')} of shell escapes not compared")
    second = unread_second(result)
    if second is not None:
        words.append(f"the second output fence at line {shown(second)} not read")
    if result.timing_lines:  # IPython's measurements, which no run prints
        words.append(f"{plural(result.timing_lines, 'timing line')} not compared")
    return ", ".join(words) or None


class BlockFailure:
    """The failure message of a block: its first line is what the short test summary shows
    (``line 67: value drift ...``, where the note's path is in the node id already), and its
    diffs are coloured when the terminal shows colours (``--color``)."""

    def __init__(self, text: str, short: str) -> None:
        self.text = text
        self.reprcrash = _Crash(short, text.partition("\n")[0])

    def toterminal(self, tw: Any) -> None:
        lines = self.text.split("\n")
        for line, markup in zip(lines, diff_markup(lines), strict=True):
            tw.line(terminal_text(line), **markup)

    def __str__(self) -> str:
        return self.text


class _Crash:
    """What pytest's short summary and junitxml read of a failure: its message; and, as
    text, the one line ``--tb=line`` shows of it (``notes/x.md:7: block 2: ...``)."""

    def __init__(self, message: str, line: str = "") -> None:
        self.message = terminal_text(message)
        self.line = terminal_text(line or message)

    def __str__(self) -> str:
        return self.line


#: The word ``-v`` shows for a block, by status.
STATUS_WORDS = {
    "verified": ("VERIFIED", {"green": True}),
    "ran": ("RAN", {"green": True}),
    "not compared": ("NOT COMPARED", {"green": True}),
    "updated": ("UPDATED", {"green": True}),
    "failed": ("FAILED", {"red": True}),
    "follow-on": ("FOLLOW-ON", {"red": True}),
    "xfailed": ("XFAIL", {"yellow": True}),
    "skipped": ("SKIPPED", {"yellow": True}),
}


def failed_blocks(display_path: str, total: int, failures: list[BlockResult]) -> str:
    """The failure of a note item: how many of its ``total`` blocks failed (follow-ons
    counted apart), and the line and summary of each."""
    follow_on = sum(1 for failure in failures if failure.follows is not None)
    counted = f"{len(failures) - follow_on} failed" + (
        f", {follow_on} follow-on" if follow_on else ""
    )
    lines = [f"{plural(total, 'block')}: {counted}:"]
    lines.extend(
        f"  {location(display_path, failure.first_line)}: {failure.summary}" for failure in failures
    )
    return "\n".join(lines)


def left_behind(display_path: str, result: NoteResult) -> list[str]:
    """The warnings about what the note left behind: threads, processes, functions to run
    at exit, output that came after its block had ended."""
    messages: list[str] = []
    if result.threads:
        fate = (
            "they are stopped when the session ends"
            if CAN_DETACH_THREADS
            else "pytest waits for them to end before it exits"
        )
        messages.append(
            f"{display_path}: the note left threads running: "
            f"{', '.join(result.threads)}; {fate} (make them daemon threads, "
            "or stop them at the end of the note)"
        )
    if result.processes:
        messages.append(
            f"{display_path}: the note left processes running: "
            f"{'; '.join(result.processes)}; they were ended (wait for them, "
            "join them or shut their pool down at the end of the note)"
        )
    if result.at_exit:
        messages.append(
            f"{display_path}: the note registered functions to run at exit: "
            f"{', '.join(result.at_exit)}; they were taken off and do not run "
            "(call them at the end of the note instead of atexit.register)"
        )
    if result.freeing:
        messages.append(f"{display_path}: {result.freeing}")
    if result.late:
        messages.append(
            f"{display_path}: output that came after the block it belongs to "
            "had ended was not compared (nor written by --torchnotes-update): "
            + "; ".join(result.late)
        )
    return messages
