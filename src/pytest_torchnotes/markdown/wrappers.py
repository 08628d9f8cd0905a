"""What stands around a block's output without being prose: the lines of a collapsible
section (``<details>``, ``<summary>Output</summary>``), Jekyll's ``{% raw %}``, the titled
containers of mkdocs-material (``!!! example "Output"``, ``=== "Output"``), a tab of
Docusaurus (``<TabItem value="output" label="Output">``), of GitBook or Hugo
(``{% tab title="Output" %}``), the fenced divs
of Pandoc, Quarto, VuePress and MyST (``::: details 运行结果``,
``::: {.cell-output .cell-output-stdout}``), an Obsidian callout (``> [!example]- Output``),
a heading (``#### Output``), and the title a fence's info string gives it
(```` ```text title="Output" ````). A title is read as a label
line by :mod:`.layout` when the note's label pattern matches it.
"""

from __future__ import annotations

import re

#: Lines that wrap an output fence without being prose: a collapsible section's ``<details>``
#: and ``</details>``, Jekyll's ``{% raw %}`` and ``{% endraw %}``, the ``:::`` that closes a
#: fenced div, the ``</TabItem>`` that closes a Docusaurus tab, and the tags of GitBook and
#: Hugo around tabs and code that give no title (``{% tabs %}``, ``{% endtab %}``,
#: ``{% code overflow="wrap" %}``, ``{{% /tab %}}``).
WRAPPER_LINE = re.compile(
    r"^[ \t]*(?:</?details\b[^>]*>|\{%-?[ \t]*(?:end)?raw[ \t]*-?%\}|:{3,}|</TabItem>"
    r"|(?:\{%-?|\{\{[<%])[ \t]*(?:end|/)?(?:tabs?|code)\b(?![ \t]*[\"'])"
    r"(?![^%>]*\b(?:title|header|name)=)[^%>]*(?:-?%\}|[>%]\}\}))[ \t]*$",
    re.IGNORECASE,
)

#: A collapsible section's title, maybe right after ``<details>``: its text is a label line
#: when it reads as one (``<summary>Output</summary>``, ``<summary><b>输出</b></summary>``).
SUMMARY = re.compile(
    r"^[ \t]*(?:<details\b[^>]*>[ \t]*)?<summary\b[^>]*>(?P<text>.*?)</summary>[ \t]*$",
    re.IGNORECASE,
)

#: A titled container of mkdocs-material (pymdownx): an admonition ``!!! example "Output"``,
#: a collapsible one ``??? note "输出"``, a tab ``=== "Output"``. Its title (an admonition's
#: type when it has none: ``??? output``) is a label line when it reads as one.
TITLED_CONTAINER = re.compile(
    r"^[ \t]*(?:(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)(?:[ \t]+[\w-]+)*|===\+?)"
    r"(?:[ \t]+\"(?P<text>[^\"]*)\")?[ \t]*$"
)

#: A fenced div: a container of markdown-it (VuePress, VitePress: ``::: details 运行结果``,
#: ``::: tip 输出``), Pandoc and Quarto (``::: {.cell-output .cell-output-stdout}``, ``::: Note
#: :::``) or MyST (``:::{admonition} Output``). Its title is the text after its kind or its
#: attributes, else its kind, else what its classes say it holds (:data:`DIV_CLASSES`).
FENCED_DIV = re.compile(
    r"^[ \t]*:{3,}[ \t]*(?:\{(?P<attributes>[^}]*)\}|(?P<kind>[\w-]+))?"
    r"[ \t]*(?P<text>.*?)[ \t]*(?::{3,}[ \t]*)?$"
)

#: A class of a fenced div (``.output``, Quarto's ``.cell-output-stdout``).
DIV_CLASS = re.compile(r"(?:^|\s)\.(?P<name>[\w-]+)")

#: What the classes of a Quarto cell's output divs say they hold, as a label: what the cell
#: printed, and the value its last line displayed. Its ``.cell-output-stderr`` (warnings) and
#: ``.cell-output-error`` (a traceback with terminal colours) are not output the plugin reads.
DIV_CLASSES = {"cell-output-stdout": "stdout", "cell-output-display": "output"}

#: An Obsidian callout or a GitHub alert, once its block quote's ``>`` is taken off:
#: ``[!example]- Output``, ``[!NOTE]``. Its title, else its type, is a label line when it reads
#: as one.
CALLOUT = re.compile(r"^[ \t]*\[!(?P<kind>[\w-]+)\][+-]?(?:[ \t]+(?P<text>.*?))?[ \t]*$")

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
    r"^[ \t]*(?:\{%-?|\{\{[<%])[ \t]*(?:tab|code)\b(?P<attributes>[^%>]*?)"
    r"[ \t]*(?:-?%\}|[>%]\}\})[ \t]*$"
)

