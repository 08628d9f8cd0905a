"""What may stand in a transcript above its first prompt: lines the interpreter never reads.

PyTorch's own notes open a ``>>>`` transcript with a comment line (``# can line up trailing
dimensions``), and tutorials open a session with the shell command that starts it
(``$ ipython``, then ``In [1]: import torch``). Doctest reads the text before the first
example as prose, and so does the reading of an IPython transcript: a block whose first line
that is not such a lead-in is a prompt is a transcript.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pytest_torchnotes.markdown.lexing.lines import BodyLine

#: A comment line, or the shell command that starts the interpreter of the session
#: (``$ python``, ``$ python3 -i``, ``% ipython``, ``C:\\> python``).
LEAD_IN = re.compile(
    r"^[ \t]*(?:#.*"
    r"|(?:[$%]|[A-Za-z]:\\[^>]*>)[ \t]*(?:python|ipython|py)(?:\d[\d.]*)?(?:[ \t].*)?)$"
)


def first_line_after_lead_in(body: Sequence[BodyLine]) -> str | None:
    """The text of the first line of ``body`` that is neither blank nor a lead-in.

    >>> [first_line_after_lead_in([BodyLine(i, "", t) for i, t in enumerate(lines)])
    ...  for lines in (["$ ipython", "In [1]: 1"], ["# note", "", ">>> 1"], ["# only"])]
    ['In [1]: 1', '>>> 1', None]
    """
    return next(
        (line.text for line in body if line.text.strip() and not LEAD_IN.match(line.text)),
        None,
    )
