"""What the output conventions read and write while a note is parsed.

:class:`NoteContext` is the note: its lexemes, its format, its problems so far and the fences
already read as some block's output. :class:`BlockDraft` is one Python block on its way to a
:class:`~.blocks.Block`: each convention of :data:`.parsers.OUTPUT_CONVENTIONS` in turn may
read the block's expected output into it, report a problem, or reject the block.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown.blocks import OutputSection, ParsedNote, Problem
from pytest_torchnotes.markdown.hints import holds
from pytest_torchnotes.markdown.inforce import Options
from pytest_torchnotes.markdown.ipython import Transcript
from pytest_torchnotes.markdown.lexers import QUOTE, BodyLine, FenceLexeme, NoteLexemes
from pytest_torchnotes.markdown.lexing.sphinx_groups import GroupRun

if TYPE_CHECKING:
    from pytest_torchnotes.markdown.noteformat import NoteFormat


class NoteContext:
    """The note being parsed, as every convention sees it."""

    def __init__(
        self,
        note_format: NoteFormat,
        lexemes: NoteLexemes,
        note: ParsedNote,
        *,
        reads_indented: bool = False,
        runs_sessions: bool = False,
    ) -> None:
        self.format = note_format
        self.lexemes = lexemes
        self.lines = lexemes.lines
        self.note = note
        #: Indented text after a block is its output (:mod:`.indented`).
        self.reads_indented = reads_indented
        #: Indented ``>>>`` sessions run as transcripts (:mod:`.lexing.indented_sessions`).
        self.runs_sessions = runs_sessions
        #: 0-based lines inside an HTML comment.
        self.comment_lines: set[int] = set()
        for comment in lexemes.comments:
            last = comment.close_line if comment.close_line is not None else len(lexemes.lines)
            self.comment_lines.update(range(comment.open_line, last + 1))
        self._heading_lines = [heading.line for heading in lexemes.headings]
        #: Opening lines of fences, and lines of indented text, already read as a block's
        #: output.
        self.consumed: set[int] = set()
        #: Indented text not read as output: (0-based line, 0-based line of its block).
        self.unread_indented: list[tuple[int, int]] = []
        #: Labels whose output is an image: (0-based line, 0-based line of its block).
        self.image_outputs: list[tuple[int, int]] = []
        #: Blocks read without a copy button's label: (0-based line, the label's text).
        self.copy_buttons: list[tuple[int, str]] = []
        #: Fences that read as a block's output past prose: (0-based line, of its block, of
        #: the prose's first line), named in one warning (:func:`.layout.prose_between_warning`).
        self.outputs_past_prose: list[tuple[int, int, int]] = []
        #: Opening lines of pandoc's output divs of what a cell wrote to stderr
        #: (:mod:`.pandoc_outputs`), not compared.
        self.pandoc_stderr: list[int] = []
        #: Opening lines of fences named as a block's output that is not read: not Python
        #: to run, whatever their prompts look like (``>>> True`` under a block that prints).
        self.named_as_output: set[int] = set()
        self._triggers: dict[str, bool] = {}
        #: A block of a PyTorch tab, by its 0-based opening line, that other frameworks'
        #: tabs follow: the last fence of theirs and the fence after them, in an output tab
        #: of the same group (:func:`.framework_tabs.output_tabs`).
        self.output_tabs: dict[int, tuple[FenceLexeme, FenceLexeme]] = {}

    @cached_property
    def text(self) -> str:
        """The note's lines joined, for the searches of the whole note (made once)."""
        return "\n".join(self.lines)

    def holds(self, trigger: str) -> bool:
        """Whether the note's text holds ``trigger`` (:func:`.hints.holds`), looked for once a
        note: a convention asks it for each block, so that a note without its layout's
        trigger pays nothing more for it."""
        found = self._triggers.get(trigger)
        if found is None:
            found = self._triggers[trigger] = holds(self.text, trigger)
        return found

    def problem(self, line: int, message: str, severity: str = "error") -> None:
        """Report a problem at the 0-based ``line``."""
        self.note.problems.append(Problem(line, message, severity))

    def heading(self, line: int) -> str | None:
        """The text of the last heading above the 0-based ``line``."""
        position = bisect.bisect_right(self._heading_lines, line)
        return self.lexemes.headings[position - 1].text if position else None

    def first_text_line(self, start: int, stop: int) -> int | None:
        """The first line in ``[start, stop)`` that is neither blank nor a comment."""
        for index in range(start, stop):
            if index in self.comment_lines:
                continue
            line = self.lines[index]
            quotes = QUOTE.match(line)
            rest = line[quotes.end() :] if quotes else line
            if rest.strip():
                return index
        return None


@dataclass
class BlockDraft:
    """A closed Python fence and what the conventions have read about it so far."""

    #: 1-based position among the note's Python blocks.
    index: int
    fence: FenceLexeme
    #: The next fence of the note, if any: maybe the block's output.
    next_fence: FenceLexeme | None
    #: What the directives before the block say.
    options: Options
    #: The lines that are code (the marker convention cuts the output off).
    code_lines: Sequence[BodyLine] = ()
    #: The code when a convention rewrites it (an IPython transcript without its prompts).
    code: str | None = None
    output: OutputSection | None = None
    #: The block is a ``>>>`` transcript.
    doctest: bool = False
    #: Indented text after the block, read as its output when nothing else is.
    indented: OutputSection | None = None
    transcript: Transcript | None = None
    #: No block comes of the fence: a problem says why.
    rejected: bool = False
    #: A convention read the whole block: the conventions after it are not asked.
    complete: bool = False
    #: How the note's markup asks for the output to be compared (:attr:`.Block.compare`).
    compare: CompareOptions | None = None
    #: The groups of Sphinx's doctest the block runs in (:attr:`.Block.sphinx`).
    sphinx: GroupRun | None = None

    @property
    def body(self) -> tuple[BodyLine, ...]:
        return self.fence.body

    def reject(self, note: NoteContext, line: int, message: str) -> None:
        """No block comes of the fence: an error at the 0-based ``line`` says why."""
        note.problem(line, message)
        self.rejected = True


#: One output convention: reads what it knows about a block into its draft.
Convention = Callable[[BlockDraft, NoteContext], None]
