"""Directives in HTML comments, checked before anything runs.

A block's directives (skip, xfail, raises, requires, compare, timeout, warns, output) must
stand right before it, once each; ``skip start``/``end`` and ``requires start``/``end`` must
match. Every directive but ``output`` and ``setup`` is kept in
:attr:`~.blocks.ParsedNote.directives`, a region of its own whose evaluator applies it when
the note runs; the block's options are the fold of :mod:`.inforce`, here as there. A
``setup`` comment is a :class:`~.blocks.SetupBlock` of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_torchnotes.markdown import directives as d
from pytest_torchnotes.markdown.blocks import SetupBlock
from pytest_torchnotes.markdown.inforce import Options, add, applies_to_blocks
from pytest_torchnotes.markdown.lexers import CommentLexeme, FenceLexeme
from pytest_torchnotes.notelines import shown

if TYPE_CHECKING:
    from pytest_torchnotes.markdown.context import NoteContext


@dataclass
class Pending:
    """Directives waiting for the block they apply to."""

    directives: list[d.Directive] = field(default_factory=list)
    skip_region: d.SkipStart | None = None
    requires_region: d.RequiresStart | None = None
    #: The directives of the block being read (see :meth:`kept`).
    taken: list[d.Directive] = field(default_factory=list)

    def comment(self, comment: CommentLexeme, note: NoteContext) -> None:
        """Read a comment: a directive waits, a region opens or closes, setup code is kept."""
        try:
            directive = d.parse_directive(comment)
        except d.DirectiveError as error:
            note.problem(error.line, error.message)
            return
        if directive is None:
            return
        if isinstance(directive, (d.SkipStart, d.SkipEnd, d.RequiresStart, d.RequiresEnd)):
            note.note.directives.append(directive)
        if isinstance(directive, d.Setup):
            note.note.items.append(
                SetupBlock(
                    directive.code,
                    directive.code_line,
                    directive.line,
                    directive.end_line,
                    note.heading(directive.line),
                )
            )
        elif isinstance(directive, d.SkipStart):
            if self.skip_region is not None:
                opened = shown(self.skip_region.line)
                note.problem(directive.line, f"skip start inside the skip started at line {opened}")
            self.skip_region = directive
        elif isinstance(directive, d.SkipEnd):
            if self.skip_region is None:
                note.problem(directive.line, "skip end without a skip start before it")
            self.skip_region = None
        elif isinstance(directive, d.RequiresStart):
            if self.requires_region is not None:
                opened = shown(self.requires_region.line)
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
        right before it. They are the block's regions once it is kept (:meth:`kept`)."""
        options = Options()
        for directive in self.directives:
            between = note.first_text_line(directive.end_line + 1, fence.open_line)
            if between is not None:
                note.problem(
                    directive.line,
                    f"directive must come directly before its block: line {shown(between)} is in "
                    "between",
                )
            again = add(options, directive)
            if again is not None:
                note.problem(directive.line, f"second {again} directive for the same block")
        self.taken, self.directives = self.directives, []
        return options

    def kept(self, note: NoteContext) -> None:
        """The block the directives last taken by :meth:`options` went to is kept: they
        become regions of the note."""
        note.note.directives.extend(filter(applies_to_blocks, self.taken))
        self.taken = []

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
