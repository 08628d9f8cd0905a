"""The output fence convention: a block's expected output in the fence right after it.

Only blank lines and at most one label line (``输出：``, ``**Output:**``) may stand between;
which fences count is the note format's (``output`` fences, bare ones, any of
:data:`~.layout.LABELED_FENCES` under a label). The lexer part is :mod:`.layout` (what stands
between the two fences); the parser part reads the fence as an
:class:`~.blocks.OutputSection` of kind ``fence`` and reports what looks like output but is
not read.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import replace

from pytest_torchnotes.markdown.bare_python import reads_as_python
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.labeled_python import python_output
from pytest_torchnotes.markdown.layout import (
    IMAGE_OUTPUT,
    OUTPUT_LABEL,
    OUTPUT_LOOKING,
    PRINTED_IN_OTHER,
    PRINTED_REPR,
    PROSE_BETWEEN,
    Gap,
    gap,
    looks_like_python,
    only_a_lead_in,
    read_as_output,
    titled_as_label,
    unread_output,
)
from pytest_torchnotes.markdown.lexers import FenceLexeme
from pytest_torchnotes.markdown.lexing.fence_content import as_output
from pytest_torchnotes.markdown.notpython import collected
from pytest_torchnotes.markdown.second_output import second_output, second_output_refusal
from pytest_torchnotes.markdown.sections import fence_section
from pytest_torchnotes.notelines import shown


def read(draft: BlockDraft, note: NoteContext) -> None:
    """The output fence after the block, unless its output is read already (a marker) or it
    is a ``>>>`` transcript."""
    fence = draft.fence
    indented = draft.indented is not None and draft.indented.lines
    warn = draft.output is None and not draft.doctest and not indented
    fenced = _output_tab(note, fence) if draft.output is None and not draft.doctest else None
    if fenced is None:
        fenced = output_fence(note, fence, draft.next_fence, warn=warn)
    if warn and fenced is None:
        output_run_as_code(note, fence, draft.next_fence)
    if fenced is not None and draft.doctest:
        note.problem(
            fenced.open_line,
            f"the fence after the >>> transcript at line {shown(fence.open_line)} is not read "
            "as its output: a transcript keeps each example's output under its prompt",
            "warning",
        )
        return
    if fenced is None:
        return
    if draft.output is not None:
        draft.reject(
            note,
            fenced.open_line,
            f"the block at line {shown(fence.open_line)} has an output marker and an "
            "output fence: keep one",
        )
        return
    if fenced.close_line is None:
        draft.rejected = True  # the lexer reported the fence that is never closed
        return
    note.consumed.add(fenced.open_line)
    section = fence_section(fenced)
    if fenced.language in note.format.languages:
        section = replace(section, code_fence=True)
    second = second_output(note, fence, fenced)
    if second is not None:
        section = replace(
            section,
            not_writable=second_output_refusal(fenced, second),
            unread_second=second.open_line,
        )
    draft.output = section


def _output_tab(note: NoteContext, fence: FenceLexeme) -> FenceLexeme | None:
    """The fence of an output tab after other frameworks' tabs, read as if it followed the
    last of their fences (``=== "PyTorch"``, ``=== "TensorFlow"``, ``=== "Output"``)."""
    tabbed = note.output_tabs.get(fence.open_line)
    if tabbed is None or fence.close_line is None:
        return None
    last, candidate = tabbed
    return output_fence(note, last, candidate, warn=False)


def output_fence(
    note: NoteContext, fence: FenceLexeme, candidate: FenceLexeme | None, *, warn: bool
) -> FenceLexeme | None:
    """The output fence that follows ``fence`` in the note's format, if any.

    With ``warn``, what looks like the block's output but is not read is a warning."""
    if fence.close_line is None:
        return None
    note_format = note.format
    stop = candidate.open_line if candidate is not None else len(note.lines)
    label = note_format.output_label
    # Past prose, only a fence that looks like output can still be reported.
    to_the_end = (
        warn
        and candidate is not None
        and candidate.language in (OUTPUT_LOOKING | PRINTED_IN_OTHER | note_format.output_fences)
    )
    lines, comments = note.lines, note.comment_lines
    between = gap(lines, fence, stop, label or OUTPUT_LABEL, comments, to_the_end=to_the_end)
    if label is None:
        between.prose = sorted(between.prose + between.labels)
        between.labels = []
    labeled = note_format.labeled_fences if label is not None else frozenset()
    titled = candidate is not None and titled_as_label(candidate, label)
    if candidate is not None and read_as_output(
        candidate, between, note_format.output_fences, labeled, titled=titled, block=fence
    ):
        return candidate
    if candidate is not None and python_output(
        candidate,
        between,
        note_format.languages,
        labels_read=label is not None,
        marker=note_format.marker,
    ):
        return candidate
    if warn:
        if label is None:  # labels are not read, but they still look like labels
            between = gap(lines, fence, stop, OUTPUT_LABEL, comments, to_the_end=to_the_end)
        unread = unread_output(
            fence,
            between,
            candidate,
            note_format.output_fences,
            labeled,
            _run_as_code(candidate, between, note_format.languages),
            labels_read=label is not None,
            titled=titled,
        )
        if unread is not None and unread[0] == between.indented:
            if not _runs_as_session(note, unread[0]):
                note.unread_indented.append((unread[0], fence.open_line))
        elif unread is not None and unread[1] == IMAGE_OUTPUT:
            note.image_outputs.append((unread[0], fence.open_line))
        elif unread is not None and unread[1] == PROSE_BETWEEN:
            note.outputs_past_prose.append((unread[0], fence.open_line, between.prose[0]))
        elif unread is not None:
            note.problem(*unread, "warning")
        if unread is not None and candidate is not None and unread[0] == candidate.open_line:
            note.named_as_output.add(candidate.open_line)
    return None


