"""Output that knitr (R Markdown, Quarto's knitr engine) wrote under a block: ``##`` lines.

knitr writes what a chunk printed under its code, each line behind ``## ``, and notes made
with it (or copied from its pages) keep them in the block::

    x = torch.ones(2)
    print("sum:", x.sum().item())
    ## sum: 2.0

Such lines are comments to Python: unless a ``# Output:`` label reads them
(:mod:`.commentoutput`), they are not compared, and the block would count as ``ran`` with
its output unchecked. They are told from an author's own ``##`` remarks by evidence: they end
the block right under its code (no blank line between), the code prints, and what they hold
could have been printed (a number, a repr, or text the code's ``print`` calls hold).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pytest_torchnotes.markdown.layout import PRINTED_REPR

#: A line knitr writes output on: ``##`` alone (a blank line of output) or ``## `` and text.
KNITR_LINE = re.compile(r"^[ \t]*##(?: (?P<text>.*)|[ \t]*)$")

#: Code that prints: a call of ``print``, ``display`` or ``pprint``.
PRINTS = re.compile(r"\b(?:print|pprint|display)\(")

#: A string literal in a line of code (one line; no escapes followed), its text in ``text``.
STRING = re.compile(r"""(?P<quote>["'])(?P<text>(?:(?!(?P=quote)).)+)(?P=quote)""")

#: Text that reads as printed: a digit, or what a repr starts with.
DIGIT = re.compile(r"\d")


def reads_as_knitr_output(code: Sequence[str], comments: Sequence[str]) -> bool:
    """Whether the comment lines ``comments``, right under the lines of ``code`` at the end
    of a block, are knitr's output of that code.

    >>> reads_as_knitr_output(['print("done")'], ["## done"])
    True
    >>> reads_as_knitr_output(["print(x.shape)"], ["## torch.Size([2, 3])"])
    True
    >>> reads_as_knitr_output(["print(x)"], ["## Note: this is slow"])
    False
    >>> reads_as_knitr_output(["y = 2"], ["## 2"]), reads_as_knitr_output(["print(1)"], ["# 1"])
    (False, False)
    """
    if not comments or not code or not code[-1].strip():
        return False  # a blank line between code and comments: the comments stand apart
    texts = []
    for line in comments:
        knitr = KNITR_LINE.match(line)
        if knitr is None:
            return False
        texts.append((knitr.group("text") or "").strip())
    if not any(PRINTS.search(line) for line in code):
        return False
    printed = {
        literal.group("text").strip()
        for line in code
        if PRINTS.search(line)
        for literal in STRING.finditer(line)
    }
    printed.discard("")
    return any(
        DIGIT.search(text)
        or PRINTED_REPR.match(text)
        or any(literal in text for literal in printed)
        for text in texts
        if text
    )
