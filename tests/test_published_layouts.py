"""Layouts of published notes: Quarto's Markdown render of a notebook, the containers of
VuePress, VitePress, MyST and Pandoc, Obsidian callouts, Hexo's codeblock tags. Each output is
read at its exact lines or reported with its line; nothing is dropped silently."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.blocks import ParsedNote
from pytest_torchnotes.markdown.liquid import CODEBLOCK, LANG_OPTION
from pytest_torchnotes.markdown.parsers import NoteFormat, NoteParser
from pytest_torchnotes.markdown.wrappers import WRAPPER_LINE, container_title
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLES = Path(__file__).parent / "samples"


def parse(name: str) -> ParsedNote:
    return NoteParser().parse((SAMPLES / name).read_text(encoding="utf-8"))


def outputs(note: ParsedNote) -> list[tuple[int, int | None, str | None]]:
    """Each block's first line, the first line of its output section, what it expects."""
    return [
        (
            shown(block.first_line),
            shown(block.output.start) if block.output else None,
            block.expected if block.output else None,
        )
        for block in note.blocks
    ]


def problems(note: ParsedNote) -> list[tuple[int, str, str]]:
    return [(shown(p.line_index), p.severity, p.message) for p in note.problems]


def test_a_quarto_render_reads_what_a_cell_printed_and_displayed() -> None:
    note = parse("quarto_md.md")
    assert outputs(note) == [
        (6, 17, "array([[0.5488135 ],\n       [0.71518937],\n       [0.60276338]])"),
        (26, 33, "Learned parameters:\nWeight: 1.9128"),
        (41, None, None),
    ]
    assert problems(note) == [
        (
            46,
            "warning",
            "Quarto's output div .cell-output-stderr holds what the cell wrote to stderr "
            "(warnings, logs), which is not compared: only what a block prints to stdout and "
            "displays is; check a warning with <!-- torchnotes: warns UserWarning --> right "
            "above the block's fence",
        )
    ]


def test_quarto_error_divs_are_reported_once_per_note_with_a_count() -> None:
    div = "::: {{.cell-output .cell-output-error}}\n```\nKeyError: 'b'\n```\n:::\n"
    block = "```{{.python .cell-code}}\n{{}}['b']\n```\n\n"
    text = (block + div + "\n").format() * 2
    note = NoteParser().parse(text)
    [(line, severity, message)] = problems(note)
    assert (line, severity) == (5, "warning")
    assert "(and 1 more in this note)" in message
    assert "<!-- torchnotes: raises TYPE -->" in message
    assert [block.output for block in note.blocks] == [None, None]


def test_output_in_fenced_div_containers() -> None:
    note = parse("fenced_divs.md")
    assert outputs(note) == [
        (5, 11, "tensor([0, 2, 4])"),
        (15, 22, "tensor([1., 1.])"),
        (27, 33, "tensor([0.])"),
        (37, 43, "4"),
        (47, None, None),
    ]
    assert problems(note) == []  # a container with another title is prose: an example


def test_output_in_obsidian_callouts() -> None:
    note = parse("callouts.md")
    assert outputs(note) == [
        (4, 11, "tensor([3., 3.])"),
        (14, 20, "tensor([1.])"),
        (23, None, None),
    ]
    assert problems(note) == []


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("::: details 运行结果", "运行结果"),
        ("::: tip", "tip"),
        (":::: warning 输出：", "输出："),
        ("::: {.cell-output .cell-output-stdout}", "stdout"),
        ("::: {.cell-output .cell-output-display execution_count=8}", "output"),
        ("::: {.cell-output .cell-output-stderr}", "cell-output-stderr"),
        ("::: {#cell-0 .cell execution_count=8}", "cell"),
        ("::: {.output} :::", "output"),
        ("::: {#id}", None),
        ('::: {.callout-note title="Output"}', "Output"),
        ("::: {.callout-tip collapse='true' title='输出'}", "输出"),
        (":::{admonition} Output", "Output"),
        (":::", None),
        ("::::::", None),
        ("[!example]- Output", "Output"),
        ("[!output]", "output"),
        ("[!NOTE]", "NOTE"),
        ("[!note] 为什么", "为什么"),
        ("[!broken", None),
    ],
)
def test_the_title_of_a_fenced_div_or_a_callout(line: str, title: str | None) -> None:
    assert container_title(line) == title


def test_labels_turned_off_leave_div_titles_unread() -> None:
    text = "```python\nprint(1)\n```\n::: details Output\n```\n1\n```\n:::\n"
    assert NoteParser().parse(text).blocks[0].output is not None
    off = NoteParser(NoteFormat(output_label=None)).parse(text)
    assert off.blocks[0].output is None
    assert [line for line, _, _ in problems(off)] == [5]


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("{% codeblock lang:python %}", "python"),
        ("{%- codeblock train.py lang:py http://example.com link -%}", "py"),
        ("{% code lang:Python %}", "Python"),
        ("{% codeblock 运行结果 %}", None),
        ("{% endcodeblock %}", None),
        ("text {% codeblock lang:python %}", None),
        ("{% codeblocks lang:python %}", None),
    ],
)
def test_the_codeblock_tag(line: str, language: str | None) -> None:
    opening = CODEBLOCK.match(line)
    option = LANG_OPTION.search(opening.group("arguments")) if opening else None
    assert (option.group("language") if option else None) == language


