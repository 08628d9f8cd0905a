"""What a parsed note is made of: Python blocks, hidden setup code, their output sections."""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown.directives import Directive
from pytest_torchnotes.markdown.frontmatter import NoteConfig
from pytest_torchnotes.markdown.ipython import Transcript
from pytest_torchnotes.markdown.lexers import BodyLine, FenceLexeme
from pytest_torchnotes.markdown.lexing.sphinx_groups import GroupRun
from pytest_torchnotes.markdown.requirements import Requirement
from pytest_torchnotes.words import shorten


@dataclass(frozen=True)
class Problem:
    """Something wrong or suspicious in a note, at a 0-based line (shown 1-based)."""

    line_index: int
    message: str
    #: ``error`` stops the note from running; ``warning`` is reported and the note runs.
    severity: str = "error"

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", shorten(self.message))


@dataclass(frozen=True)
class NotRun:
    """A Python fence that is not run, at a 0-based line, with why and its code."""

    line_index: int
    why: str
    code: str


@dataclass(frozen=True)
class OutputSection:
    """Where a block's expected output is written in the note."""

    #: ``marker`` for text under an ``=== output ===`` line inside the block,
    #: ``fence`` for a separate output fence after the block, ``indented`` for indented text
    #: after it (:mod:`.indented`), ``comment`` for an ``output`` directive, ``transcript``
    #: for the wanted lines of a ``>>>`` example.
    kind: str
    #: Every line of the section, blank ones included.
    lines: tuple[BodyLine, ...]
    #: 0-based index of the first line of the section (the line after the marker or after
    #: the output fence's opening line).
    start: int
    #: 0-based index of the line that ends the section (the closing fence), just after its
    #: last line: an update replaces lines ``start`` to ``end`` when the section is empty.
    end: int
    #: What to write before a new line of output so that it sits where the old ones did.
    prefix: str
    #: The fence around the section: new output must not close it (``""``: none).
    fence: str = "```"
    #: Why ``--torchnotes-update`` must not write this section, naming the fix (a second
    #: output fence after it that the note would still hold); ``None`` when it may.
    not_writable: str | None = None
    #: A fence tagged like the blocks, read as output under a label because it holds no
    #: code (:mod:`.labeled_python`): new output must not read as code there.
    code_fence: bool = False
    #: The section of what the block printed and that of its last line's value, when its
    #: output is written in one of each (pandoc's output divs, :mod:`.pandoc_outputs`):
    #: update writes each part there when the new output splits the same way.
    by_source: tuple[OutputSection, OutputSection] | None = None
    #: 0-based line of a second output fence after this one, which is not read: a block
    #: that matches this section alone is verified only loosely (:mod:`.second_output`).
    unread_second: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def first_text_line(self) -> int:
        """0-based line of the first non-blank line (``start`` for an empty section)."""
        for line in self.lines:
            if line.text.strip():
                return line.line
        return self.start

    @property
    def blank_lines_compared(self) -> bool:
        """Indented output's blank lines are gaps between outputs as much as output."""
        return self.kind != "indented"

    def note_line(self, index: int) -> int:
        """0-based note line of line ``index`` of the compared text (blank edges dropped)."""
        if self.blank_lines_compared:
            return self.first_text_line + index
        texts = [line.line for line in self.lines if line.text.strip()]
        return texts[index] if index < len(texts) else self.start


@dataclass(frozen=True)
class Alternative:
    """Expected output for other versions: ``<!-- torchnotes: output torch<2.0 ... -->``."""

    requirements: tuple[Requirement, ...]
    #: The lines of the comment that hold the output (``kind`` is ``comment``).
    output: OutputSection
    #: 0-based line of the directive.
    first_line: int

    def describe(self) -> str:
        return " ".join(requirement.text for requirement in self.requirements)


