"""The output of a Sphinx ``testcode``: the body of the ``testoutput`` after it.

Sphinx's doctest compares what a ``testcode`` body prints with the ``testoutput`` body that
follows it (:mod:`.lexing.sphinx_doctests` pairs them), with ``...`` matching any text
unless the ``testoutput``'s ``:options:`` say ``-ELLIPSIS``; ``:hide:`` only hides the
output on the page, and it is compared all the same. A ``testcode`` with no ``testoutput``
and a ``testsetup`` run with nothing compared.
"""

from __future__ import annotations

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.indented import KIND

#: How a ``testoutput`` that leaves ``ELLIPSIS`` on is compared.
ELLIPSIS = CompareOptions("ellipsis")


def read(draft: BlockDraft, note: NoteContext) -> None:
    """The ``testoutput`` body after the block's ``testcode``, as its output."""
    found = next(
        (
            doctest
            for doctest in note.lexemes.sphinx_doctests
            if doctest.code.body.open_line == draft.fence.open_line
        ),
        None,
    )
    if found is None or found.output is None:
        return
    body = found.output.body
    prefix = next(line.prefix for line in body.body if line.text.strip())
    draft.output = OutputSection(KIND, body.body, body.open_line, body.last_line + 1, prefix, "")
    if found.output.ellipsis:
        draft.compare = ELLIPSIS
