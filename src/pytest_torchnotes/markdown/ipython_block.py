"""The IPython transcript convention: ``In [n]:`` prompts, each output under its prompt or,
in the split form, in the fence right after the block (:mod:`.ipython_split`).

The lexer parts are :func:`.ipython.is_transcript`, :func:`.ipython.read_transcript` and
:func:`.ipython_split.starts_with_out`; :func:`read` gives the whole block its meaning: a
:class:`~.ipython.Transcript`, its code without the prompts, maybe an output fence.
"""

from __future__ import annotations

from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.ipython import is_transcript, read_transcript
from pytest_torchnotes.markdown.ipython_split import (
    prints_then_out,
    read_split,
    starts_with_out,
)
from pytest_torchnotes.markdown.layout import OUTPUT_LABEL, gap
from pytest_torchnotes.markdown.outputfence import output_fence
from pytest_torchnotes.markdown.sections import fence_section
from pytest_torchnotes.notelines import shown

#: A Python block that starts with ``Out[n]:``: the output of prompts it does not follow.
STRAY_OUT = (
    "the Python block at line {line} starts with an Out[n]: line but follows no In [n]: "
    "prompts: put it right after the block of prompts (only blank lines or one label line "
    "between), or under its prompt"
)


def read(draft: BlockDraft, note: NoteContext) -> None:
    """Read an IPython transcript whole; a fence starting with ``Out[n]:`` that no transcript
    claimed is refused."""
    fence, next_fence, options = draft.fence, draft.next_fence, draft.options
    if not is_transcript(fence.body):
        if starts_with_out(fence):
            draft.reject(note, fence.open_line, STRAY_OUT.format(line=shown(fence.open_line)))
        return
    draft.complete = True
    transcript, issues = read_transcript(fence.body)
    fenced = output_fence(note, fence, next_fence, warn=False)
    if transcript.prompts_only and next_fence is not None and fenced is None:
        stop = next_fence.open_line
        label = note.format.output_label or OUTPUT_LABEL
        between = gap(note.lines, fence, stop, label, note.comment_lines)
        split = starts_with_out(next_fence) or prints_then_out(next_fence, transcript)
        if between.only_labels and len(between.labels) <= 1 and split:
            fenced = next_fence
    if transcript.prompts_only and fenced is None:
        output_fence(note, fence, next_fence, warn=True)  # output that is not read
    if fenced is not None and not transcript.prompts_only:
        note.problem(
            fenced.open_line,
            f"the fence after the IPython transcript at line {shown(fence.open_line)} is not "
            "read as its output: the transcript has output under its prompts",
            "warning",
        )
    elif fenced is not None and fenced.close_line is not None:
        note.consumed.add(fenced.open_line)
        transcript, more = read_split(transcript, fenced)
        issues.extend(more)
        draft.output = fence_section(fenced)
    if options.raises is not None:
        issues.append(
            (
                fence.open_line,
                "raises does not apply to an IPython transcript: "
                "write the traceback under its In [n]: prompt",
            )
        )
    if options.outputs:
        issues.append(
            (
                options.outputs[0].line,
                "output directives do not apply to an "
                "IPython transcript: its output stands under each prompt",
            )
        )
    for line, message in issues:
        draft.reject(note, line, message)
    draft.code = transcript.code
    draft.transcript = transcript
