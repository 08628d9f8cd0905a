"""Give the lexed regions of a note their meaning: blocks, output sections, directives."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.comparison.tracebacks import read_traceback
from pytest_torchnotes.markdown import directives as d
from pytest_torchnotes.markdown.blocks import (
    Alternative,
    Block,
    OutputSection,
    ParsedNote,
    Problem,
    SetupBlock,
)
from pytest_torchnotes.markdown.frontmatter import FrontMatterError, parse_front_matter
from pytest_torchnotes.markdown.indented import (
    indented_section,
    reads_indented,
    unread_after_image,
    unread_warnings,
)
from pytest_torchnotes.markdown.ipython import first_prompt, is_transcript, read_transcript
from pytest_torchnotes.markdown.ipython_split import read_split, starts_with_out
from pytest_torchnotes.markdown.layout import (
    LABELED_FENCES,
    OUTPUT_LOOKING,
    gap,
    read_as_output,
    unread_output,
)
from pytest_torchnotes.markdown.layout import OUTPUT_LABEL as OUTPUT_LABEL
from pytest_torchnotes.markdown.lexers import (
    QUOTE,
    BodyLine,
    CommentLexeme,
    FenceLexeme,
    HeadingLexeme,
    MarkdownLexer,
    NoteLexemes,
    width,
)
from pytest_torchnotes.markdown.requirements import Requirement

#: The line between a block's code and its expected output: ``======== output ==========``.
OUTPUT_MARKER = re.compile(r"^[ \t]*={3,}[ \t]*output[ \t]*:?[ \t]*={3,}[ \t]*$", re.IGNORECASE)

#: Info strings collected as Python blocks (the first word of the info string).
LANGUAGES = frozenset({"python", "py", "python3"})

#: Info strings that look like Python but are not collected; reported so nothing is lost.
PYTHON_LOOKING = re.compile(
    r"^[{.\s]*(?:python\d?|py\d?|ipython\d?|pycon|pytb|jupyter|pytorch|torch)(?![\w-])",
    re.IGNORECASE,
)

#: Content that looks like Python in a fence without an info string.
PYTHON_CONTENT = re.compile(r"^(?:>>> |import torch\b|from torch\b)", re.MULTILINE)


#: A Python block that starts with ``Out[n]:``: the output of prompts it does not follow.
STRAY_OUT = (
    "the Python block at line {line} starts with an Out[n]: line but follows no In [n]: "
    "prompts: put it right after the block of prompts (only blank lines or one label line "
    "between), or under its prompt"
)


@dataclass(frozen=True)
class NoteFormat:
    """The conventions a collection of notes is written in."""

    languages: frozenset[str] = LANGUAGES
    marker: re.Pattern[str] = OUTPUT_MARKER
    #: Info strings of an output fence right after a block; ``""`` is a bare fence.
    output_fences: frozenset[str] = frozenset({"output"})
    #: A label line allowed between a block and its output fence (``None``: no label).
    output_label: re.Pattern[str] | None = OUTPUT_LABEL
    #: Info strings of a fence read as output when a label line stands before it.
    labeled_fences: frozenset[str] = LABELED_FENCES
    #: Indented text right after a block is its output (``jupyter nbconvert --to markdown``);
    #: a note's front matter may say otherwise.
    indented_output: bool = False


@dataclass
class _Options:
    """What the directives before a block say about it."""

    skip: str | None = None
    xfail: str | None = None
    raises: d.Raises | None = None
    requires: tuple[Requirement, ...] = ()
    compare: CompareOptions | None = None
    timeout: float | None = None
    warns: tuple[d.Warns, ...] = ()
    outputs: tuple[d.Output, ...] = ()


#: Directives that may be given several times for one block.
REPEATABLE = frozenset({"warns", "outputs"})


@dataclass
class _Pending:
    """Directives waiting for the block they apply to."""

    directives: list[d.Directive] = field(default_factory=list)
    skip_region: d.SkipStart | None = None
    requires_region: d.RequiresStart | None = None

    @property
    def region_requires(self) -> tuple[Requirement, ...]:
        region = self.requires_region
        return region.requirements if region is not None else ()


class NoteParser:
    """Parse a note's text into a :class:`ParsedNote`."""

    def __init__(self, note_format: NoteFormat | None = None) -> None:
        self.format = note_format or NoteFormat()
        self.lexer = MarkdownLexer()

    def parse(self, text: str) -> ParsedNote:
        lexemes = self.lexer(text)
        note = ParsedNote(lines=lexemes.lines)
        note.problems.extend(
            Problem(problem.line + 1, problem.message, problem.severity)
            for problem in lexemes.problems
        )
        try:
            note.config = parse_front_matter(lexemes.front_matter)
        except FrontMatterError as error:
            note.problems.append(Problem(error.line + 1, error.message))
        _Builder(self.format, lexemes, note).build()
        note.problems.sort(key=lambda problem: problem.line)
        return note


