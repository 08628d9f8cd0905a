"""A ``raises`` directive and a traceback written as expected output say the same thing twice."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.comparison.tracebacks import read_traceback
from pytest_torchnotes.markdown import directives as d
from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext


def check(draft: BlockDraft, note: NoteContext) -> None:
    """Refuse a block whose ``raises`` directive and written traceback would both apply."""
    raises = draft.options.raises
    if raises is None:
        return
    traceback = raises_and_traceback(draft.output, draft.options.outputs)
    if traceback is not None:
        draft.reject(
            note,
            raises.line,
            f"raises and the traceback at line {traceback} both say what the block "
            "raises: keep one (the traceback is compared and updated, raises is not)",
        )


def raises_and_traceback(output: OutputSection | None, outputs: Sequence[d.Output]) -> int | None:
    """The 1-based line of a traceback in the block's expected output, if there is one."""
    sections = [output.lines] if output is not None else []
    sections.extend(directive.body for directive in outputs)
    for lines in sections:
        expected = read_traceback("\n".join(line.text for line in lines))
        if expected is not None:
            return lines[expected.header].line + 1
    return None
