"""Output in a string at the end of a block: the code, then a triple-quoted string that
holds an output label (``output:``, ``输出：``), maybe under a rule (``--------``), and what
the code printed::

    print(t1)

    \"\"\"
    --------
    output:

    tensor([1, 2, 3])
    \"\"\"

Tutorials written to run as they are keep their output so: the string is a statement that
does nothing. The lines under the label up to the closing quotes are the block's output, an
output section of the marker's kind; the string is not run. Only a block whose last line
is ``\"\"\"`` (or ``'''``) is looked at: most blocks pay one comparison.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.layout import LABEL_LENGTH, OUTPUT_LABEL
from pytest_torchnotes.markdown.lexing.fence_content import content_end
from pytest_torchnotes.markdown.sections import content_prefix

#: The quotes that open and close the string, alone on their lines.
QUOTES = ('"""', "'''")

#: A rule over the label (``--------``, ``=====``).
RULE = re.compile(r"^[ \t]*[-=_*]{3,}[ \t]*$")

#: What section kind the output is: written inside the block, as under a marker.
KIND = "marker"


def read(draft: BlockDraft, note: NoteContext) -> None:
    """The output in the string that ends the block, when it holds an output label."""
    if draft.output is not None or draft.doctest or not draft.code_lines:
        return
    code = draft.code_lines
    last = len(code) - 1
    while last > 0 and not code[last].text.strip():
        last -= 1
    if (quotes := code[last].text.strip()) not in QUOTES:
        return  # most blocks: one line looked at
    lines = list(code[: last + 1])
    closing = len(lines) - 1
    opening = next(
        (at for at in range(closing - 1, -1, -1) if lines[at].text.strip() == quotes), None
    )
    if opening is None or opening == 0:
        return  # a block that is only a string: a value shown, not output under a label
    label = opening + 1
    while label < closing and (not lines[label].text.strip() or RULE.match(lines[label].text)):
        label += 1
    pattern = note.format.output_label or OUTPUT_LABEL
    text = lines[label].text.strip() if label < closing else ""
    if len(text) > LABEL_LENGTH or not pattern.match(text):
        return
    # the blank lines under the label are the label's: an empty output is written after them
    first = label + 1
    while first < closing and not lines[first].text.strip():
        first += 1
    end = min(lines[closing].line, content_end(draft.fence))
    draft.code_lines = lines[:opening]
    draft.output = OutputSection(
        KIND,
        tuple(lines[first:closing]),
        lines[first].line if first < closing else end,
        end,
        content_prefix(draft.fence, lines[label]),
        quotes,
    )
