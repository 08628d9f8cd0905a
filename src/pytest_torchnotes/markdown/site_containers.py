"""The containers that publishing tools put around a block's output, and their titles: the
fenced divs of Pandoc, Quarto, VuePress, VitePress and MyST (``::: details 运行结果``,
``::: {.cell-output .cell-output-stdout}``, ``:::{admonition} Output``), Obsidian's callouts
(``> [!example]- Output``), the tabs of Docusaurus (``<TabItem label="Output">``), GitBook and
Hugo themes (``{% tab title="Output" %}``, ``{{< tab "Output" >}}``) and Hexo's themes
(``<!-- tab 输出 -->``). :mod:`.wrappers` asks for the title of a line that opens one, and
:mod:`.layout` reads a title as a label line when the note's label pattern matches it; the
lines that close one, or open one with no title, stand between a block and its output.
"""

from __future__ import annotations

import re

#: The lines that open or close a container without giving it a title: the ``:::`` that
#: closes a fenced div, the ``</TabItem>`` that closes a Docusaurus tab, and the tags of GitBook
#: and Hugo around tabs and code that give none (``{% tabs %}``, ``{% endtab %}``,
#: ``{% code overflow="wrap" %}``, ``{{% /tab %}}``); part of :data:`.wrappers.WRAPPER_LINE`.
WRAPPERS = (
    r":{3,}|</TabItem>|(?:\{%-?|\{\{[<%])[ \t]*(?:end|/)?(?:tabs?|code)\b(?![ \t]*[\"'])"
    r"(?![^%>]*\b(?:title|header|name)=)[^%>]*(?:-?%\}|[>%]\}\})"
)

#: A ``title="..."`` attribute (a Quarto callout's).
TITLE = re.compile(r"""(?:^|\s)title=(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""")

#: A fenced div: a container of markdown-it (VuePress, VitePress: ``::: details 运行结果``,
#: ``::: tip 输出``), Pandoc and Quarto (``::: {.cell-output .cell-output-stdout}``, ``::: Note
#: :::``) or MyST (``:::{admonition} Output``). Its title is the text after its kind or its
#: attributes, else its kind, else what its classes say it holds (:data:`DIV_CLASSES`).
FENCED_DIV = re.compile(
    r"^[ \t]*:{3,}[ \t]*(?:\{(?P<attributes>[^}]*)\}|(?P<kind>[\w-]+))?(?P<text>.*)$"
)

#: The ``:::`` that may end the line of a Pandoc div after its title (``::: Note :::``).
CLOSING_COLONS = re.compile(r":{3,}[ \t]*$")

#: A class of a fenced div (``.output``, Quarto's ``.cell-output-stdout``).
DIV_CLASS = re.compile(r"(?:^|\s)\.(?P<name>[\w-]+)")

#: What the classes of a Quarto cell's output divs say they hold, as a label: what the cell
#: printed, and the value its last line displayed. Its ``.cell-output-stderr`` (warnings) and
#: ``.cell-output-error`` (a traceback with terminal colours) are not output the plugin reads.
DIV_CLASSES = {
    "cell-output-stdout": "stdout",
    "cell-output-display": "output",
    # sphinx-gallery's block of what a tutorial's cell printed, as pytorch.org's pages hold it
    "sphx-glr-script-out": "output",
}

#: sphinx-gallery's output block as HTML in Markdown: ``<div class="sphx-glr-script-out">``.
SCRIPT_OUT_DIV = re.compile(
    r"""^[ \t]*<div\b[^>]*\bclass=["'][^"']*\bsphx-glr-script-out\b[^>]*>[ \t]*$""",
    re.IGNORECASE,
)

#: An Obsidian callout or a GitHub alert, once its block quote's ``>`` is taken off:
#: ``[!example]- Output``, ``[!NOTE]``. Its title, else its type, is a label line when it reads
#: as one.
CALLOUT = re.compile(r"^[ \t]*\[!(?P<kind>[\w-]+)\][+-]?(?:[ \t](?P<text>.*))?$")

#: A tab of Docusaurus (MDX): ``<TabItem value="output" label="Output">``. Its label, else its
#: value, is a label line when it reads as one.
TAB_ITEM = re.compile(r"^[ \t]*<TabItem\b(?P<attributes>[^>]*)>[ \t]*$")

