"""Update mode never breaks the container that holds a block's output.

The containers publishing tools put an output fence in, each a layout of its own: an Obsidian
callout (``> [!example]- Output``, the fence in a block quote), a Pandoc or MyST fenced div
(``::: {.output}``), a Quarto cell (``::: {.cell}`` around the block and an output div of its
own), a VitePress container (``::: details 输出``), the tabs of Docusaurus (``<TabItem
value="Output">``), GitBook, Hugo and Hexo, and a ``<details>`` wrapper; in list items and
block quotes, with LF or CRLF, a byte order mark, tabs and CJK text. Blocks print lines that
would end or break those containers (``:::``, ``</TabItem>``, ``</details>``, ``-->``,
``> x``, fences). Each note is run in update mode as :mod:`tests.test_update_layouts` runs
it, and:

- with its expected outputs blanked or wrong, update gives back the original bytes;
- whatever the blocks print, every byte outside the sections stays, each block is written
  or refused with the reason, the note read again runs every block it wrote, and passes
  them, and a second update changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st

from pytest_torchnotes.run.runner import NoteRunner
from tests.test_update_layouts import (
    CONTAINERS,
    NASTY_LINE,
    PRINTED,
    PRINTED_LINE,
    PROPERTY,
    TEXT,
    WRONG,
    Lines,
    Note,
    Part,
    Section,
    _cut,
    _in,
    _prints,
    _write,
    runner,
    update,
)

__all__ = ["runner"]  # the fixture, shared with the properties of the other layouts

#: Lines that end or break a container when they stand in it outside a fence.
CONTAINER_LINES = st.sampled_from(
    [":::", "::: {.output}", "::::", "</TabItem>", "</details>", "</pre>", "-->", "> x", "# x"]
)
NASTY = st.lists(st.one_of(NASTY_LINE, CONTAINER_LINES, PRINTED_LINE), min_size=0, max_size=4)


def _fenced(printed: list[str], indent: str = "") -> tuple[list[str], Section, str]:
    """The block that prints ``printed``, its output fence's opening line, the section and
    the closing line."""
    section = Section(
        tuple(indent + line for line in printed), (), tuple(indent + line for line in WRONG)
    )
    return [*_block(printed), ""], section, indent + "```"


def _block(printed: list[str]) -> list[str]:
    return ["```python", *_prints(printed), "```"]


def _inside(inner: str, lines: list[Part]) -> list[Part]:
    """``lines`` in the container whose lines start with ``inner``."""
    placed: list[Part] = []
    for line in lines:
        if isinstance(line, Section):
            placed.append(
                Section(
                    *(
                        tuple(_in(inner, text) for text in getattr(line, name))
                        for name in ("good", "blank", "wrong")
                    )
                )
            )
        else:
            placed.append(_in(inner, line))
    return placed


@st.composite
def callout_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    """Obsidian: the output fence in a callout titled Output, every line after ``> ``."""
    printed = draw(printing)
    title = draw(st.sampled_from(["[!example]- Output", "[!output]", "[!note] Output"]))
    info = draw(st.sampled_from(["", "text", "output"]))
    section = Section(
        tuple(_in("> ", line) for line in printed), (), tuple("> " + line for line in WRONG)
    )
    lines: list[Part] = [*_block(printed), "", "> " + title, "> ```" + info, section, "> ```"]
    return _inside(inner, lines)


@st.composite
def div_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    """Pandoc and MyST fenced divs, VitePress containers: the output fence in a ``:::``
    container after the block."""
    printed = draw(printing)
    opening = draw(
        st.sampled_from(
            ["::: {.output}", "::: details 输出", "::: tip 运行结果", ":::{admonition} Output"]
        )
    )
    head, section, close = _fenced(printed)
    spaced = draw(st.booleans())  # blank lines inside the div around the fence
    lines: list[Part] = [*head, opening, *([""] if spaced else []), "```"]
    lines += [section, close, *([""] if spaced else []), ":::"]
    return _inside(inner, lines)


@st.composite
def quarto_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    """Quarto's rendered cell: a div around the block and an output div in it."""
    printed = draw(printing)
    number = draw(st.integers(0, 9))
    stream = draw(st.sampled_from(["cell-output-stdout", "cell-output-display"]))
    section = Section(tuple(printed), (), WRONG)
    lines: list[Part] = [
        f"::: {{#cell-{number} .cell}}",
        "``` {.python .cell-code}",
        *_prints(printed),
        "```",
        "",
        f"::: {{.cell-output .{stream}}}",
        "```",
        section,
        "```",
        ":::",
        ":::",
    ]
    return _inside(inner, lines)


