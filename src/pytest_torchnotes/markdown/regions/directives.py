"""Directives (skip, xfail, raises, requires, compare, timeout, warns, and the starts and ends
of skip and requires regions): a region whose evaluator applies it to the blocks after it."""

from __future__ import annotations

from sybil.typing import Evaluator

from pytest_torchnotes.markdown.regions.parser import KindParser
from pytest_torchnotes.markdown.regions.reading import DIRECTIVE, Parsed
from pytest_torchnotes.run.directives import evaluate_directive


class DirectiveParser(KindParser):
    """One region per directive that applies to blocks, evaluated by
    :func:`~pytest_torchnotes.run.directives.evaluate_directive` (it pushes the evaluator
    that applies it). The ``output`` and ``setup`` directives are a block's and a setup
    comment's own."""

    kind = DIRECTIVE
    name = "a directive"

    def evaluator(self, parsed: Parsed) -> Evaluator:
        return evaluate_directive