#: An attribute of a tab (``label="Output"``, ``value='out'``).
TAB_ATTRIBUTE = re.compile(
    r"""\b(?P<name>label|value)=(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')"""
)

#: A titled tab or code block of GitBook (``{% tab title="Output" %}``,
#: ``{% code title="Output" %}``) or a tab of a Hugo theme (``{{% tab title="Output" %}}``,
#: ``{{< tab header="Output" >}}``, ``{{< tab "Output" >}}``): its title is a label line when it
#: reads as one.
TEMPLATE_TITLED = re.compile(
    r"^[ \t]*(?:\{%-?|\{\{[<%])[ \t]*(?:tab|code)\b(?P<attributes>[^%>]*)(?:%\}|[>%]\}\})[ \t]*$"
)

#: The title of a template tag: ``title="Output"`` (``header=``, ``name=``), or a quoted first
#: argument.
TEMPLATE_TITLE = re.compile(
    r"""(?:\b(?:title|header|name)=|^[ \t]*)(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')"""
)

#: The HTML comments that open and close a tab of Hexo's NexT and Fluid themes:
#: ``<!-- tab 输出 -->`` (its title, group ``title``), ``<!-- endtab -->``.
COMMENT_TAB = re.compile(r"^[ \t]*<!--[ \t]*(?:endtab[ \t]*|tab[ \t](?P<title>.*))-->[ \t]*$")


def div_title(line: str) -> str | None:
    """The title of the fenced div that ``line`` opens (``None`` for a closing ``:::``).

    >>> div_title("::: details 运行结果"), div_title("::: {.cell-output .cell-output-stdout}")
    ('运行结果', 'stdout')
    """
    div = FENCED_DIV.match(line)
    if div is None:
        return None
    text = CLOSING_COLONS.sub("", div.group("text")).strip()
    if text:
        return text
    if div.group("kind"):
        return div.group("kind")
    attributes = div.group("attributes") or ""
    titled = _quoted(
        TITLE.search(attributes)
    )  # a Quarto callout's: ``{.callout-note title="Output"}``
    if titled is not None:
        return titled
    classes = [found.group("name") for found in DIV_CLASS.finditer(attributes)]
    for name in classes:
        if name in DIV_CLASSES:
            return DIV_CLASSES[name]
    return classes[-1] if classes else None


def callout_title(line: str) -> str | None:
    """The title of the callout that ``line`` opens (once its ``>`` is taken off), else its
    type.

    >>> callout_title("[!example]- Output"), callout_title("[!NOTE]"), callout_title("[!x")
    ('Output', 'NOTE', None)
    """
    callout = CALLOUT.match(line)
    if callout is None:
        return None
    return (callout.group("text") or "").strip() or callout.group("kind")


def tab_title(line: str) -> str | None:
    """The title of the Docusaurus tab that ``line`` opens: its label, else its value.

    >>> tab_title('<TabItem value="output" label="Output">'), tab_title("<TabItem>")
    ('Output', None)
    """
    tab = TAB_ITEM.match(line)
    if tab is None:
        return None
    found: dict[str, str] = {}
    for attribute in TAB_ATTRIBUTE.finditer(tab.group("attributes")):
        text = attribute.group("double")
        found[attribute.group("name")] = text if text is not None else attribute.group("single")
    return found.get("label", found.get("value"))


def template_title(line: str) -> str | None:
    """The title of the GitBook or Hugo tab (or GitBook code block) that ``line`` opens.

    >>> template_title('{% tab title="Output" %}'), template_title('{{< tab "输出" >}}')
    ('Output', '输出')
    """
    tag = TEMPLATE_TITLED.match(line)
    title = TEMPLATE_TITLE.search(tag.group("attributes")) if tag is not None else None
    return _quoted(title)


def comment_tab(line: str) -> str | None:
    """The title of the Hexo tab that ``line`` opens, ``""`` for the line that closes one,
    ``None`` for any other line.

    >>> comment_tab("<!-- tab 输出 -->"), comment_tab("<!-- endtab -->"), comment_tab("<!-- x -->")
    ('输出', '', None)
    """
    tab = COMMENT_TAB.match(line) if "tab" in line else None
    if tab is None:
        return None
    return (tab.group("title") or "").strip()


def _quoted(found: re.Match[str] | None) -> str | None:
    """The text of a quoted value a pattern with groups ``double`` and ``single`` found."""
    if found is None:
        return None
    return found.group("double") if found.group("double") is not None else found.group("single")
