"""Output written as comment lines that the comment output convention does not read: at the
end of a block with no label above them, or under a label in the middle of a block.

Blogs often paste what a block printed under its code as plain comments::

    torch.arange(8).reshape(2, 2, 2)
    # tensor([[[0, 1],
    #          [2, 3]],
    # ...

Without a label comment (``# Output:``) or ``#>`` lines (:mod:`.commentoutput`), such
comments cannot be told from remarks, so they are never read as output. A note whose blocks
have no output section of their own but end with such comments gets one warning, at the
first of them, so that its author does not take those values for checked. So does a note
with a label comment (``# Output:``) in the middle of a block, followed by more code: only the
comments at the end of a block are its output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pytest_torchnotes.markdown.bodytext import body_text
from pytest_torchnotes.markdown.commentoutput import (
    COMMENT_LABEL,
    COMMENT_LINE,
    comment_tail,
    find,
    is_code,
)
from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.knitr import reads_as_knitr_output
from pytest_torchnotes.markdown.layout import PRINTED_REPR
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.quoting import cut
from pytest_torchnotes.words import and_more

#: The ``#`` and the space of a comment line, before what it holds; knitr (R Markdown) and
#: the notes that copy its output write ``## `` before each line of it.
COMMENT_START = re.compile(r"^[ \t]*#+[ \t]*")


def unlabeled_comment_output(note: NoteContext) -> None:
    """Warn once of blocks that end with comment lines reading as printed output, under no
    label, in blocks that have no output section and are not transcripts."""
    found: list[BodyLine] = []
    for block in note.note.blocks:
        if block.output is not None or block.doctest or block.ipython is not None:
            continue
        first = trailing_output(block.fence.body)
        if first is not None:
            found.append(first)
    if not found:
        return
    others = and_more(len(found), "block")
    note.problem(
        found[0].line,
        f"the comments from `{cut(found[0].text.strip(), 40)}` to the end of the block read "
        f"as what it prints, but they are not compared{others}: write a `# Output:` line "
        "above them and set torchnotes_comment_output (--torchnotes-comment-output) to "
        "compare them, or put the output in a fence marked output (```output) after the block",
        "warning",
    )


def inner_labels(note: NoteContext) -> None:
    """Warn once of label comments followed by more code in their block, in blocks that
    are not transcripts."""
    found: list[BodyLine] = []
    for block in note.note.blocks:
        if not block.doctest and block.ipython is None:
            found.extend(inner_label(block.fence.body))
    if not found:
        return
    others = and_more(len(found))
    note.problem(
        found[0].line,
        f"`{cut(found[0].text.strip(), 40)}` stands in the middle of the block, with code "
        f"after it{others}: only comments at the end of a block can be its output, so the "
        "comments under it are not compared; end the block there, one block per output",
        "warning",
    )


def inner_label(body: Sequence[BodyLine]) -> list[BodyLine]:
    """The label comment lines of ``body`` with comment lines under them and code after
    those (a label right above code is a heading of that code).

    >>> def body(*texts):
    ...     return [BodyLine(n, "", text) for n, text in enumerate(texts)]
    >>> [line.line for line in inner_label(body("x", "# Output:", "# 1", "y", "# Output:"))]
    [1]
    >>> inner_label(body("# Output", "print(x)", "y")), inner_label(body("# out:", "# a"))
    ([], [])
    """
    last_code = len(body) - 1  # the last line of code, found from the end
    while last_code >= 0 and not is_code(body[last_code]):
        last_code -= 1
    if last_code <= 0:
        return []  # no code, or nothing before it that could be a label
    if "#" not in body_text(body):  # a label is a comment: most blocks hold none
        return []
    return [
        line
        for n, line in enumerate(body[:last_code])
        if "#" in line.text
        and COMMENT_LABEL.match(line.text)
        and COMMENT_LINE.match(body[n + 1].text)
    ]


def trailing_output(body: Sequence[BodyLine]) -> BodyLine | None:
    """The first of the comment lines that end ``body`` after its code, when it reads as
    printed output and no label or ``#>`` line makes them the block's output comments.

    >>> def body(*texts):
    ...     return [BodyLine(n, "", text) for n, text in enumerate(texts)]
    >>> trailing_output(body("x", "# tensor([1])", "#  2", "")).text
    '# tensor([1])'
    >>> trailing_output(body("x", "## torch.Size([2])")).text
    '## torch.Size([2])'
    >>> trailing_output(body("x", "# the sum")), trailing_output(body("# tensor([1])"))
    (None, None)

    knitr's ``##`` lines right under code that prints, when they hold what it could print
    (:mod:`.knitr`):

    >>> trailing_output(body('print("done", n)', "## done 3")).text
    '## done 3'
    >>> trailing_output(body("print(x)", "## see the docs")) is None
    True
    """
    if find(body) is not None:
        return None  # labeled or #> output: the comment output convention's
    tail, last = comment_tail(body)
    if tail == last or not any(line.text.strip() for line in body[:tail]):
        return None
    first = body[tail]
    if PRINTED_REPR.match(COMMENT_START.sub("", first.text)):
        return first
    code, comments = body[:tail], body[tail:last]
    knitr = reads_as_knitr_output([line.text for line in code], [line.text for line in comments])
    return first if knitr else None