def _runs_as_session(note: NoteContext, line: int) -> bool:
    """Whether the indented text at the 0-based ``line`` after a block is a ``>>>`` session
    that runs (a docstring pasted right after the fence), not output left unread."""
    return note.runs_sessions and any(
        session.open_line == line for session in note.lexemes.indented_sessions
    )


def _run_as_code(
    candidate: FenceLexeme | None, between: Gap, languages: frozenset[str]
) -> frozenset[str]:
    """The languages of fences run as code, as they hold of ``candidate`` under a sentence
    that says output follows (``可以得到输出为：``): a fence without info string runs (with
    ``bare`` in ``torchnotes_languages``) only when its text reads as Python, so one that
    does not is the output that stands unread there. Elsewhere such a fence may be a value
    a pasted cell shows (``y.sum()``), and is left alone."""
    if candidate is None or candidate.language or "" not in languages:
        return languages
    if not (only_a_lead_in(between) and between.says_output):
        return languages
    text = "\n".join(line.text for line in candidate.body)
    return languages if reads_as_python(text) else languages - {""}


def output_run_as_code(
    note: NoteContext, fence: FenceLexeme, candidate: FenceLexeme | None
) -> None:
    """Warn of a Python fence right after ``fence`` (blank lines and one label line between)
    that holds what the block printed (``tensor([1, 2])``, ``torch.Size([2])``), as blogs
    tag every fence ``python``: it runs as a block of its own, and nothing compares it."""
    if candidate is None or not collected(candidate, note.format.languages):
        return
    if candidate.close_line is None or fence.close_line is None:
        return
    label = note.format.output_label or OUTPUT_LABEL
    if not follows_as_output(note.lines, fence, candidate, label, note.comment_lines):
        return
    first = printed_output("\n".join(line.text for line in candidate.body))
    if first is None:
        return
    note.problem(
        candidate.open_line,
        f"{candidate.opening} after the block at line {shown(fence.open_line)} "
        f"looks like its output (`{first[:40]}`) but is run as a block of its own, and nothing "
        f"compares it: mark it {as_output(candidate)} to compare it as the block's output",
        "warning",
    )


def printed_output(text: str) -> str | None:
    """The first line of a fence's ``text`` when the fence holds what code printed rather
    than code: that line reads as a printed value, and the text holds no statement.

    >>> printed_output("\\ntensor([[1., 2.],\\n        [3., 4.]])")
    'tensor([[1., 2.],'
    >>> printed_output("x = torch.ones(2)\\nprint(x)") is None
    True
    """
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if not PRINTED_REPR.match(first) or looks_like_python(text):
        return None
    return first


def follows_as_output(
    lines: Sequence[str],
    fence: FenceLexeme,
    candidate: FenceLexeme,
    label: re.Pattern[str],
    comment_lines: Container[int] = (),
) -> bool:
    """Whether ``candidate`` stands where ``fence``'s output fence would: only blank lines
    and at most one label line between them."""
    between = gap(lines, fence, candidate.open_line, label, comment_lines)
    return between.only_labels and len(between.labels) <= 1
