"""Plan, in update mode, the edit that writes a block's new output into its note.

An edit is planned only where the note, with it made, would read back as the same block
with its output passing; else the result says why the note is not updated.
"""

from __future__ import annotations

import doctest
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pytest_torchnotes.comparison.compare import Comparator
from pytest_torchnotes.comparison.gpuoutput import device_output_kept, device_query_kept
from pytest_torchnotes.markdown.blocks import Block, OutputSection
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run.results import BlockResult
from pytest_torchnotes.update.refusals import (
    TRANSCRIPT_FIX,
    comments_reason,
    label_output_reason,
    with_fix,
)
from pytest_torchnotes.update.rewrite import Edit, RewriteError, section_edit
from pytest_torchnotes.update.wants import as_want, reread


@dataclass(frozen=True)
class NoteSource:
    """The note file as read, for planning rewrites of its expected output."""

    path: str
    raw_lines: list[str]
    digest: str
    marker: re.Pattern[str]
    #: Largest expected output written, in bytes (0: no limit).
    max_bytes: int = 0


def plan(
    source: NoteSource | None,
    result: BlockResult,
    section: OutputSection,
    actual: str,
    comparator: Comparator,
    first_line: int,
    transform: Callable[[list[str]], list[str]] = lambda lines: lines,
    verify: Callable[[Edit], str | None] = lambda edit: None,
    code: str = "",
) -> None:
    """In update mode (``source`` is set), plan the edit that writes ``actual`` into
    ``section``, unless ``verify`` says why the note would not read back right with it."""
    item = result.item
    if source is None:  # not update mode, or a block marked xfail
        return
    try:
        kept = device_output_kept(section.text, actual) or device_query_kept(code)
        if kept is not None:
            # accepting what a machine without the GPU printed would write its output away
            raise RewriteError(kept)
        edit = section_edit(
            section,
            actual,
            raw_lines=source.raw_lines,
            comparator=comparator,
            marker=source.marker,
            path=source.path,
            first_line=first_line,
            file_digest=source.digest,
            transform=transform,
            max_bytes=source.max_bytes,
        )
        reason = verify(edit)
        if reason is not None:
            raise RewriteError(reason)
    except RewriteError as error:
        reason = (
            str(error)
            if first_line == item.first_line
            else f"example at line {shown(first_line)}: {error}"
        )
        if result.not_updated is not None:  # another example of the transcript
            reason = f"{result.not_updated}; {reason}"
        result.not_updated = reason
        result.message += f"\nNot updated: line {shown(first_line)}: {error}."
        return
    result.edits.append(edit)


def plan_example(
    source: NoteSource | None,
    result: BlockResult,
    block: Block,
    examples: list[doctest.Example],
    index: int,
    actual: str,
    comparator: Comparator,
    passes: Callable[[doctest.Example], bool],
) -> None:
    """Plan the edit that writes ``actual`` as the output of example ``index`` of the
    ``>>>`` transcript ``block``; ``passes`` says whether an example read back from the
    edited transcript passes with that output."""
    example = examples[index]
    body = block.fence.body
    first = example.lineno + example.source.count("\n")
    count = example.want.count("\n")
    want = body[first : first + count]
    # A want added after the last line goes before the closing fence, or after the last
    # line of an indented session.
    end = block.fence.last_line + 1 if block.fence.indented else block.fence.last_line
    start = body[first].line if first < len(body) else end
    prompt = body[example.lineno]
    section = OutputSection(
        "transcript",
        tuple(want),
        start,
        start,
        prompt.prefix + " " * example.indent,
        block.fence.fence,
    )

    def verify(edit: Edit) -> str | None:
        assert source is not None
        comments = comments_reason(example.want)
        if comments is not None:
            return comments
        reason = _reread(source, edit, section, body, first, examples, index, passes)
        return None if reason is None else with_fix(reason, TRANSCRIPT_FIX)

    plan(
        source,
        result,
        section,
        actual,
        comparator,
        block.code_line + example.lineno,
        transform=as_want,
        verify=verify,
        code=example.source,
    )


def _reread(
    source: NoteSource,
    edit: Edit,
    section: OutputSection,
    body: Sequence[BodyLine],
    first: int,
    examples: list[doctest.Example],
    index: int,
    passes: Callable[[doctest.Example], bool],
) -> str | None:
    """Why the transcript, with ``edit`` made, would not read back as the same examples
    with example ``index`` passing, if it would not."""
    kept = {source.raw_lines[line.line]: line.text for line in section.lines}
    # A line's text keeps the indentation of its example's prompt (a docstring's example
    # indented under its Example:: line); the section's prefix holds that indentation too.
    indent = " " * examples[index].indent
    want = [
        kept.get(raw, indent + raw.removesuffix("\r")[len(section.prefix) :]) for raw in edit.lines
    ]
    code = [line.text for line in body[:first]]
    code += want
    code += [line.text for line in body[first + len(section.lines) :]]
    return reread(code, index, examples, passes)


def under_a_label(
    source: NoteSource | None, block: Block, written: OutputSection
) -> Callable[[Edit], str | None]:
    """Why an edit cannot write indented output under a label line, if it cannot: there,
    unlike right after the block, a fence-looking line reads as a fence."""
    if written.kind != "indented" or source is None or block.fence.close_line is None:
        return lambda edit: None
    between = source.raw_lines[block.fence.close_line + 1 : written.start]
    if not any(line.strip(" \t\r>") for line in between):
        return lambda edit: None
    return lambda edit: label_output_reason(edit.lines)
