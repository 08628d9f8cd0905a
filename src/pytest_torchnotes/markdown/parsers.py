"""Give the lexed regions of a note their meaning: blocks, output sections, directives.

Comments and fences are read in document order. A comment is a directive waiting for its
block (:mod:`.pending`); a fence that is not Python is looked at for what it might hold
(:mod:`.notpython`); a closed Python fence becomes a :class:`~.context.BlockDraft` that each
convention of :data:`OUTPUT_CONVENTIONS` reads in turn, and then a :class:`~.blocks.Block`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from pytest_torchnotes.markdown import (
    arrow_comments,
    cellopts,
    colon_cells,
    commentoutput,
    copy_buttons,
    framework_tabs,
    fullwidth_fences,
    html_blocks,
    html_code,
    image_output,
    indented,
    indented_python,
    inline_output,
    ipython_block,
    layout,
    liquid,
    marker,
    mistagged,
    obsidian,
    outputfence,
    pandoc_outputs,
    pre_output,
    prose_transcripts,
    quarto_outputs,
    quoted_output,
    raises,
    sphinx_output,
    string_output,
    tabs,
    teach_exercises,
    text_fence_sessions,
    transcripts,
    uncommented_output,
    unlabeled_comments,
)
from pytest_torchnotes.markdown.blocks import Block, ParsedNote, Problem
from pytest_torchnotes.markdown.context import BlockDraft, Convention, NoteContext
from pytest_torchnotes.markdown.fenced_docstrings import fenced_sessions
from pytest_torchnotes.markdown.frontmatter import FrontMatterError, parse_front_matter
from pytest_torchnotes.markdown.hints import holds
from pytest_torchnotes.markdown.layout import OUTPUT_LABEL as OUTPUT_LABEL
from pytest_torchnotes.markdown.lexers import CommentLexeme, FenceLexeme, MarkdownLexer
from pytest_torchnotes.markdown.lexing.sphinx_groups import GroupRun, group_run, plan
from pytest_torchnotes.markdown.marker import OUTPUT_MARKER as OUTPUT_MARKER
from pytest_torchnotes.markdown.noteformat import LANGUAGES as LANGUAGES
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.notpython import (
    cell_not_run,
    collected,
    other_fence,
    tab_not_run,
    tabs_not_run,
)
from pytest_torchnotes.markdown.output_before_blocks import output_before_blocks
from pytest_torchnotes.markdown.pending import Pending
from pytest_torchnotes.markdown.sections import alternative
from pytest_torchnotes.markdown.xdoctest_comments import xdoctest_comments

__all__ = ["LANGUAGES", "OUTPUT_LABEL", "OUTPUT_MARKER", "NoteFormat", "NoteParser"]

#: The conventions asked about every closed Python block, in this order. Each reads what it
#: knows into the block's draft (its output, its code, that it is a transcript), reports
#: problems, or rejects the block; one that reads the whole block ends the round.
OUTPUT_CONVENTIONS: tuple[Convention, ...] = (
    ipython_block.read,  # In [n]: prompts, output under them or in the next fence
    transcripts.detect,  # >>> prompts: output under each prompt
    marker.read,  # ======== output ========== inside the fence
    string_output.read,  # or under output: in a """ string that ends the block
    cellopts.read,  # MyST's :tags: option lines are not code
    copy_buttons.read,  # nor a copy button's label pasted with the code (python复制代码)
    pandoc_outputs.read,  # pandoc's output divs after the fence (::: {.output .stream .stdout})
    indented.find,  # indented text after the fence (jupyter nbconvert --to markdown)
    quoted_output.read,  # a block quote of output after the block (> tensor([1, 2]))
    outputfence.read,  # an output fence after the block, maybe under a label line
    indented.read,  # the indented text, when no output fence was read
    commentoutput.read,  # comments under # Output: at the end of the block, when nothing else
    uncommented_output.warn,  # or code under it that reads as printed output (# Output:, 3)
    transcripts.check,  # what doctest would not run
    raises.check,  # raises and a written traceback: one too many
)

#: The conventions asked about an indented ``>>>`` session (a docstring pasted as it is):
#: it is a transcript, its output under each prompt; nothing after it is its output.
SESSION_CONVENTIONS: tuple[Convention, ...] = (
    transcripts.detect,
    transcripts.check,
    raises.check,
)

