"""Framework tabs of d2lbook's sources (*Dive into Deep Learning*, in English and Chinese).

A chapter holds each piece of code once per framework, in blocks of their own: the first
line of a block names its tab (``#@tab pytorch``, ``#@tab mxnet, tensorflow``, ``#@tab all``),
and a block without one is the book's default framework (MXNet). The published page shows
one tab at a time; here the PyTorch version runs: a block whose tab line names ``pytorch`` or
``all``. The others would fail on a machine without their framework, or run another
framework's code on PyTorch's tensors, so they are not run, and a warning names each one.
A note without any tab line is not concerned.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from pytest_torchnotes.markdown.lexers import FenceLexeme

#: A tab line, the first line of text of a block: ``#@tab pytorch`` or ``#@tab mxnet, jax``.
TAB_LINE = re.compile(r"^[ \t]*#[ \t]*@tab\b[ \t]*(?P<tabs>[^\n]*?)[ \t]*$")

#: The tabs that run here.
RUN_TABS = frozenset({"pytorch", "all"})


def tab_line(fence: FenceLexeme) -> str | None:
    """The tab line that opens a block, if any."""
    first = next((line.text for line in fence.body if line.text.strip()), "")
    return first.strip() if TAB_LINE.match(first) else None


def tabbed(fences: Sequence[FenceLexeme], languages: Container[str]) -> bool:
    """Whether a note's Python blocks are d2lbook tabs: one of them opens with a tab line.

    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> note = "```python\\n#@tab pytorch\\nimport torch\\n```\\n"
    >>> tabbed(MarkdownLexer()(note).fences, {"python"})
    True
    """
    return any(fence.language in languages and tab_line(fence) for fence in fences)


def not_run(fence: FenceLexeme) -> str | None:
    """Why a block of a tabbed note is not run: another framework's tab, or the default
    framework's block without a tab line; ``None`` for a block that runs.

    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> fences = MarkdownLexer()("```python\\n#@tab mxnet, tensorflow\\nx\\n```\\n").fences
    >>> not_run(fences[0])
    'its tab line `#@tab mxnet, tensorflow` names another framework (only pytorch and all run)'
    """
    line = tab_line(fence)
    if line is None:
        return (
            "it has no #@tab line in a note whose blocks are d2lbook tabs, so it is the "
            "default framework's code (MXNet): open it with #@tab pytorch to run it"
        )
    match = TAB_LINE.match(line)
    assert match is not None
    tabs = {tab.strip().lower() for tab in match.group("tabs").split(",")}
    if tabs & RUN_TABS:
        return None
    return f"its tab line `{line}` names another framework (only pytorch and all run)"