class _Builder:
    """One pass over comments and fences in document order."""

    def __init__(self, note_format: NoteFormat, lexemes: NoteLexemes, note: ParsedNote) -> None:
        self.format = note_format
        self.lexemes = lexemes
        self.note = note
        self.pending = _Pending()
        self.comment_lines: set[int] = set()
        for comment in lexemes.comments:
            last = comment.close_line if comment.close_line is not None else len(lexemes.lines)
            self.comment_lines.update(range(comment.open_line, last + 1))
        self.heading_lines = [heading.line for heading in lexemes.headings]
        self.consumed: set[int] = set()  # output fences already given to a block
        #: Indented text not read as output: (0-based line, 1-based line of its block).
        self.unread_indented: list[tuple[int, int]] = []
        self.indented = reads_indented(note.config.indented_output, note_format.indented_output)

    def build(self) -> None:
        events: list[tuple[int, CommentLexeme | FenceLexeme]] = [
            (comment.open_line, comment) for comment in self.lexemes.comments
        ]
        events.extend((fence.open_line, fence) for fence in self.lexemes.fences)
        events.sort(key=lambda event: event[0])
        fences = self.lexemes.fences
        following = {fence.open_line: after for fence, after in itertools.pairwise(fences)}
        for _, event in events:
            if isinstance(event, CommentLexeme):
                self._comment(event)
            elif event.open_line not in self.consumed:
                self._fence(event, following.get(event.open_line))
        self._stray_markers()
        for line, message in unread_warnings(self.unread_indented, read=self.indented):
            self._problem(line, message, "warning")
        for directive in self.pending.directives:
            self._problem(directive.line, "directive is not followed by a Python block")
        if self.pending.skip_region is not None:
            self._problem(
                self.pending.skip_region.line,
                "skip start has no matching <!-- torchnotes: skip end -->",
            )
        if self.pending.requires_region is not None:
            self._problem(
                self.pending.requires_region.line,
                "requires start has no matching <!-- torchnotes: requires end -->",
            )

    def _stray_markers(self) -> None:
        """An output marker in prose usually means a fence is missing or misplaced."""
        covered = set(self.comment_lines)
        for fence in self.lexemes.fences:
            covered.update(range(fence.open_line, fence.last_line + 1))
        if self.lexemes.front_matter is not None:
            covered.update(range(self.lexemes.front_matter.close_line + 1))
        default = self.format.marker is OUTPUT_MARKER
        for index, line in enumerate(self.lexemes.lines):
            if index in covered or (default and "===" not in line):
                continue
            quotes = QUOTE.match(line)
            if self.format.marker.match(line[quotes.end() :] if quotes else line):
                self._problem(
                    index,
                    "output marker outside a code block: its block is not run with it "
                    "(is a fence missing or misplaced?)",
                    "warning",
                )

    def _problem(self, line: int, message: str, severity: str = "error") -> None:
        self.note.problems.append(Problem(line + 1, message, severity))

    def _heading(self, line: int) -> str | None:
        position = bisect.bisect_right(self.heading_lines, line)
        if position == 0:
            return None
        heading: HeadingLexeme = self.lexemes.headings[position - 1]
        return heading.text

    def _comment(self, comment: CommentLexeme) -> None:
        try:
            directive = d.parse_directive(comment)
        except d.DirectiveError as error:
            self._problem(error.line, error.message)
            return
        if directive is None:
            return
        if isinstance(directive, d.Setup):
            skip = self.pending.skip_region.reason if self.pending.skip_region else None
            self.note.items.append(
                SetupBlock(
                    directive.code,
                    directive.code_line,
                    directive.line + 1,
                    directive.end_line,
                    self._heading(directive.line),
                    skip,
                    self.pending.region_requires,
                )
            )
        elif isinstance(directive, d.SkipStart):
            if self.pending.skip_region is not None:
                opened = self.pending.skip_region.line + 1
                self._problem(
                    directive.line, f"skip start inside the skip started at line {opened}"
                )
            self.pending.skip_region = directive
        elif isinstance(directive, d.SkipEnd):
            if self.pending.skip_region is None:
                self._problem(directive.line, "skip end without a skip start before it")
            self.pending.skip_region = None
        elif isinstance(directive, d.RequiresStart):
            if self.pending.requires_region is not None:
                opened = self.pending.requires_region.line + 1
                self._problem(
                    directive.line, f"requires start inside the requires started at line {opened}"
                )
            self.pending.requires_region = directive
        elif isinstance(directive, d.RequiresEnd):
            if self.pending.requires_region is None:
                self._problem(directive.line, "requires end without a requires start before it")
            self.pending.requires_region = None
        else:
            self.pending.directives.append(directive)

    def _fence(self, fence: FenceLexeme, next_fence: FenceLexeme | None) -> None:
        if fence.language in self.format.languages:
            self._block(fence, next_fence)
            return
        if self.pending.directives:
            first = self.pending.directives[0]
            kind = f"{fence.fence}{fence.info}" if fence.info else f"{fence.fence} without language"
            self._problem(
                first.line,
                f"directive applies to the next Python block, but the next block "
                f"(line {fence.open_line + 1}) is {kind}",
            )
            self.pending.directives = []
        if self._looks_like_python(fence):
            self._problem(
                fence.open_line,
                f"{fence.fence}{fence.info} looks like Python but is not run: only blocks marked "
                f"{', '.join(sorted(self.format.languages))} are (rename the info string to run "
                f"it, or to text to silence this)",
                "warning",
            )

    def _looks_like_python(self, fence: FenceLexeme) -> bool:
        if fence.info:
            return PYTHON_LOOKING.match(fence.info) is not None
        text = "\n".join(line.text for line in fence.body)
        return PYTHON_CONTENT.search(text) is not None

    def _block(self, fence: FenceLexeme, next_fence: FenceLexeme | None) -> None:
        if fence.close_line is None:
            self.pending.directives = []
            return  # the lexer reported it; never run prose as code
        index = len(self.note.blocks) + 1
        options = self._directives(fence)
        body = fence.body
        if is_transcript(body):
            self._ipython(fence, next_fence, index, options)
            return
        if starts_with_out(fence):
            self._problem(fence.open_line, STRAY_OUT.format(line=fence.open_line + 1))
            return
        pattern, default = self.format.marker, self.format.marker is OUTPUT_MARKER
        markers = [
            (position, line)
            for position, line in enumerate(body)
            if (not default or "===" in line.text) and pattern.match(line.text)
        ]
        doctest = any(line.text.strip() for line in body) and next(
            line.text for line in body if line.text.strip()
        ).lstrip().startswith(">>>")
        output: OutputSection | None = None
        code_lines: Sequence[BodyLine] = body
        if len(markers) > 1:
            self._problem(
                markers[1][1].line,
                f"second output marker in one block (the first is at line "
                f"{markers[0][1].line + 1})",
            )
            return
        if markers and doctest:
            self._problem(
                markers[0][1].line,
                "a >>> block keeps its output after each prompt, not under an output marker",
            )
            return
        if markers:
            position, marker = markers[0]
            code_lines = body[:position]
            output = OutputSection(
                "marker",
                body[position + 1 :],
                marker.line + 1,
                fence.close_line,
                _content_prefix(fence, marker),
                fence.fence,
            )
        indented: OutputSection | None = None
        if self.indented and not markers and not doctest:
            indented = indented_section(self.lexemes.lines, fence)
        fenced = self._output_fence(
            fence,
            next_fence,
            warn=not markers and not doctest and not (indented is not None and indented.lines),
        )
        if fenced is not None and doctest:
            self._problem(
                fenced.open_line,
                f"the fence after the >>> transcript at line {fence.open_line + 1} is not read "
                "as its output: a transcript keeps each example's output under its prompt",
                "warning",
            )
            fenced = None
        if fenced is not None:
            if output is not None:
                self._problem(
                    fenced.open_line,
                    f"the block at line {fence.open_line + 1} has an output marker and an "
                    "output fence: keep one",
                )
                return
            if fenced.close_line is None:
                return
            self.consumed.add(fenced.open_line)
            output = OutputSection(
                "fence",
                fenced.body,
                fenced.open_line + 1,
                fenced.close_line,
                _content_prefix(fenced, None),
                fenced.fence,
            )
        if output is None and indented is not None:
            output = indented
            unread = unread_after_image(self.lexemes.lines, fence, indented)
            if unread is not None:
                self._problem(*unread, "warning")
        stray = _not_behind_a_prompt(body) if doctest else None
        if stray is not None:
            self._problem(
                stray.line,
                f"code not behind a >>> prompt in the transcript at line {fence.open_line + 1}: "
                "doctest takes it for prose and never runs it (put >>> before it, or, if it is "
                "output, write <BLANKLINE> for the blank line above it)",
            )
            return
        mixed = first_prompt(body) if doctest else None
        if mixed is not None:
            self._problem(
                mixed.line, "an In [n]: prompt in a >>> transcript: use one kind of prompt"
            )
            return
        if doctest and options.raises is not None:
            self._problem(
                fence.open_line,
                "raises does not apply to a >>> block: write the traceback in the transcript",
            )
            return
        if options.raises is not None:
            traceback = raises_and_traceback(output, options.outputs)
            if traceback is not None:
                self._problem(
                    options.raises.line,
                    f"raises and the traceback at line {traceback} both say what the block "
                    "raises: keep one (the traceback is compared and updated, raises is not)",
                )
                return
        code = "\n".join(line.text for line in code_lines)
        skip = options.skip
        if skip is None and self.pending.skip_region is not None:
            skip = self.pending.skip_region.reason
        self.note.items.append(
            Block(
                index=index,
                fence=fence,
                code=code,
                code_line=fence.open_line + 1,
                output=output,
                heading=self._heading(fence.open_line),
                doctest=doctest,
                skip=skip,
                xfail=options.xfail,
                raises=options.raises,
                requires=(*self.pending.region_requires, *options.requires),
                compare=options.compare,
                timeout=options.timeout,
                warns=options.warns,
                alternatives=tuple(self._alternative(output) for output in options.outputs),
            )
        )

    def _ipython(
        self, fence: FenceLexeme, next_fence: FenceLexeme | None, index: int, options: _Options
    ) -> None:
        """An IPython transcript (``In [n]:`` prompts); in the split form, its output is the
        next fence."""
        transcript, issues = read_transcript(fence.body)
        output = None
        fenced = self._output_fence(fence, next_fence, warn=False)
        if transcript.prompts_only and next_fence is not None and fenced is None:
            stop = next_fence.open_line
            label = self.format.output_label or OUTPUT_LABEL
            between = gap(self.lexemes.lines, fence, stop, label, self.comment_lines)
            if between.only_labels and len(between.labels) <= 1 and starts_with_out(next_fence):
                fenced = next_fence
        if transcript.prompts_only and fenced is None:
            self._output_fence(fence, next_fence, warn=True)  # output that is not read
        if fenced is not None and not transcript.prompts_only:
            self._problem(
                fenced.open_line,
                f"the fence after the IPython transcript at line {fence.open_line + 1} is not "
                "read as its output: the transcript has output under its prompts",
                "warning",
            )
        elif fenced is not None and fenced.close_line is not None:
            self.consumed.add(fenced.open_line)
            transcript, more = read_split(transcript, fenced)
            issues.extend(more)
            output = OutputSection(
                "fence",
                fenced.body,
                fenced.open_line + 1,
                fenced.close_line,
                _content_prefix(fenced, None),
                fenced.fence,
            )
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
            self._problem(line, message)
        if issues:
            return
        skip = options.skip
        if skip is None and self.pending.skip_region is not None:
            skip = self.pending.skip_region.reason
        self.note.items.append(
            Block(
                index=index,
                fence=fence,
                code=transcript.code,
                code_line=fence.open_line + 1,
                output=output,
                heading=self._heading(fence.open_line),
                skip=skip,
                xfail=options.xfail,
                requires=(*self.pending.region_requires, *options.requires),
                compare=options.compare,
                timeout=options.timeout,
                warns=options.warns,
                ipython=transcript,
            )
        )

    def _alternative(self, directive: d.Output) -> Alternative:
        body = directive.body
        quotes = QUOTE.match(self.lexemes.lines[directive.line])
        indent = quotes.group() if quotes else ""
        prefix = next((line.prefix for line in body if line.text.strip()), indent)
        section = OutputSection(
            "comment", body, directive.line + 1, directive.end_line, prefix, "-->"
        )
        return Alternative(directive.requirements, section, directive.line + 1)

    def _directives(self, fence: FenceLexeme) -> _Options:
        """The pending directives as block options; check each sits right before the block."""
        options = _Options()
        seen: set[str] = set()
        for directive in self.pending.directives:
            gap = self._first_text_line(directive.end_line + 1, fence.open_line)
            if gap is not None:
                self._problem(
                    directive.line,
                    f"directive must come directly before its block: line {gap + 1} is in between",
                )
            name, value = _option(directive)
            if name in REPEATABLE:
                value = (*getattr(options, name), value)
            elif name in seen:
                self._problem(directive.line, f"second {name} directive for the same block")
            seen.add(name)
            setattr(options, name, value)
        self.pending.directives = []
        return options

    def _first_text_line(self, start: int, stop: int) -> int | None:
        """The first line in ``[start, stop)`` that is neither blank nor a comment."""
        for index in range(start, stop):
            if index in self.comment_lines:
                continue
            line = self.lexemes.lines[index]
            quotes = QUOTE.match(line)
            rest = line[quotes.end() :] if quotes else line
            if rest.strip():
                return index
        return None

    def _output_fence(
        self, fence: FenceLexeme, candidate: FenceLexeme | None, *, warn: bool
    ) -> FenceLexeme | None:
        """The output fence that follows ``fence`` in the configured convention, if any.

        With ``warn``, what looks like the block's output but is not read is a warning."""
        if fence.close_line is None:
            return None
        note_format = self.format
        stop = candidate.open_line if candidate is not None else len(self.lexemes.lines)
        label = note_format.output_label
        # Past prose, only a fence that looks like output can still be reported.
        to_the_end = (
            warn
            and candidate is not None
            and candidate.language.lower() in (OUTPUT_LOOKING | note_format.output_fences)
        )
        lines, comments = self.lexemes.lines, self.comment_lines
        between = gap(lines, fence, stop, label or OUTPUT_LABEL, comments, to_the_end=to_the_end)
        if label is None:
            between.prose = sorted(between.prose + between.labels)
            between.labels = []
        labeled = note_format.labeled_fences if label is not None else frozenset()
        if candidate is not None and read_as_output(
            candidate, between, note_format.output_fences, labeled
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
                note_format.languages,
                labels_read=label is not None,
            )
            if unread is not None and unread[0] == between.indented:
                self.unread_indented.append((unread[0], fence.open_line + 1))
            elif unread is not None:
                self._problem(*unread, "warning")
        return None