#: The conventions asked about the body of a Sphinx ``testcode`` or ``testsetup``: the
#: ``testoutput`` after it is its output.
SPHINX_CONVENTIONS: tuple[Convention, ...] = (sphinx_output.read, raises.check)


class NoteParser:
    """Parse a note's text into a :class:`ParsedNote`; ``conventions`` are asked about each
    Python block in order (:data:`OUTPUT_CONVENTIONS` unless given)."""

    def __init__(
        self,
        note_format: NoteFormat | None = None,
        conventions: Sequence[Convention] | None = None,
    ) -> None:
        self.format = note_format or NoteFormat()
        self.conventions = tuple(OUTPUT_CONVENTIONS if conventions is None else conventions)
        self.lexer = MarkdownLexer()

    def parse(self, text: str) -> ParsedNote:
        lexemes = self.lexer(text)
        note = ParsedNote(lines=lexemes.lines)
        note.problems.extend(
            Problem(problem.line, problem.message, problem.severity) for problem in lexemes.problems
        )
        try:
            note.config = parse_front_matter(lexemes.front_matter)
        except FrontMatterError as error:
            note.problems.append(Problem(error.line, error.message))
        reads = indented.reads_indented(note.config.indented_output, self.format.indented_output)
        sessions = note.config.indented_sessions
        if sessions is None:
            sessions = self.format.indented_sessions
        context = NoteContext(
            self.format, lexemes, note, reads_indented=reads, runs_sessions=sessions
        )
        _build(context, self.conventions)
        note.problems.sort(key=lambda problem: problem.line_index)
        return note


def _build(note: NoteContext, conventions: Sequence[Convention]) -> None:
    """One pass over comments and fences in document order."""
    lexemes = note.lexemes
    events: list[tuple[int, CommentLexeme | FenceLexeme]] = [
        (comment.open_line, comment) for comment in lexemes.comments
    ]
    events.extend((fence.open_line, fence) for fence in lexemes.fences)
    if note.runs_sessions:
        events.extend((session.open_line, session) for session in lexemes.indented_sessions)
    # The groups of each block of Sphinx's doctest: none in most notes. A doctest's body is
    # an indented session, an event of its own.
    doctests = lexemes.sphinx_doctests
    groups = {doctest.code.body.open_line: group_run(doctest.code) for doctest in doctests}
    sphinx = {doctest.code.body.open_line for doctest in doctests if doctest.code.name != "doctest"}
    events.extend(
        (doctest.code.body.open_line, doctest.code.body)
        for doctest in doctests
        if doctest.code.body.open_line in sphinx
    )
    events.sort(key=lambda event: event[0])
    following = {fence.open_line: after for fence, after in itertools.pairwise(lexemes.fences)}
    pending = Pending()
    tabbed = tabs.mentions(note.text) and tabs.tabbed(lexemes.fences, note.format.languages)
    magic_tabs = tabbed and tabs.magic_tabs(lexemes.fences, note.format.languages)
    hidden = holds(note.text, "%%")
    commented = obsidian.hidden_fences(note.lines, lexemes.fences) if hidden else {}
    other_frameworks = framework_tabs.other_framework_fences(note.text, note.lines, lexemes.fences)
    exercise_parts = teach_exercises.exercise_parts(note.text, note.lines, lexemes.fences)
    if other_frameworks:
        note.output_tabs = framework_tabs.output_tabs(note.lines, lexemes.fences, other_frameworks)
    # other frameworks' tabs: one warning for the note, after its blocks
    other_tabs: list[tuple[FenceLexeme, str]] = []
    for _, event in events:
        if isinstance(event, CommentLexeme):
            pending.comment(event, note)
        elif event.open_line in note.consumed:
            continue
        elif event.indented and event.open_line in sphinx:
            _block(event, None, pending, note, SPHINX_CONVENTIONS, groups.get(event.open_line))
        elif event.indented:
            _block(event, None, pending, note, SESSION_CONVENTIONS, groups.get(event.open_line))
        elif not collected(event, note.format.languages):
            # a fence named as the unread output of the block above is that block's
            docstring = (
                fenced_sessions(event)
                if note.runs_sessions and event.open_line not in note.named_as_output
                else []
            )
            for session in docstring:  # a docstring pasted into a fence of text
                _block(session, None, pending, note, SESSION_CONVENTIONS)
            if not docstring:
                other_fence(event, pending, note)
        elif event.close_line is None:
            pending.directives = []  # the lexer reported it; never run prose as code
        elif event.open_line in commented:
            tab_not_run(event, obsidian.why_not_run(commented[event.open_line]), pending, note)
        elif (option := cellopts.not_run(event)) is not None:
            cell_not_run(event, option, pending, note)
        elif tabbed and (why := tabs.not_run(event, magic_tabs)) is not None:
            tab_not_run(event, why, pending, note, warn=False)
            other_tabs.append((event, why))
        elif event.open_line in other_frameworks:
            why = other_frameworks[event.open_line]
            tab_not_run(event, why, pending, note, warn=False)
            other_tabs.append((event, why))
        elif event.open_line in exercise_parts:
            tab_not_run(event, exercise_parts[event.open_line], pending, note)
        elif (html := html_blocks.opening_html(event, note)) is not None:
            tab_not_run(event, html_blocks.html_not_run(event, html, note), pending, note)
        else:
            _block(event, following.get(event.open_line), pending, note, conventions)
    tabs_not_run(other_tabs, note)
    mistagged.mistagged_fences(note)
    text_fence_sessions.text_fence_sessions(note)
    marker.stray_markers(note)
    liquid.highlight_blocks(note)
    html_code.html_code(note)
    colon_cells.colon_cells(note)
    quarto_outputs.unread_divs(note)
    indented_python.indented_python(note)
    prose_transcripts.prose_transcripts(note)
    fullwidth_fences.full_width_fences(note)
    inline_output.inline_output(note)
    pre_output.pre_output(note)
    arrow_comments.arrow_comments(note)
    unlabeled_comments.unlabeled_comment_output(note)
    unlabeled_comments.inner_labels(note)
    output_before_blocks(note)
    for line, message in indented.unread_warnings(note.unread_indented, read=note.reads_indented):
        note.problem(line, message, "warning")
    images = image_output.image_warning(note.image_outputs)
    if images is not None:
        note.problem(*images, "warning")
    past_prose = layout.prose_between_warning(note.outputs_past_prose)
    if past_prose is not None:
        note.problem(*past_prose, "warning")
    stderr = pandoc_outputs.stderr_warning(note.pandoc_stderr)
    if stderr is not None:
        note.problem(*stderr, "warning")
    buttons = copy_buttons.copy_button_warning(note.copy_buttons)
    if buttons is not None:
        note.problem(*buttons, "warning")
    pending.finish(note)
    if groups:  # a testcleanup runs after the last test of its group
        note.note.items = plan(note.note.items)