@dataclass(frozen=True)
class Block:
    """A Python block of a note, its expected output and what its ``output`` directives
    hold; the other directives are regions of their own (:attr:`ParsedNote.directives`)."""

    #: 1-based position among the note's Python blocks.
    index: int
    fence: FenceLexeme
    code: str
    #: 0-based line of the first code line.
    code_line: int
    output: OutputSection | None
    heading: str | None
    #: The block is a ``>>>`` transcript.
    doctest: bool = False
    #: Expected output on other versions, in the order written.
    alternatives: tuple[Alternative, ...] = ()
    #: The cells of an IPython transcript (``In [n]:`` prompts).
    ipython: Transcript | None = None
    #: Why the block cannot run as written (a transcript with a line no prompt holds), at
    #: the line it names: the block fails with it, and the other blocks of the note run.
    refused: Problem | None = None
    #: How the note's own markup asks for its output to be compared (a Sphinx
    #: ``testoutput``, ``...`` matching any text as Sphinx's doctest has it): a ``compare``
    #: directive comes before it, the front matter and the options after it.
    compare: CompareOptions | None = None
    #: The groups of Sphinx's doctest it runs in, for a block of its directives.
    sphinx: GroupRun | None = None

    @property
    def first_line(self) -> int:
        """0-based index of the block's first line (its opening fence)."""
        return self.fence.open_line

    @property
    def last_line(self) -> int:
        """0-based index of the block's last line, its output fence included."""
        if self.output is not None and self.output.kind == "fence":
            return self.output.end
        if (
            self.output is not None
            and self.output.kind in ("indented", "quote")
            and self.output.lines
        ):
            return self.output.end - 1
        return self.fence.last_line

    @property
    def expected(self) -> str | None:
        return None if self.output is None else self.output.text

    @property
    def name(self) -> str:
        return f"block {self.index}"

    def describe(self) -> str:
        """``block 3 ('Autograd')`` for messages that already give the line."""
        if self.heading:
            return f"{self.name} ({self.heading!r})"
        return self.name


@dataclass(frozen=True)
class SetupBlock:
    """Code from a ``<!-- torchnotes: setup ... -->`` comment: run, never shown."""

    code: str
    #: 0-based line of the first code line.
    code_line: int
    #: 0-based index of the line that opens the comment.
    first_line: int
    #: 0-based index of the line that closes the comment.
    last_line: int
    heading: str | None

    @property
    def name(self) -> str:
        return "setup"

    def describe(self) -> str:
        return "setup code"


@dataclass
class ParsedNote:
    """A note after parsing: its blocks in order, its settings and its problems."""

    lines: list[str]
    items: list[Block | SetupBlock] = field(default_factory=list)
    #: The directives that apply to blocks (skip, xfail, raises, requires, compare, timeout,
    #: warns, and the start and end of skip and requires regions), in document order: each
    #: is a region of the note's document whose evaluator applies it.
    directives: list[Directive] = field(default_factory=list)
    config: NoteConfig = field(default_factory=NoteConfig)
    problems: list[Problem] = field(default_factory=list)
    #: The errors that refuse one block each (:attr:`Block.refused`): the block fails with
    #: it, and the note runs; every other error stops the note.
    refusals: list[Problem] = field(default_factory=list)
    #: Python fences that are not run (another framework's tab, a cell option, raw HTML),
    #: each with the warning that says why: a block that fails for a name one of them would
    #: have defined follows from it (run/followon.py).
    not_run: list[NotRun] = field(default_factory=list)

    @property
    def blocks(self) -> list[Block]:
        return [item for item in self.items if isinstance(item, Block)]

    @property
    def errors(self) -> list[Problem]:
        """The errors that stop the note: all but those that refuse a block of it."""
        if not self.problems:  # most notes: each parser of the note asks
            return []
        refusals = {id(problem) for problem in self.refusals}
        return [
            problem
            for problem in self.problems
            if problem.severity == "error" and id(problem) not in refusals
        ]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]
