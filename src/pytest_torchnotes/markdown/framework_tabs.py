"""Tabs of a published page that hold one version of the same code per framework.

Library docs and course pages show the code once per framework, in tabs of which the reader
sees one at a time: mkdocs-material's content tabs, Docusaurus's ``<TabItem>``, the tabs of
GitBook, Hugo and Hexo themes::

    === "PyTorch"
        ```python
        import torch
        ```
    === "Keras"
        ```python
        from tensorflow import keras
        ```

The PyTorch tab runs. A Python block in a tab whose title names another framework
(TensorFlow, Keras, JAX, MXNet, PaddlePaddle, MindSpore, ...), in a group of tabs of which one
names PyTorch, is the same code for that framework: it is not run, and a warning names it, as
d2lbook's tabs of other frameworks are not (:mod:`.tabs`). A tab of another framework in a
page with no PyTorch tab runs: nothing says the page has a version for PyTorch.

A tab of the same group after the other frameworks' tabs (``=== "Output"``), or the PyTorch
tab of the next group (Hugging Face's doc-builder: :mod:`.doc_builder`), may hold the
PyTorch block's output: the fence it holds is the one that follows the PyTorch block once
the tabs not run are passed over (:func:`output_tabs`).
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass

from pytest_torchnotes.markdown import doc_builder
from pytest_torchnotes.markdown.hints import holds_any
from pytest_torchnotes.markdown.lexers import FenceLexeme
from pytest_torchnotes.markdown.lexing.lines import width
from pytest_torchnotes.markdown.site_containers import comment_tab, tab_title, template_title
from pytest_torchnotes.notelines import shown

#: mkdocs-material's content tab (pymdownx.tabbed): ``=== "PyTorch"``, ``===+ "Keras"``; its
#: content is indented under it.
CONTENT_TAB = re.compile(r"^(?P<indent>[ \t]*)===[+!]?[ \t]+\"(?P<title>[^\"]*)\"[ \t]*$")

#: The lines that open a group of element tabs (``<Tabs>``, ``{% tabs %}``, ``{{< tabs >}}``,
#: ``<!-- tabs name -->``) and close one.
GROUP_OPEN = re.compile(
    r"^[ \t]*(?:<Tabs\b|\{%-?[ \t]*tabs\b|\{\{[<%][ \t]*tabs\b|<!--[ \t]*tabs\b|"
    rf"{doc_builder.GROUP_OPEN})"
)
GROUP_CLOSE = re.compile(
    r"^[ \t]*(?:</Tabs>|\{%-?[ \t]*endtabs\b|\{\{[<%][ \t]*/tabs\b|<!--[ \t]*endtabs\b|"
    rf"{doc_builder.GROUP_CLOSE})"
)

#: The line that closes an element tab.
TAB_CLOSE = re.compile(
    r"^[ \t]*(?:</TabItem>|\{%-?[ \t]*endtab\b|\{\{[<%][ \t]*/tab\b|"
    rf"{doc_builder.TAB_CLOSE})"
)

#: A tab title that names PyTorch (``PyTorch``, ``torch``, ``PyTorch Lightning``).
PYTORCH = re.compile(r"\b(?:py)?torch\b|\blightning\b", re.IGNORECASE)

#: A tab title that names another framework, whose code does not run on PyTorch.
OTHER_FRAMEWORK = re.compile(
    r"\b(?:tensorflow|tf2?|keras|jax|flax|mxnet|gluon|paddle(?:paddle)?|mindspore|oneflow"
    r"|chainer|caffe2?|theano|cntk|mlx|tinygrad)\b",
    re.IGNORECASE,
)

#: An mkdocs content tab anywhere in a note (not the ``=== output ===`` marker).
ANY_CONTENT_TAB = re.compile(r'^[ \t]*===[+!]?[ \t]+"', re.MULTILINE)

#: What a note with content tabs holds, as mkdocs-material's docs write them.
CONTENT_OPENINGS = ('=== "', '===+ "', '===! "')

#: What a note holds when it has element tabs: most notes are not read line by line.
ELEMENT_HINTS = ("<TabItem", "{% tab", "{%- tab", "{{< tab", "{{% tab", "<!-- tab")


@dataclass(frozen=True)
class Tab:
    """A tab that opens at a 0-based line, with its title and the group it belongs to."""

    line: int
    title: str
    #: The 0-based line where its group starts (the first tab of an mkdocs group, the line
    #: that opens an element group).
    group: int


def other_framework_fences(
    text: str, lines: Sequence[str], fences: Sequence[FenceLexeme]
) -> dict[int, str]:
    """Why each fence in a tab of another framework, beside a tab of PyTorch, is not run,
    by the 0-based line of its opening (``text`` is the note's, ``lines`` its lines)."""
    # a substring first: the regular expression tries every position of a note whose
    # output markers hold "===", which cost more than the rest of this module
    content = any(opening in text for opening in CONTENT_OPENINGS) and bool(
        ANY_CONTENT_TAB.search(text)
    )
    elements = holds_any(text, ELEMENT_HINTS) or doc_builder.mentions(text)
    if not content and not elements:
        return {}
    tabs = _tabs(lines, content=content, elements=elements)
    if not tabs:
        return {}
    pytorch_groups = {tab.group for tab in tabs if PYTORCH.search(tab.title)}
    found: dict[int, str] = {}
    for fence in fences:
        tab = _holder(fence.open_line, lines, tabs)
        if (
            tab is None
            or tab.group not in pytorch_groups
            or PYTORCH.search(tab.title)
            or not OTHER_FRAMEWORK.search(tab.title)
        ):
            continue
        found[fence.open_line] = (
            f'it is in the tab "{tab.title}" (line {shown(tab.line)}), the code for another '
            "framework beside a PyTorch tab; the page shows one tab at a time and the PyTorch "
            "one runs here"
        )
    return found


def _tabs(lines: Sequence[str], *, content: bool = True, elements: bool = True) -> list[Tab]:
    return (_content_tabs(lines) if content else []) + (_element_tabs(lines) if elements else [])


def output_tabs(
    lines: Sequence[str], fences: Sequence[FenceLexeme], not_run: Container[int]
) -> dict[int, tuple[FenceLexeme, FenceLexeme]]:
    """For each block in a PyTorch tab followed by fences of other frameworks' tabs
    (``not_run``, by 0-based opening line) and then by a fence in a tab of the same group
    that names no framework: the last fence not run, and that fence, by the 0-based
    opening line of the block. Whether that fence is the block's output is the output
    fence convention's to say, as if it followed the last fence not run."""
    tabs = _tabs(lines)
    found: dict[int, tuple[FenceLexeme, FenceLexeme]] = {}
    for position, fence in enumerate(fences):
        if fence.open_line in not_run:
            continue
        after = position + 1
        while after < len(fences) and fences[after].open_line in not_run:
            after += 1
        if after == position + 1 or after == len(fences):
            continue
        tab = _holder(fence.open_line, lines, tabs)
        holder = _holder(fences[after].open_line, lines, tabs)
        if (
            tab is not None
            and holder is not None
            and PYTORCH.search(tab.title)
            and holder.line > fences[after - 1].open_line
            and (
                # an output tab of the group (=== "Output")
                (
                    holder.group == tab.group
                    and not PYTORCH.search(holder.title)
                    and not OTHER_FRAMEWORK.search(holder.title)
                )
                # the PyTorch branch of the next group (doc-builder writes a block's output
                # in a group of its own): the output fence convention reads it only when
                # nothing but the lines of the branches stands between
                or (holder.group != tab.group and PYTORCH.search(holder.title) is not None)
            )
        ):
            found[fence.open_line] = (fences[after - 1], fences[after])
    return found


def _content_tabs(lines: Sequence[str]) -> list[Tab]:
    """The mkdocs content tabs: a group is the tabs at one indentation with nothing less
    indented between them; a tab may hold a group of its own, more indented."""
    tabs: list[Tab] = []
    # (indentation, group) of the groups that hold the line, outermost first
    open_groups: list[tuple[int, int]] = []
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        tab = CONTENT_TAB.match(line) if "===" in line else None
        column = width(line) - width(line.lstrip())
        # text as far out as a group's tabs ends that group, and those inside it
        while open_groups and open_groups[-1][0] > column:
            open_groups.pop()
        if tab is None:
            if open_groups and open_groups[-1][0] == column:
                open_groups.pop()
            continue
        if not open_groups or open_groups[-1][0] != column:
            open_groups.append((column, index))
        tabs.append(Tab(index, tab.group("title"), open_groups[-1][1]))
    return tabs


def _element_tabs(lines: Sequence[str]) -> list[Tab]:
    """The tabs of Docusaurus, GitBook, Hugo and Hexo: a group is what its opening and
    closing lines hold."""
    tabs: list[Tab] = []
    # the groups open at the line, innermost last: a tab may hold a group of its own; the
    # framework each names, for a doc-builder branch's {:else}
    open_groups: list[int] = []
    named: list[str | None] = []
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        if not stripped.startswith(("<", "{")):
            continue
        if GROUP_OPEN.match(line):
            open_groups.append(index)
            named.append(doc_builder.opened_framework(line))
            if named[-1] is not None:  # {#if fw === 'pt'} opens its first branch too
                title = doc_builder.branch_title(line, None)
                tabs.append(Tab(index, title or "", index))
            continue
        if GROUP_CLOSE.match(line):
            if open_groups:
                open_groups.pop()
                named.pop()
            continue
        title = (
            tab_title(line)
            or template_title(line)
            or comment_tab(line)
            or doc_builder.branch_title(line, named[-1] if named else None)
        )
        if title:
            tabs.append(Tab(index, title, open_groups[-1] if open_groups else -1))
    return tabs


def _holder(fence: int, lines: Sequence[str], tabs: Sequence[Tab]) -> Tab | None:
    """The tab that holds the fence opening at 0-based line ``fence``: the last tab above
    it, when nothing between closes it (a closing line, or text as far out as an mkdocs
    tab)."""
    above = [tab for tab in tabs if tab.line < fence]
    if not above:
        return None
    tab = above[-1]
    opening = lines[tab.line]
    if CONTENT_TAB.match(opening):
        column = width(opening) - width(opening.lstrip())
        for line in lines[tab.line + 1 : fence + 1]:
            if line.strip() and width(line) - width(line.lstrip()) <= column:
                return None
        return tab
    for line in lines[tab.line + 1 : fence]:
        if TAB_CLOSE.match(line) or GROUP_CLOSE.match(line) or comment_tab(line) == "":
            return None
    return tab