def _block(
    fence: FenceLexeme,
    next_fence: FenceLexeme | None,
    pending: Pending,
    note: NoteContext,
    conventions: Sequence[Convention],
    sphinx: GroupRun | None = None,
) -> None:
    """Ask each convention about the closed Python ``fence``; keep the block unless one
    rejects it; ``sphinx``: the groups of the Sphinx directive whose body it is."""
    # the block before it is the last one made: counting them all for each block was
    # quadratic in the number of blocks (20,000 took 25 seconds)
    made = (item.index for item in reversed(note.note.items) if isinstance(item, Block))
    index = next(made, 0) + 1
    draft = BlockDraft(index, fence, next_fence, pending.options(fence, note), fence.body)
    draft.sphinx = sphinx
    problems = len(note.note.problems)
    for convention in conventions:
        convention(draft, note)
        if draft.rejected or draft.complete:
            break
    refusals = [p for p in note.note.problems[problems:] if p.severity == "error"]
    if draft.rejected and not refusals:
        return
    note.note.refusals += refusals
    pending.kept(note)
    code = draft.code
    if code is None:
        code = "\n".join(line.text for line in draft.code_lines)
    if not draft.doctest and draft.transcript is None:
        xdoctest_comments(code, fence.open_line + 1, note)
    note.note.items.append(
        Block(
            index=index,
            fence=fence,
            code=code,
            code_line=fence.body[0].line if fence.indented else fence.open_line + 1,
            output=draft.output,
            heading=note.heading(fence.open_line),
            doctest=draft.doctest,
            alternatives=tuple(alternative(output, note.lines) for output in draft.options.outputs),
            ipython=draft.transcript,
            refused=refusals[0] if refusals else None,
            compare=draft.compare,
            sphinx=draft.sphinx,
        )
    )