QUARTO = """\
::: {#cell-0 .cell execution_count=1}
``` {.python .cell-code}
import torch
print(torch.arange(3) * 2)
```

::: {.cell-output .cell-output-stdout}
```
tensor([0, 2, 5])
```
:::
:::
"""


def test_a_quarto_render_is_compared_and_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(QUARTO)
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*notes/note.md:2: block 1*", "*expected 5, got 4*"])
    pytester.runpytest("--torchnotes-update")
    assert note.read_text(encoding="utf-8") == QUARTO.replace("5]", "4]")
    assert pytester.runpytest("--torchnotes-update").ret == 0
    assert note.read_text(encoding="utf-8") == QUARTO.replace("5]", "4]")


CALLOUT = """\
```python
print(sum([1, 2]))
```

> [!example]- Output
> ```
> 4
> ```
"""


def test_output_in_a_callout_is_compared_and_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(CALLOUT)
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*notes/note.md:1: block 1*", "*expected 4, got 3*"])
    pytester.runpytest("--torchnotes-update")
    assert note.read_text(encoding="utf-8") == CALLOUT.replace("> 4", "> 3")
    assert pytester.runpytest().ret == 0


def test_output_in_a_docusaurus_tab() -> None:
    note = parse("docusaurus_tabs.md")
    assert outputs(note) == [
        (8, 18, "tensor([1., 1.])--tensor([0.])"),
        (27, 35, "4"),
        (44, None, None),
    ]
    assert problems(note) == []  # a tab with another label is prose: an example


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ('<TabItem value="Output" label="Output">', "Output"),
        ('<TabItem value="output">', "output"),
        ("<TabItem value='out' label='输出'>", "输出"),
        ('<TabItem value="py" label="Python" default>', "Python"),
        ("<TabItem>", None),
    ],
)
def test_the_title_of_a_docusaurus_tab(line: str, title: str | None) -> None:
    assert container_title(line) == title


def test_the_pytorch_tabs_of_a_d2l_1_chapter_run() -> None:
    note = parse("d2l_magic_tabs.md")
    assert [(shown(block.first_line), block.code.splitlines()[-1]) for block in note.blocks] == [
        (19, "import torch"),
        (24, "x"),
        (35, "x.numel()"),
        (39, "x.shape"),
    ]
    assert problems(note) == [
        (
            1,
            "warning",
            "```{.python .input} is not run: it sets up the framework tabs of d2lbook "
            "(%load_ext d2lbook.tab), which are read from the %%tab line of each block here "
            "(and 2 more blocks of other frameworks' tabs in this note, not run either: "
            "lines 13, 30)",
        ),
    ]
    assert [(shown(block.line_index), block.why) for block in note.not_run][1:] == [
        (13, "its tab line `%%tab mxnet` names another framework (only pytorch and all run)"),
        (
            30,
            "its tab line `%%tab tensorflow, jax` names another framework (only pytorch and "
            "all run)",
        ),
    ]


def test_fences_in_obsidian_comments_are_not_run() -> None:
    note = parse("obsidian_comments.md")
    assert [shown(block.first_line) for block in note.blocks] == [15, 26]
    assert problems(note) == [
        (
            10,
            "warning",
            "```python is not run: it is inside an Obsidian comment (the %% at line 9), which "
            "Obsidian does not show: remove the %% lines around it to run it",
        )
    ]


def test_a_directive_before_a_commented_fence_is_reported() -> None:
    text = "<!-- torchnotes: skip later -->\n%%\n```python\nx\n```\n%%\n"
    assert [(line, severity) for line, severity, _ in problems(NoteParser().parse(text))] == [
        (1, "error"),
        (3, "warning"),
    ]


def test_output_pasted_as_double_hash_comments_is_reported() -> None:
    note = parse("knitr_comments.md")
    assert [(line, severity) for line, severity, _ in problems(note)] == [(9, "warning")]
    assert problems(note)[0][2].startswith(
        "the comments from `## tensor([[2, 3],` to the end of the block read as what it "
        "prints, but they are not compared (and 1 more block in this note)"
    )


def test_double_hash_output_under_a_label_is_read_without_its_prefix() -> None:
    text = "```python\nprint(1)\nprint()\nprint(2)\n# Output:\n## 1\n##\n## 2\n```\n"
    block = NoteParser(NoteFormat(comment_output=True)).parse(text).blocks[0]
    assert block.output is not None
    assert block.expected == "1\n\n2"
    assert block.output.prefix == "## "  # what --torchnotes-update writes new lines with


