"""What stands around a block's output without being prose: the lines of a collapsible
section (``<details>``, ``<summary>Output</summary>``), Jekyll's ``{% raw %}``, the titled
containers of mkdocs-material (``!!! example "Output"``, ``=== "Output"``) and those of
other publishing tools (:mod:`.site_containers`: fenced divs, callouts, tabs), a heading
(``#### Output``), and the title a fence's info string gives it
(```` ```text title="Output" ````). A title is read as a label line by :mod:`.layout` when
the note's label pattern matches it.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown import doc_builder, site_containers

#: Lines that wrap an output fence without being prose: a collapsible section's ``<details>``
#: and ``</details>``, Jekyll's ``{% raw %}`` and ``{% endraw %}``, kramdown's attribute list
#: of the block above (``{: .language-python}``, not Svelte's ``{:else}``), and the lines that
#: open or close the container of a publishing tool without a title
#: (:data:`.site_containers.WRAPPERS`), and those of doc-builder's PyTorch branch
#: (:data:`.doc_builder.PYTORCH_OPENING`).
WRAPPER_LINE = re.compile(
    rf"^[ \t]*(?:</?details\b[^>]*>|\{{%-?[ \t]*(?:end)?raw[ \t]*-?%\}}"
    rf"|\{{:[ \t]*(?:[.#][\w-]|[\w-]+=)[^}}]*\}}"
    rf"|{site_containers.WRAPPERS}"
    rf"|{doc_builder.PYTORCH_OPENING})"
    r"[ \t]*$",
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
        return site_containers.tab_title(line)
    if opening[:2] in ("{%", "{{"):
        return site_containers.template_title(line)
    if opening == ":::":
        return site_containers.div_title(line)
    if opening[:2] == "[!":
        return site_containers.callout_title(line)
    if opening == "<di" and site_containers.SCRIPT_OUT_DIV.match(line):
        return "output"
    container = TITLED_CONTAINER.match(line) if opening in ("!!!", "???", "===") else None
    if container is None:
        return None
    return container.group("text") or container.group("kind")


def fence_title(info: str) -> str | None:
    """The title a fence's info string gives it, or ``None``.

    >>> fence_title('text title="Output" linenums="1"'), fence_title("text")
    ('Output', None)
    """
    title = FENCE_TITLE.search(info) if "title=" in info else None
    if title is None:
        return None
    return title.group("double") if title.group("double") is not None else title.group("single")