def _option(directive: d.Directive) -> tuple[str, object]:
    if isinstance(directive, d.Skip):
        return "skip", directive.reason
    if isinstance(directive, d.Xfail):
        return "xfail", directive.reason
    if isinstance(directive, d.Raises):
        return "raises", directive
    if isinstance(directive, d.Requires):
        return "requires", directive.requirements
    if isinstance(directive, d.Compare):
        return "compare", directive.options
    if isinstance(directive, d.Warns):
        return "warns", directive
    if isinstance(directive, d.Output):
        return "outputs", directive
    assert isinstance(directive, d.Timeout), directive
    return "timeout", directive.seconds


def raises_and_traceback(output: OutputSection | None, outputs: Sequence[d.Output]) -> int | None:
    """The 1-based line of a traceback in the block's expected output, if there is one."""
    sections = [output.lines] if output is not None else []
    sections.extend(directive.body for directive in outputs)
    for lines in sections:
        expected = read_traceback("\n".join(line.text for line in lines))
        if expected is not None:
            return lines[expected.header].line + 1
    return None


def _not_behind_a_prompt(body: Sequence[BodyLine]) -> BodyLine | None:
    """The first line of a transcript that follows a blank line without a ``>>>`` prompt
    (a comment aside): doctest would take it for prose and never run it."""
    after_blank = False
    for line in body:
        text = line.text.strip()
        if not text:
            after_blank = True
        elif text.startswith(">>>"):
            after_blank = False
        elif after_blank and not text.startswith("#"):
            return line
    return None


def _content_prefix(fence: FenceLexeme, after: BodyLine | None) -> str:
    """The prefix new output lines need: that of an existing content line when there is one,
    else the opening fence's prefix with its list marker turned into spaces."""
    candidates = [line for line in fence.body if line.text.strip()]
    if after is not None:
        candidates = [line for line in candidates if line.line > after.line] or [after]
    if candidates:
        return candidates[0].prefix
    quotes = QUOTE.match(fence.prefix)
    quote = quotes.group() if quotes else ""
    return quote + " " * width(fence.prefix[len(quote) :])
