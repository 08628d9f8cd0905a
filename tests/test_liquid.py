"""Blocks in a static site's template tags (Jekyll's and Hugo's highlight, Hexo's codeblock):
run in order with the fences, their output read as a fence's would be."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.lexing.template_tags import HIGHLIGHT, opening_info
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote, block_counts

SAMPLES = Path(__file__).parent / "samples"


def test_the_highlight_tag() -> None:
    languages = [
        opening.group("language") if opening else None
        for opening in map(
            HIGHLIGHT.match,
            [
                "{% highlight python %}",
                "{%- highlight py linenos -%}",
                "text {% highlight python %}",
                "{% endhighlight %}",
                '{{< highlight python "linenos=table" >}}',
                "{{% highlight Python %}}",
                "{{< /highlight >}}",
            ],
        )
    ]
    assert languages == ["python", "py", None, None, "python", "Python", None]


@pytest.mark.parametrize(
    ("line", "info"),
    [
        ("{% highlight python3 %}", "python3"),
        ("  {% highlight python linenos %}", "python linenos"),
        ('{{< highlight py "hl_lines=2" >}}', 'py "hl_lines=2"'),
        ("{% codeblock lang:python %}", "python"),
        ("{% codeblock 运行结果 %}", 'title="运行结果"'),
        ("{% codeblock %}", ""),
        ("{% raw %}", None),
        ("{% highlight %}", None),
    ],
)
def test_the_info_string_of_an_opening_tag(line: str, info: str | None) -> None:
    assert opening_info(line) == info


def test_site_tags_are_blocks_with_their_outputs() -> None:
    note = NoteParser().parse((SAMPLES / "site_tags.md").read_text(encoding="utf-8"))
    found = [
        (shown(block.fence.open_line), block.heading, block.output and block.output.kind)
        for block in note.blocks
    ]
    assert found == [
        (8, "Liquid", "fence"),  # {% highlight text %} right after it
        (19, "Liquid", "fence"),  # {% raw %} inside; {% highlight console %} under 输出：
        (31, "Liquid", "marker"),  # the marker inside the tag, a fence line as its output
        (39, "Hugo", "fence"),
        (49, "kramdown", "fence"),  # ~~~ named python by {: .language-python}
    ]
    assert [block.expected for block in note.blocks] == [
        "torch.Size([2, 3])",
        "{'a': 1}",
        "```",
        "tensor(6.)",
        "torch.float32",
    ]
    # the comment inside the first block is code, not a heading; {% raw %} keeps line numbers
    assert note.blocks[0].code.startswith("# 一个注释")
    assert note.blocks[1].code == '\nprint({"a": 1})\n'
    assert [(shown(p.line_index), p.severity) for p in note.problems] == [(64, "warning")]
    assert note.problems[0].message.startswith(
        "{% highlight python %} opens a block of code of a static site that no closing tag "
        "ends, which is not run: end it with {% endhighlight %}"
    )


def test_tags_in_fences_and_comments_are_text_and_the_raw_fence_runs() -> None:
    note = NoteParser().parse((SAMPLES / "jekyll.md").read_text(encoding="utf-8"))
    assert [(shown(block.fence.open_line), block.code) for block in note.blocks] == [
        (6, "import torch\nprint(torch.ones(2))"),
        (11, "print(1)"),
        (32, 'print("{{ not liquid }}")'),
    ]
    assert note.problems == []


def test_a_hugo_value_in_a_python_tag_is_named_with_the_tag_that_fixes_it() -> None:
    note = NoteParser().parse((SAMPLES / "hugo_highlight.md").read_text(encoding="utf-8"))
    assert [block.output is not None for block in note.blocks] == [True, False, False, False]
    assert [(shown(p.line_index), p.message) for p in note.problems] == [
        (
            22,
            "{{< highlight python >}} after the block at line 18 looks like its output (`10`) "
            "but is run as a block of its own, and nothing compares it: mark it "
            "{{< highlight text >}} to compare it as the block's output",
        )
    ]


def test_hexo_codeblocks_run_and_a_titled_one_is_output() -> None:
    note = NoteParser().parse((SAMPLES / "hexo.md").read_text(encoding="utf-8"))
    assert [(shown(b.fence.open_line), b.expected) for b in note.blocks] == [
        (11, None),
        (16, "tensor([1., 1.])"),  # {% codeblock 运行结果 %}: a title that is a label
        (28, None),
    ]


PYTHON_TAGS = [
    ("{% highlight python %}", "{% endhighlight %}"),
    ("{%- highlight python3 linenos -%}", "{%- endhighlight -%}"),
    ("{{< highlight py >}}", "{{< /highlight >}}"),
    ("{{% highlight python %}}", "{{% /highlight %}}"),
    ("{{< highlight python >}}", "{{< / highlight >}}"),
    ("{% codeblock lang:python %}", "{% endcodeblock %}"),
]
TEXT_TAGS = [
    ("{% highlight text %}", "{% endhighlight %}"),
    ("{% highlight plaintext %}", "{% endhighlight %}"),
    ("{{< highlight console >}}", "{{< /highlight >}}"),
    ("{% codeblock lang:text %}", "{% endcodeblock %}"),
]


@given(
    code=st.sampled_from(PYTHON_TAGS),
    output=st.sampled_from(TEXT_TAGS),
    value=st.integers(-99, 99),
    raw=st.booleans(),
    comment=st.sampled_from(["", "# 输出张量", "## not a heading", "x = '```'"]),
)
def test_any_tag_pair_reads_its_code_and_its_output(
    code: tuple[str, str], output: tuple[str, str], value: int, raw: bool, comment: str
) -> None:
    lines = [
        "# Note",
        "",
        code[0],
        *(["{% raw %}"] if raw else []),
        comment,
        f"print({value})",
        *(["{% endraw %}"] if raw else []),
        code[1],
        "",
        output[0],
        str(value),
        output[1],
        "",
        "```python",
        "print(1)",
        "```",
    ]
    note = NoteParser().parse("\n".join(lines))
    first, second = note.blocks
    assert first.code.strip("\n") == f"{comment}\nprint({value})".strip("\n")
    assert first.code_line == 3  # Python's line 1 is the note's line after the tag
    assert first.expected == str(value)
    assert (second.code, second.heading) == ("print(1)", "Note")
    assert note.problems == []


def test_a_note_without_tags_pays_no_line_for_them() -> None:
    text = "# Note\n\n{ not a tag }\n\n```python\nprint(1)\n```\n"
    assert [fence.tag for fence in MarkdownLexer()(text).fences] == [""]


NOTE = """\
---
layout: post
---

