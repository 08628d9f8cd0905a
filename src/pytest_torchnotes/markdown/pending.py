"""Directives in HTML comments, waiting for the Python block they apply to.

A block's directives (skip, xfail, raises, requires, compare, timeout, warns, output) stand
right before it and become its :class:`Options`; ``skip start``/``end`` and ``requires
start``/``end`` open and close regions over the blocks between them; a ``setup`` comment is
a :class:`~.blocks.SetupBlock` of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown import directives as d
from pytest_torchnotes.markdown.blocks import SetupBlock
from pytest_torchnotes.markdown.lexers import CommentLexeme, FenceLexeme
from pytest_torchnotes.markdown.requirements import Requirement

if TYPE_CHECKING:
    from pytest_torchnotes.markdown.context import NoteContext


@dataclass
class Options:
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
class Pending:
    """Directives waiting for the block they apply to."""

    directives: list[d.Directive] = field(default_factory=list)
    skip_region: d.SkipStart | None = None
    requires_region: d.RequiresStart | None = None

    @property
    def region_requires(self) -> tuple[Requirement, ...]:
        region = self.requires_region
        return region.requirements if region is not None else ()

    @property
    def region_skip(self) -> str | None:
        return self.skip_region.reason if self.skip_region is not None else None

    def comment(self, comment: CommentLexeme, note: NoteContext) -> None:
        """Read a comment: a directive waits, a region opens or closes, setup code is kept."""
        try:
            directive = d.parse_directive(comment)
        except d.DirectiveError as error:
            note.problem(error.line, error.message)
            return
        if directive is None:
            return
        if isinstance(directive, d.Setup):
            note.note.items.append(
                SetupBlock(
                    directive.code,
                    directive.code_line,
                    directive.line + 1,
                    directive.end_line,
                    note.heading(directive.line),
                    self.region_skip,
                    self.region_requires,
                )
            )
        elif isinstance(directive, d.SkipStart):
            if self.skip_region is not None:
                opened = self.skip_region.line + 1
                note.problem(directive.line, f"skip start inside the skip started at line {opened}")
            self.skip_region = directive
        elif isinstance(directive, d.SkipEnd):
            if self.skip_region is None:
                note.problem(directive.line, "skip end without a skip start before it")
            self.skip_region = None
        elif isinstance(directive, d.RequiresStart):
            if self.requires_region is not None:
                opened = self.requires_region.line + 1
                note.problem(
                    directive.line, f"requires start inside the requires started at line {opened}"
                )
            self.requires_region = directive
        elif isinstance(directive, d.RequiresEnd):
            if self.requires_region is None:
                note.problem(directive.line, "requires end without a requires start before it")
            self.requires_region = None
        else:
            self.directives.append(directive)

    def options(self, fence: FenceLexeme, note: NoteContext) -> Options:
        """The waiting directives as the options of the block at ``fence``; each must sit
        right before it."""
        options = Options()
        seen: set[str] = set()
        for directive in self.directives:
            between = note.first_text_line(directive.end_line + 1, fence.open_line)
            if between is not None:
                note.problem(
                    directive.line,
                    f"directive must come directly before its block: line {between + 1} is in "
                    "between",
                )
            name, value = option(directive)
            if name in REPEATABLE:
                value = (*getattr(options, name), value)
            elif name in seen:
                note.problem(directive.line, f"second {name} directive for the same block")
            seen.add(name)
            setattr(options, name, value)
        self.directives = []
        return options

    def finish(self, note: NoteContext) -> None:
        """At the end of the note: what still waits applies to nothing."""
        for directive in self.directives:
            note.problem(directive.line, "directive is not followed by a Python block")
        if self.skip_region is not None:
            note.problem(
                self.skip_region.line, "skip start has no matching <!-- torchnotes: skip end -->"
            )
        if self.requires_region is not None:
            note.problem(
                self.requires_region.line,
                "requires start has no matching <!-- torchnotes: requires end -->",
            )


def option(directive: d.Directive) -> tuple[str, object]:
    """The :class:`Options` field a block directive sets, and its value."""
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
