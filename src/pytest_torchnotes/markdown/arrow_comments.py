"""Output written as ``# =>`` (or ``# >>>``, ``# ->``) comment lines under the code that
prints it: shown, never compared.

English tutorials and model cards often write what a line printed on the comment lines right
under it, after an arrow or a prompt, anywhere in a block::

    print(embeddings.shape)
    # => (3, 64)

    similarities = cos_sim(embeddings[0], embeddings[1:])
    print(similarities)
    # => tensor([[0.8910, 0.1337]])

Such comments stand between lines of code, so they cannot be the block's output section
(:mod:`.commentoutput` reads only comments at the end of a block, under a label), and nothing
compares them. A note whose blocks have no output section of their own but hold such a line
gets one warning, at the first of them, so that its author does not take those values for
checked. The ``# =>`` lines that continue a ``# =>`` comment at the end of a code line are
left to :mod:`.inline_output`, which reports that comment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.layout import PRINTED_REPR
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.quoting import cut
from pytest_torchnotes.words import and_more

#: A comment line of its own that shows a value after an arrow: ``# => tensor([1.])``,
#: ``#=> (3, 64)``, ``# >>> tensor(inf)``, ``# -> torch.Size([2])``; group ``arrow`` is the
#: arrow, ``value`` what follows it.
ARROW_LINE = re.compile(r"^[ \t]*#[ \t]*(?P<arrow>=>|>>>|->)[ \t]*(?P<value>.*?)[ \t]*$")
#: A line of code that ends with an arrow comment: ``E  # => tensor([[...``.
INLINE_ARROW = re.compile(r"^[ \t]*[^#\s].*#[ \t]*(?:=>|>>>|->)")


def arrow_comments(note: NoteContext) -> None:
    """Warn once of ``# =>`` comment lines that read as printed output, in blocks that have
    no output section and are not transcripts."""
    found: list[BodyLine] = []
    for block in note.note.blocks:
        if block.output is None and not block.doctest and block.ipython is None:
            found.extend(arrow_lines(block.fence.body))
    if not found:
        return
    others = and_more(len(found))
    arrow = ARROW_LINE.match(found[0].text)
    assert arrow is not None
    note.problem(
        found[0].line,
        f"the comment `{cut(found[0].text.strip(), 40)}` shows what the code above it "
        f"prints, but it is not compared{others}: a `# {arrow.group('arrow')}` comment is "
        "not read as output; "
        "end the block after the code that prints it and put the output in a fence marked "
        "output (```output) after the block",
        "warning",
    )


def arrow_lines(body: Sequence[BodyLine]) -> list[BodyLine]:
    """The ``# =>`` lines of ``body`` that start a value read as printed output, leaving out
    those that continue a value (``# =>         [0, 1]])``) and those under a code line that
    ends with a ``# =>`` comment.

    >>> def body(*texts):
    ...     return [BodyLine(n, "", text) for n, text in enumerate(texts)]
    >>> [line.line for line in arrow_lines(body("x", "# => tensor([1])", "y", "#=> (3, 64)"))]
    [1, 3]
    >>> arrow_lines(body("E  # => tensor([[1],", "   # =>         [2]])", "# => the sum"))
    []
    >>> [line.line for line in arrow_lines(body("x", "# => tensor([[1],", "# =>  [2]])"))]
    [1]
    >>> [line.line for line in arrow_lines(body("x", "# >>> tensor(inf)", "# >>> x = 1"))]
    [1]
    """
    found = []
    continues = False  # the line above is an arrow comment, of its own or beside code
    for line in body:
        arrow = ARROW_LINE.match(line.text)
        if arrow is None:
            continues = bool(INLINE_ARROW.match(line.text))
            continue
        if not continues and PRINTED_REPR.match(arrow.group("value")):
            found.append(line)
        continues = True
    return found
