"""Framework tabs of d2lbook's sources (*Dive into Deep Learning*, in English and Chinese).

A chapter holds each piece of code once per framework, in blocks of their own: the first
line of a block names its tab (``#@tab pytorch``, ``#@tab mxnet, tensorflow``, ``#@tab all``),
and a block without one is the book's default framework (MXNet). The published page shows
one tab at a time; here the PyTorch version runs: a block whose tab line names ``pytorch`` or
``all``. The others would fail on a machine without their framework, or run another
framework's code on PyTorch's tensors, so they are not run, and a warning names each one.
A note without any tab line is not concerned.

The sources of the book's 1.0 edition write the tab line as a cell magic of the
``d2lbook.tab`` extension (``%%tab pytorch``), which a notebook loads in a first block
(``%load_ext d2lbook.tab``, then ``tab.interact_select(...)``): there a block without a tab
line runs in every framework, as in the notebook, and the first block is not run (its
``tab`` object exists only in d2lbook), with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from pytest_torchnotes.markdown.hints import holds_any
from pytest_torchnotes.markdown.lexers import FenceLexeme, first_text

#: A tab line, the first line of text of a block: ``#@tab pytorch`` or ``#@tab mxnet, jax``,
#: or d2lbook 1.0's cell magic ``%%tab pytorch`` (group ``magic``).
TAB_LINE = re.compile(r"^[ \t]*(?:#[ \t]*@tab|(?P<magic>%%tab))\b[ \t]*(?P<tabs>[^\n]*?)[ \t]*$")

#: The first line of the block that loads d2lbook's tab extension in a 1.0 chapter.
TAB_EXTENSION = re.compile(r"^[ \t]*%load_ext[ \t]+d2lbook\.tab[ \t]*$")

#: The tabs that run here.
RUN_TABS = frozenset({"pytorch", "all"})


def tab_line(fence: FenceLexeme) -> str | None:
    """The tab line that opens a block, if any."""
    first = first_text(fence.body)
    return first.strip() if TAB_LINE.match(first) else None


#: The names the block that loads d2lbook's tab extension puts in the notebook's namespace.
EXTENSION_NAMES = frozenset({"tab"})


def extension_names(code: str) -> frozenset[str]:
    """The names ``code`` would define by loading d2lbook's tab extension (``tab``), which
    no statement of it binds.

    >>> sorted(extension_names("%load_ext d2lbook.tab\\ntab.interact_select('pytorch')"))
    ['tab']
    """
    first = next((line for line in code.split("\n") if line.strip()), "")
    return EXTENSION_NAMES if TAB_EXTENSION.match(first) else frozenset()


def loads_tabs(fence: FenceLexeme) -> bool:
    """Whether the block loads d2lbook's tab extension (``%load_ext d2lbook.tab``)."""
    return TAB_EXTENSION.match(first_text(fence.body)) is not None


#: What a note that has d2lbook tabs holds somewhere: a tab line (``#@tab``, ``# @tab``,
#: ``%%tab``) or the line that loads the tab extension.
TAB_HINTS = ("@tab", "%%tab", "%load_ext")


def mentions(text: str) -> bool:
    """Whether a note's ``text`` may hold d2lbook tabs: one search a note, where most hold
    none, instead of the first line of every block, twice.

    >>> mentions("```python\\n# @tab pytorch\\n```"), mentions("see the stable docs")
    (True, False)
    """
    return holds_any(text, TAB_HINTS)


def tabbed(fences: Sequence[FenceLexeme], languages: Container[str]) -> bool:
    """Whether a note's Python blocks are d2lbook tabs: one of them opens with a tab line.

    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> note = "```python\\n#@tab pytorch\\nimport torch\\n```\\n"
    >>> tabbed(MarkdownLexer()(note).fences, {"python"})
    True
    """
    return any(
        fence.language in languages and (tab_line(fence) or loads_tabs(fence)) for fence in fences
    )


def magic_tabs(fences: Sequence[FenceLexeme], languages: Container[str]) -> bool:
    """Whether a note's tab lines are d2lbook 1.0's cell magics (``%%tab pytorch``), where a
    block without one runs in every framework."""
    for fence in fences:
        line = tab_line(fence) if fence.language in languages else None
        if loads_tabs(fence) or (line is not None and line.startswith("%%")):
            return True
    return False


def not_run(fence: FenceLexeme, magic: bool = False) -> str | None:
    """Why a block of a tabbed note is not run: another framework's tab, or the default
    framework's block without a tab line (with ``magic``, tab lines are cell magics and such a
    block runs), the block that loads the tab extension; ``None`` for a block that runs.

    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> fences = MarkdownLexer()("```python\\n#@tab mxnet, tensorflow\\nx\\n```\\n").fences
    >>> not_run(fences[0])
    'its tab line `#@tab mxnet, tensorflow` names another framework (only pytorch and all run)'
    """
    if loads_tabs(fence):
        return (
            "it sets up the framework tabs of d2lbook (%load_ext d2lbook.tab), which are read "
            "from the %%tab line of each block here"
        )
    line = tab_line(fence)
    if line is None and magic:
        return None
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