#: The title of a template tag: ``title="Output"`` (``header=``, ``name=``), or a quoted first
#: argument.
TEMPLATE_TITLE = re.compile(
    r"""(?:\b(?:title|header|name)=|^[ \t]*)(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')"""
)

#: The HTML comments that open and close a tab of Hexo's NexT and Fluid themes:
#: ``<!-- tab 输出 -->`` (its title, group ``title``), ``<!-- endtab -->``.
COMMENT_TAB = re.compile(r"^[ \t]*<!--[ \t]*(?:endtab|tab[ \t]+(?P<title>.*?))[ \t]*-->[ \t]*$")

#: An ATX heading (``#### Output``): its text is a label line when it reads as one.
HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")

#: A setext heading's underline: under a label line, it is part of that label.
SETEXT_UNDERLINE = re.compile(r"^[ \t]{0,3}(?:=+|-+)[ \t]*$")

#: The title a fence's info string gives it: ``title="Output"``.
FENCE_TITLE = re.compile(r"""(?:^|\s)title=(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""")

#: An HTML tag inside a summary's text (``<b>``, ``</strong>``).
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def container_title(line: str) -> str | None:
    """The title of a collapsible section, a titled container or a heading that ``line``
    opens."""
    summary = SUMMARY.match(line)
    if summary is not None:
        return HTML_TAG.sub("", summary.group("text"))
    heading = HEADING.match(line) if "#" in line else None
    if heading is not None:
        return heading.group("text")
    opening = line.lstrip()[:3]
    if opening == "<Ta":
        return _tab_title(line)
    if opening[:2] in ("{%", "{{"):
        return _template_title(line)
    if opening == ":::":
        return _div_title(line)
    if opening[:2] == "[!":
        callout = CALLOUT.match(line)
        return None if callout is None else callout.group("text") or callout.group("kind")
    container = TITLED_CONTAINER.match(line) if opening in ("!!!", "???", "===") else None
    if container is None:
        return None
    return container.group("text") or container.group("kind")


def _template_title(line: str) -> str | None:
    """The title of the GitBook or Hugo tab (or GitBook code block) that ``line`` opens.

    >>> _template_title('{% tab title="Output" %}'), _template_title('{{< tab "输出" >}}')
    ('Output', '输出')
    """
    tag = TEMPLATE_TITLED.match(line)
    title = TEMPLATE_TITLE.search(tag.group("attributes")) if tag is not None else None
    if title is None:
        return None
    return title.group("double") if title.group("double") is not None else title.group("single")


def _tab_title(line: str) -> str | None:
    """The title of the Docusaurus tab that ``line`` opens: its label, else its value.

    >>> _tab_title('<TabItem value="output" label="Output">'), _tab_title("<TabItem>")
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


def _div_title(line: str) -> str | None:
    """The title of the fenced div that ``line`` opens (``None`` for a closing ``:::``).

    >>> _div_title("::: details 运行结果"), _div_title("::: {.cell-output .cell-output-stdout}")
    ('运行结果', 'stdout')
    """
    div = FENCED_DIV.match(line)
    if div is None:
        return None
    if div.group("text"):
        return div.group("text")
    if div.group("kind"):
        return div.group("kind")
    attributes = div.group("attributes") or ""
    titled = fence_title(attributes)  # a Quarto callout's: ``{.callout-note title="Output"}``
    if titled is not None:
        return titled
    classes = [found.group("name") for found in DIV_CLASS.finditer(attributes)]
    for name in classes:
        if name in DIV_CLASSES:
            return DIV_CLASSES[name]
    return classes[-1] if classes else None


def fence_title(info: str) -> str | None:
    """The title a fence's info string gives it, or ``None``.

    >>> fence_title('text title="Output" linenums="1"'), fence_title("text")
    ('Output', None)
    """
    title = FENCE_TITLE.search(info) if "title=" in info else None
    if title is None:
        return None
    return title.group("double") if title.group("double") is not None else title.group("single")


def comment_tab(line: str) -> str | None:
    """The title of the Hexo tab that ``line`` opens, ``""`` for the line that closes one,
    ``None`` for any other line.

    >>> comment_tab("<!-- tab 输出 -->"), comment_tab("<!-- endtab -->"), comment_tab("<!-- x -->")
    ('输出', '', None)
    """
    tab = COMMENT_TAB.match(line) if "tab" in line else None
    if tab is None:
        return None
    return tab.group("title") or ""
