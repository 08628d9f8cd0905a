"""Directives as regions of a note: evaluating one pushes the evaluator that applies it, as
Sybil's skip directives push their ``Skipper``.

A block directive (skip, xfail, raises, requires, compare, timeout, warns) pushes a
:class:`NextBlock` that applies it to the next block's evaluation and pops itself; ``skip
start`` and ``requires start`` push a :class:`Between` that applies to every block and
setup comment until their end directive pops it. An evaluator applies a directive by
adding it to the example being evaluated (:func:`applied` gives them back), then leaves the
example to the evaluators under it (``NotEvaluated``): the block's evaluation folds what was
applied into its options (:func:`pytest_torchnotes.markdown.inforce.fold`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sybil import Document, Example
from sybil.example import NotEvaluated

from pytest_torchnotes.markdown.blocks import Block, SetupBlock
from pytest_torchnotes.markdown.directives import Directive
from pytest_torchnotes.markdown.inforce import ENDS, STARTS

#: The directives applied to each example being evaluated, until its evaluation takes them.
_APPLIED: WeakKeyDictionary[Example, list[Directive]] = WeakKeyDictionary()


def is_directive(example: Example) -> bool:
    """Whether ``example`` is a directive's region (not a block or setup comment)."""
    return isinstance(example.parsed, Directive)


def _apply(example: Example, directive: Directive) -> None:
    _APPLIED.setdefault(example, []).append(directive)


@dataclass(frozen=True)
class NextBlock:
    """Applies a block directive to the next block's evaluation, then pops itself."""

    directive: Directive

    def __call__(self, example: Example) -> None:
        if isinstance(example.parsed, Block):
            example.document.pop_evaluator(self)
            _apply(example, self.directive)
        raise NotEvaluated


@dataclass(frozen=True)
class Between:
    """Applies a ``skip start`` or ``requires start`` to every block and setup comment
    until its end directive is evaluated."""

    directive: Directive

    def __call__(self, example: Example) -> None:
        if isinstance(example.parsed, (Block, SetupBlock)):
            _apply(example, self.directive)
        raise NotEvaluated


def evaluate_directive(example: Example) -> None:
    """The evaluator of a directive's region: push the evaluator that applies it (an end
    directive pops its start's). It passes: what the directive says is judged with the
    blocks it applies to."""
    push(example.document, example.parsed)


def push(document: Document, directive: Directive) -> None:
    """What evaluating ``directive`` does to ``document``'s evaluators."""
    start = ENDS.get(type(directive))
    if start is not None:
        for evaluator in list(document.evaluators):
            if isinstance(evaluator, Between) and isinstance(evaluator.directive, start):
                document.pop_evaluator(evaluator)
    elif isinstance(directive, STARTS):
        document.push_evaluator(Between(directive))
    else:
        document.push_evaluator(NextBlock(directive))


def applied(example: Example) -> tuple[Directive, ...]:
    """The directives the document's evaluators applied to ``example``, in the order they
    are written in the note (taken: a second call gives none)."""
    return tuple(sorted(_APPLIED.pop(example, ()), key=lambda directive: directive.line))


def replay(example: Example, in_force: Sequence[Directive]) -> None:
    """Apply to ``example``'s block the directives a driver that may not evaluate every
    example (Sybil's items under ``-k`` or ``--deselect``) gives it: ``in_force``, the note's
    directives replayed up to the block
    (:func:`~pytest_torchnotes.markdown.inforce.in_force`), which are what the evaluators
    applied when every example before it was evaluated; :func:`applied` gives them back.
    The document's evaluators are left as if they had been: a region whose start was not
    evaluated is pushed, one whose end was not is popped, and a block directive whose
    block was not evaluated is not carried over to the next."""
    applied(example)
    document = example.document
    for evaluator in list(document.evaluators):
        if isinstance(evaluator, NextBlock) or (
            isinstance(evaluator, Between) and evaluator.directive not in in_force
        ):
            document.pop_evaluator(evaluator)
    for directive in in_force:
        if isinstance(directive, STARTS):
            document.push_evaluator(Between(directive))
    _APPLIED[example] = list(in_force)


def clear(document: Document) -> None:
    """Pop every evaluator a directive pushed: the note's run is over."""
    for evaluator in list(document.evaluators):
        if isinstance(evaluator, (NextBlock, Between)):
            document.pop_evaluator(evaluator)