def test_output_in_gitbook_and_hugo_tabs() -> None:
    note = parse("gitbook_tabs.md")
    assert outputs(note) == [
        (8, 16, "torch.Size([2, 3])"),
        (24, 32, "tensor([0.])"),
        (39, 46, "trained"),
        (50, None, None),
    ]
    # a tab with another title is not read as output, and the printed output in it is named
    assert [(line, severity) for line, severity, _ in problems(note)] == [(56, "warning")]


@pytest.mark.parametrize(
    ("line", "wrapper", "title"),
    [
        ("{% tabs %}", True, None),
        ("{% endtab %}", True, None),
        ('{% code overflow="wrap" lineNumbers="true" %}', True, None),
        ("{% endcode %}", True, None),
        ("{{% /tab %}}", True, None),
        ("{{< tabs >}}", True, None),
        ('{% tab title="Output" %}', False, "Output"),
        ("{% code title='输出' %}", False, "输出"),
        ('{{< tab header="Output" >}}', False, "Output"),
        ('{{< tab "Result" >}}', False, "Result"),
        ('{% tab title="Python" %}', False, "Python"),
        ("{% codeblock lang:python %}", False, None),
        ("{% tabsx %}", False, None),
    ],
)
def test_gitbook_and_hugo_tags(line: str, wrapper: bool, title: str | None) -> None:
    assert (WRAPPER_LINE.match(line) is not None) == wrapper
    assert container_title(line) == title


#: Each way of titling a container over an output fence, with its closing line: ``{}`` is the
#: title.
TITLED = [
    ("::: details {}", ":::"),
    (":::{{admonition}} {}", ":::"),
    ("> [!example]- {}", None),
    ('<TabItem value="x" label="{}">', "</TabItem>"),
    ('{{% tab title="{}" %}}', "{{% endtab %}}"),
    ('{{{{% tab title="{}" %}}}}', "{{{{% /tab %}}}}"),
    ('{{% code title="{}" %}}', "{{% endcode %}}"),
    ("<!-- tab {} -->", "<!-- endtab -->"),
]


@given(
    st.sampled_from(TITLED),
    st.sampled_from(["Output", "输出：", "运行结果", "**Result:**", "stdout"]),
    st.sampled_from(["Python", "为什么", "Notes", "Click to expand"]),
    st.booleans(),
)
def test_a_titled_container_holds_output_only_under_a_label(
    syntax: tuple[str, str | None], label: str, other: str, labeled: bool
) -> None:
    opening, closing = syntax
    quote = "> " if opening.startswith(">") else ""
    fence = f"{quote}```\n{quote}3\n{quote}```\n"
    text = (
        "```python\nprint(3)\n```\n\n"
        + opening.format(label if labeled else other)
        + "\n"
        + fence
        + (closing.format() + "\n" if closing else "")
    )
    note = NoteParser().parse(text)
    block = note.blocks[0]
    assert (block.output is not None) == labeled
    assert block.output is None or block.expected == "3"
    # under another title, the fence is not read, and what it holds reads as printed: named
    assert [problem.message.split(": ")[-1] for problem in note.problems] == (
        [] if labeled else ["title the container Output (or 输出), or mark the fence ```output"]
    )


def test_output_in_hexo_theme_tabs() -> None:
    note = parse("hexo_tabs.md")
    assert outputs(note) == [(7, 14, "tensor([1.])"), (23, None, None)]
    assert problems(note) == []  # a tab with another title is prose: an example


def test_indented_output_in_a_quarto_output_div() -> None:
    text = (
        '::: {.cell execution_count="2"}\n``` {.python .cell-code}\nprint(2 + 2)\n```\n\n'
        "::: {.cell-output .cell-output-stdout}\n    4\n:::\n:::\n"
    )
    note = NoteParser(NoteFormat(indented_output=True)).parse(text)
    assert outputs(note) == [(2, 7, "4")]
    assert problems(note) == []


@pytest.mark.parametrize(
    "line",
    [
        "{% tab" + " " * 50_000 + "x",
        "::: x" + " " * 50_000 + "y",
        "[!a] x" + " " * 50_000 + "y",
        "<!-- tab x" + " " * 50_000 + "y",
        "{% codeblock" + " lang:x" * 20_000,
    ],
    ids=["template tag", "fenced div", "callout", "hexo tab", "codeblock"],
)
def test_a_long_container_line_is_read_in_linear_time(line: str) -> None:
    text = f"```python\nprint(1)\n```\n{line}\n```\n1\n```\n"
    started = time.process_time()  # CPU time: other processes' load does not stretch it
    NoteParser().parse(text)
    assert time.process_time() - started < 2  # quadratic: the template tag took 30 s