#: Tabs around a block and its output fence, as each tool writes them: what comes before the
#: block, between it and the output fence, and after the fence.
TABS = {
    "docusaurus": (
        ["<Tabs>", '<TabItem value="Code" label="Code" default>', ""],
        ["", "</TabItem>", '<TabItem value="Output" label="Output">', ""],
        ["", "</TabItem>", "</Tabs>"],
    ),
    "gitbook": (
        ["{% tabs %}", '{% tab title="Python" %}'],
        ["{% endtab %}", "", '{% tab title="Output" %}'],
        ["{% endtab %}", "{% endtabs %}"],
    ),
    "hugo": (
        ["{{% tabs %}}", '{{% tab title="Command" %}}', ""],
        ["", "{{% /tab %}}", '{{% tab title="Output" %}}', ""],
        ["", "{{% /tab %}}", "{{% /tabs %}}"],
    ),
    "hexo": (
        ["{% tabs 示例, 1 %}", "<!-- tab python-->"],
        ["<!-- endtab -->", "<!-- tab 输出 -->"],
        ["<!-- endtab -->", "{% endtabs %}"],
    ),
}


@st.composite
def tabs_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    """Docusaurus, GitBook, Hugo and Hexo: the block in a code tab, its output fence in an
    Output tab."""
    printed = draw(printing)
    before, between, after = TABS[draw(st.sampled_from(sorted(TABS)))]
    head, section, close = _fenced(printed)
    lines: list[Part] = [*before, *head[:-1], *between, "```", section, close, *after]
    return _inside(inner, lines)


@st.composite
def details_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    """The output fence in a ``<details>`` element, its summary the label."""
    printed = draw(printing)
    head, section, close = _fenced(printed)
    summary = draw(st.sampled_from(["<summary>Output</summary>", "<summary><b>输出</b></summary>"]))
    lines: list[Part] = [*head, "<details>", summary, "", "```text", section, close, ""]
    return _inside(inner, [*lines, "</details>"])


CONTAINER_LAYOUTS = {
    "callout": callout_block,
    "div": div_block,
    "quarto": quarto_block,
    "tabs": tabs_block,
    "details": details_block,
}

#: Containers a layout may stand in: Quarto's and Docusaurus' are written at the margin.
AT_THE_MARGIN = {"quarto", "tabs"}


@st.composite
def container_notes(draw: st.DrawFn, printing: Lines = PRINTED) -> Note:
    parts: list[Part] = [draw(st.sampled_from(["# 笔记", "# Note", "Prose\twith a tab."]))]
    for _ in range(draw(st.integers(1, 3))):
        parts.append("")
        prose = draw(
            st.lists(TEXT.map(str.strip).filter(lambda t: t and t[0] not in "-1>:<#"), max_size=1)
        )
        if prose:
            parts += [*prose, ""]
        kind = draw(st.sampled_from(sorted(CONTAINER_LAYOUTS)))
        event(kind)
        first, inner = ("", "") if kind in AT_THE_MARGIN else draw(CONTAINERS)
        block = draw(CONTAINER_LAYOUTS[kind](inner, printing))
        assert isinstance(block[0], str)
        parts.append(first + block[0][len(inner) :] if block[0].startswith(inner) else block[0])
        parts += block[1:]
        if first:
            parts += ["", "Then:"]
    return Note(
        tuple(parts),
        draw(st.sampled_from(["\n", "\r\n"])),
        draw(st.booleans()),
        draw(st.booleans()),
        indented=False,
    )


@PROPERTY
@given(note=container_notes(), variant=st.sampled_from(["blank", "wrong"]))
def test_update_writes_back_the_original_bytes(
    runner: NoteRunner, note: Note, variant: str
) -> None:
    with tempfile.TemporaryDirectory(prefix="updbox-") as name:
        path = _write(Path(name), note.text(variant))
        first = update(runner, path, note.format())
        assert first.refused is None
        assert first.data.decode("utf-8").splitlines(True) == note.text().splitlines(True)
        second = update(runner, path, note.format())
        assert second.data == first.data
        assert {block.outcome for block in second.result.blocks} == {"passed"}


@PROPERTY
@given(note=container_notes(NASTY))
def test_whatever_blocks_print_their_containers_stay_whole(runner: NoteRunner, note: Note) -> None:
    """What update writes reads back as the output it wrote, in the same container: the
    note read again has as many blocks, each one it wrote passes, and a second update
    changes nothing; what it cannot write it refuses, naming why."""
    with tempfile.TemporaryDirectory(prefix="updbox-") as name:
        path = _write(Path(name), note.text("wrong"))
        first = update(runner, path, note.format())
        assert first.refused is None
        text = first.data.decode("utf-8")
        assert text.startswith("\ufeff") == note.bom
        assert _cut(note, text.removeprefix("\ufeff"))
        written = set()
        for block in first.result.blocks:
            if block.not_updated:
                assert "Not updated: " in block.message
                event("a section refused")
            elif block.edits:
                written.add(block.first_line)
        second = update(runner, path, note.format())
        assert len(second.result.blocks) == len(first.result.blocks)
        for block in second.result.blocks:
            if block.first_line in written:
                assert block.outcome == "passed", block.message
        assert [edit for block in second.result.blocks for edit in block.edits] == []
        assert second.data == first.data
