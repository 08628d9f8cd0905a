"""Output written as an HTML ``<pre>`` element after a block: shown, never compared.

Notes exported to HTML and pasted back into Markdown (and some Chinese blogs) write what a
block printed as raw HTML right after its fence::

    ```python
    sparse_image
    ```

    <pre>tensor([[[ 0,  1,  2,  3]],
            [[ 4,  5,  6,  7]]])</pre>

Raw HTML is not text the plugin reads as output (its entities, ``&lt;``, and tags such as
``<br>`` are markup), so nothing compares it. A note with blocks that have no output section
of their own and such a ``<pre>`` after them gets one warning, at the first of them, so that
its author does not take those values for checked. ``<pre><code>`` is code shown as HTML, not
output.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.lexers import quote_prefix
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.words import and_more

#: The first line of a ``<pre>`` element that holds output, not ``<pre><code>``.
PRE_OUTPUT = re.compile(r"^[ \t]*<pre(?:[ \t][^>]*)?>(?![ \t]*<code\b)", re.IGNORECASE)


def pre_output(note: NoteContext) -> None:
    """Warn once of ``<pre>`` elements right after blocks (only blank lines between) that
    have no output section and are not transcripts."""
    found: list[tuple[int, int]] = []
    for block in note.note.blocks:
        if block.output is not None or block.doctest or block.ipython is not None:
            continue
        close = block.fence.close_line
        assert close is not None
        first = note.first_text_line(close + 1, len(note.lines))
        if first is None:
            continue
        text = note.lines[first]
        depth = block.fence.quote_depth
        rest = text[len(quote_prefix(text, depth) or "") :] if depth else text
        if PRE_OUTPUT.match(rest):
            found.append((first, block.fence.open_line))
    if not found:
        return
    at, block_line = found[0]
    others = and_more(len(found), "block")
    note.problem(
        at,
        f"the HTML `<pre>` after the block at line {shown(block_line)} reads as what it "
        f"prints, but it is not compared{others}: raw HTML is not read as output; put the "
        "output in a fence marked output (```output) after the block",
        "warning",
    )