{% highlight python linenos %}
import torch
print(torch.arange(3))
{% endhighlight %}

{% highlight text %}
tensor([0, 1, 2])
{% endhighlight %}

{{< highlight python >}}
print(torch.ones(2).sum())
{{< /highlight >}}

{{< highlight plaintext >}}
{% raw %}
tensor(3.)
{% endraw %}
{{< /highlight >}}
"""


def test_site_tags_run_end_to_end_and_update_writes_only_the_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    path = write_note(NOTE, dedent=False)
    result = pytester.runpytest("-v")
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"verified": 1, "failed": 1}
    result.stdout.fnmatch_lines(["*-tensor(3.)", "*+tensor(2.)"])
    pytester.runpytest("--torchnotes-update")
    assert path.read_text(encoding="utf-8") == NOTE.replace("tensor(3.)", "tensor(2.)")
    pytester.runpytest().assert_outcomes(passed=1)


def test_output_that_would_close_the_tag_is_not_written(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = NOTE.replace("print(torch.ones(2).sum())", "print('{{< /highlight >}}')")
    path = write_note(text, dedent=False)
    result = pytester.runpytest("--torchnotes-update")
    result.stdout.fnmatch_lines(["*would close the block's template tag {{< /highlight >}}*"])
    assert path.read_text(encoding="utf-8") == text


def test_only_a_kramdown_attribute_list_stands_between_a_block_and_its_output() -> None:
    text = "```python\nprint(1)\n```\n{}\n\n```output\n1\n```\n"
    for between, read in [("{: .language-python}", True), ("{: #id}", True), ("{:else}", False)]:
        assert (NoteParser().parse(text.format(between)).blocks[0].output is not None) is read


@pytest.mark.parametrize(
    ("opening", "closing", "language"),
    [
        ("```html", "```", "html"),
        ("~~~xml", "~~~", "xml"),
        ("{% highlight html %}", "{% endhighlight %}", "html"),
    ],
)
@pytest.mark.parametrize("printed", ["tensor([1., 1.])", "<class 'torch.Tensor'>", "False"])
def test_output_in_a_markup_fence_is_named_not_left_silent(
    opening: str, closing: str, language: str, printed: str
) -> None:
    text = f"```python\nprint(1)\n```\n\n{opening}\n{printed}\n{closing}\n"
    note = NoteParser().parse(text)
    assert note.blocks[0].output is None
    [problem] = note.problems
    assert "looks like its output but is not read" in problem.message
    assert problem.message.endswith(
        f"--torchnotes-output-fence='output out stdout result {language}'"
    )
    read = NoteParser(NoteFormat(output_fences=frozenset({language}))).parse(text)
    assert read.blocks[0].expected == printed


@pytest.mark.parametrize("markup", ["<div>1</div>", "<p>", "</span>", "<br/>"])
def test_markup_in_a_markup_fence_is_no_output(markup: str) -> None:
    text = f"```python\nprint(1)\n```\n\n```html\n{markup}\n```\n"
    assert NoteParser().parse(text).problems == []
