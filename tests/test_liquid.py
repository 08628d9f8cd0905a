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
    assert [(shown(p.line_index), p.severity) for p in note.problems] == [
        (6, "warning"),
        (11, "warning"),
    ]
    assert note.problems[0].message == (
        "{% highlight python %} is a highlight block of a static site, which is not run: "
        "write it as a ```python fence (ending in ```) to run it"
    )
    assert [block.code for block in note.blocks] == ['print("{{ not liquid }}")']
