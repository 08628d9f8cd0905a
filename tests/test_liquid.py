"""Highlight blocks of Jekyll and Hugo: not run, reported where they hold Python."""

from __future__ import annotations

from pathlib import Path

from pytest_torchnotes.markdown.liquid import HIGHLIGHT
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown

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


def test_python_highlight_blocks_are_reported_and_the_raw_block_runs() -> None:
    note = NoteParser().parse((SAMPLES / "jekyll.md").read_text(encoding="utf-8"))
    assert [(shown(p.line_index), p.severity) for p in note.problems] == [(6, "warning")]
    assert note.problems[0].message == (
        "{% highlight python %} is a highlight block of a static site, which is not run: "
        "write it as a ```python fence (ending in ```) to run it (and 1 more such block of "
        "code in this note: line 11)"
    )
    assert [block.code for block in note.blocks] == ['print("{{ not liquid }}")']


def test_a_hugo_page_gets_one_warning_naming_its_blocks_of_output_apart() -> None:
    note = NoteParser().parse((SAMPLES / "hugo_highlight.md").read_text(encoding="utf-8"))
    assert [(shown(p.line_index), p.severity, p.message) for p in note.problems] == [
        (
            5,
            "warning",
            "{{< highlight python >}} is a highlight block of a static site, which is not run: "
            "write it as a ```python fence (ending in ```) to run it (and 2 more such blocks "
            "of code in this note: lines 18, 30); 2 such blocks hold output (lines 13, 22): "
            "write each as a ```output fence after its block to compare it",
        )
    ]
