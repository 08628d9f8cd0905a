"""IPython transcripts: ``In [n]:`` cells, each with its output under it or in the next
fence."""

from __future__ import annotations

from sybil.typing import Evaluator

from pytest_torchnotes.markdown.regions.parser import KindParser
from pytest_torchnotes.markdown.regions.reading import IPYTHON, Parsed
from pytest_torchnotes.run import kinds


class IPythonParser(KindParser):
    """One region per IPython transcript (:mod:`pytest_torchnotes.markdown.ipython_block`
    read it), evaluated by :data:`~pytest_torchnotes.run.kinds.IPYTHON`."""

    kind = IPYTHON
    name = "an IPython transcript"

    def evaluator(self, parsed: Parsed) -> Evaluator:
        return kinds.IPYTHON
