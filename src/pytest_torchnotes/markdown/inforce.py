"""What the directives in force at a block say about it: the one fold from directives to a
block's :class:`Options`, and the replay that finds which directives are in force at each
block of a parsed note.

The fold is used at parse time (:mod:`.pending` checks each block's directives with it),
while a note runs (the evaluators that directive regions push, :mod:`..run.directives`,
give a block the directives they apply and the block's evaluation folds them), and by the
readers that need a block's options without running it (``torchnotes check`` and
``triage``) through :func:`options_by_line`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown import directives as d
from pytest_torchnotes.markdown.blocks import ParsedNote, SetupBlock
from pytest_torchnotes.markdown.requirements import Requirement


@dataclass
class Options:
    """What the directives before a block (or around it) say about it."""

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

#: Directives that open a region over the blocks up to their end directive.
STARTS = (d.SkipStart, d.RequiresStart)

#: Directives that close the region of the start directive of the same kind.
ENDS = {d.SkipEnd: d.SkipStart, d.RequiresEnd: d.RequiresStart}


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


def add(options: Options, directive: d.Directive) -> str | None:
    """Fold the block directive ``directive`` into ``options``; the name of the option when
    it was set already (a second directive of a kind that is given once)."""
    name, value = option(directive)
    if name in REPEATABLE:
        setattr(options, name, (*getattr(options, name), value))
        return None
    again = name if getattr(options, name) != getattr(Options(), name) else None
    setattr(options, name, value)
    return again


def fold(directives: Iterable[d.Directive]) -> Options:
    """The options of a block from the directives in force at it: its own block directives
    and the ``skip start`` / ``requires start`` regions it is in.

    A block's own ``skip`` wins over the region's reason; a region's requirements come
    before the block's own:

    >>> from pytest_torchnotes.markdown.requirements import parse_requirement
    >>> torch = (parse_requirement("torch>=2.0"),)
    >>> options = fold([d.RequiresStart(1, 1, torch), d.SkipStart(2, 2, "slow"),
    ...                 d.Skip(5, 5, "broken"), d.Timeout(6, 6, 3.0)])
    >>> options.skip, [r.text for r in options.requires], options.timeout
    ('broken', ['torch>=2.0'], 3.0)
    """
    options = Options()
    region_skip: str | None = None
    region_requires: tuple[Requirement, ...] = ()
    for directive in directives:
        if isinstance(directive, d.SkipStart):
            region_skip = directive.reason
        elif isinstance(directive, d.RequiresStart):
            region_requires = directive.requirements
        else:
            add(options, directive)
    # ``options`` is made here and held by no one else: set in place rather than copied
    if options.skip is None:
        options.skip = region_skip
    if region_requires:
        options.requires = (*region_requires, *options.requires)
    return options


def in_force(note: ParsedNote) -> dict[int, tuple[d.Directive, ...]]:
    """Replay the note's directives in document order: the directives in force at each block
    and setup comment, by the 0-based line of its first line.

    A setup comment is in the open regions only; a block also gets the block directives
    written since the block before it.
    """
    entries: list[tuple[int, d.Directive | None, int]] = [
        (directive.line, directive, -1) for directive in note.directives
    ]
    entries.extend((item.first_line, None, index) for index, item in enumerate(note.items))
    entries.sort(key=lambda entry: entry[0])
    regions: dict[type[d.Directive], d.Directive] = {}
    waiting: list[d.Directive] = []
    forces: dict[int, tuple[d.Directive, ...]] = {}
    for line, directive, index in entries:
        if directive is None:
            own = () if isinstance(note.items[index], SetupBlock) else tuple(waiting)
            forces[line] = (*regions.values(), *own)
            if own:
                waiting = []
        elif isinstance(directive, STARTS):
            regions[type(directive)] = directive
        elif type(directive) in ENDS:
            regions.pop(ENDS[type(directive)], None)
        else:
            waiting.append(directive)
    return forces


def options_by_line(note: ParsedNote) -> dict[int, Options]:
    """The options of every block and setup comment of ``note``, by its 0-based first line,
    for readers that do not run the note."""
    return {line: fold(directives) for line, directives in in_force(note).items()}


def applies_to_blocks(directive: d.Directive) -> bool:
    """Whether ``directive`` is a region of its own (applied to blocks when it is evaluated),
    not part of a block (``output``) or a block itself (``setup``)."""
    return not isinstance(directive, (d.Output, d.Setup))
