"""The output divs of pandoc's ipynb reader (``::: {.output .stream .stdout}``) are a block's
output, read with no option (``markdown/pandoc_outputs.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.pandoc_outputs import (
    HTML_OUTPUT_DIV,
    OUTPUT_DIV,
    QUARTO_OUTPUT_DIV,
    output_divs,
)
from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote, block_counts

SAMPLES = Path(__file__).parent / "samples"
SAMPLE = SAMPLES / "pandoc_outputs.md"
HTML_SAMPLE = SAMPLES / "pandoc_html_outputs.md"
QUARTO_SAMPLE = SAMPLES / "quarto_indented_outputs.md"


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("::: {.output .stream .stdout}", "stdout"),
        ("::: {.output .stream .stderr}", "stderr"),
        ('::: {.output .execute_result execution_count="12"}', "execute_result"),
        ("::: {.output .display_data}", "display_data"),
        ('::: {.output .error ename="KeyError" evalue="\'a\'"}', "error"),
        ("::::{.output .stream .stdout}", "stdout"),
        # a div of Quarto's, or of an author's, is no output of pandoc's reader
        ("::: {.cell-output .cell-output-stdout}", None),
        ("::: {.output}", None),
        ("::: {.output .errors}", None),
        ("::: {.outputs .stream .stdout}", None),
        ("::: output", None),
    ],
)
def test_the_opening_line_of_an_output_div(line: str, kind: str | None) -> None:
    found = OUTPUT_DIV.match(line)
    assert (found and (found.group("stream") or found.group("kind"))) == kind


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ('<div class="output stream stdout">', "stdout"),
        ('<div class="output stream stderr">', "stderr"),
        ('<div class="output execute_result" execution_count="7">', "execute_result"),
        ('<div class="output execute_result" data-execution_count="16">', "execute_result"),
        ('<div class="output display_data">', "display_data"),
        ('<div class="output error" ename="KeyError" evalue="x">', "error"),
        ('<div id="o1" class="output stream stdout">', "stdout"),
        ('  <div class="output stream stdout">', "stdout"),
        # a cell's div, an author's classes, a div with text on its line
        ('<div class="cell code" execution_count="1">', None),
        ('<div class="output">', None),
        ('<div class="outputs stream stdout">', None),
        ('<div class="output-wide stream stdout">', None),
        ('<div class="output stream stdout">text</div>', None),
        ('    <div class="output stream stdout">', None),
    ],
)
def test_the_opening_line_of_an_html_output_div(line: str, kind: str | None) -> None:
    """``pandoc -t gfm`` writes the divs as HTML."""
    found = HTML_OUTPUT_DIV.match(line)
    assert (found and (found.group("stream") or found.group("kind"))) == kind


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("::: {.cell-output .cell-output-stdout}", "stdout"),
        ('::: {.cell-output .cell-output-display execution_count="3"}', "display"),
        ("::: {.cell-output .cell-output-stderr}", "stderr"),
        ("::: {.cell-output .cell-output-error}", "error"),
        ("::::{.cell-output-stdout .cell-output}", "stdout"),
        ("::: {.cell .cell-code}", None),
        ("::: {.cell-output .cell-output-displayed}", None),
        ("::: {.cell-output}", None),
    ],
)
def test_the_opening_line_of_a_quarto_output_div(line: str, kind: str | None) -> None:
    found = QUARTO_OUTPUT_DIV.match(line)
    assert (found and found.group("quarto")) == kind


def test_the_html_divs_after_each_block_read_as_pandoc_s_divs() -> None:
    note = NoteParser().parse(HTML_SAMPLE.read_text(encoding="utf-8"))
    assert [
        (block.expected, block.output and (block.output.start, block.output.end))
        for block in note.blocks
    ] == [
        ("torch.Size([2, 1])\ntensor([[1., 1., 1.],\n        [1., 1., 1.]])", (17, 25)),
        ("tensor(2.)", (44, 45)),
        (None, None),  # an image displayed; a div of an author's class is prose
    ]
    first = note.blocks[0].output
    assert first is not None
    assert first.by_source is not None
    printed, value = first.by_source
    assert (printed.text, value.text) == (
        "torch.Size([2, 1])",
        "tensor([[1., 1., 1.],\n        [1., 1., 1.]])",
    )
    (problem,) = note.problems
    assert (problem.line_index, problem.severity) == (36, "warning")
    assert problem.message.startswith("pandoc's output div .stream .stderr")


def test_quarto_s_indented_output_divs_are_read_with_no_option() -> None:
    note = NoteParser().parse(QUARTO_SAMPLE.read_text(encoding="utf-8"))
    assert [
        (block.expected, block.output and (block.output.kind, block.output.start))
        for block in note.blocks
    ] == [
        ("4\ntensor([[0, 1],\n        [2, 3]])", ("indented", 9)),
        ("tensor(6)", ("indented", 30)),  # the stderr div is passed over, and warned of
        ("tensor(3)", ("fence", 41)),  # a fence in the div: an output fence
    ]
    assert note.blocks[0].output is not None
    assert note.blocks[0].output.by_source is not None
    (problem,) = note.problems
    assert (problem.line_index, problem.severity) == (25, "warning")
    assert problem.message.startswith("Quarto's output div .cell-output-stderr holds")


def test_the_divs_after_each_block_of_the_sample() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    lines = text.split("\n")
    fences = [fence for fence in MarkdownLexer()(text).fences if fence.language == "python"]
    found = [
        [(div.kind, div.open_line, [line.line for line in div.lines]) for div in divs]
        for divs in (output_divs(lines, fence) for fence in fences)
    ]
    assert found == [
        [("stdout", 10, [11]), ("execute_result", 14, [15])],
        [("stderr", 25, [26]), ("stdout", 29, [30, 31])],
        [("error", 40, [41, 42, 43, 44, 45, 46])],
        [("display_data", 55, [])],
        [],  # prose stands between the block and the div
        [("stderr", 76, [77])],
    ]


def test_the_text_of_the_divs_is_each_block_s_output() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    sections = [block.output for block in note.blocks]
    assert [block.expected for block in note.blocks] == [
        "tensor(6.)\ntensor([0., 1., 2., 3.])",
        "tensor([[0., 1.],\n        [2., 3.]])",
        "---------------------------------------------------------------------------\n"
        "RuntimeError                              Traceback (most recent call last)\n"
        "Cell In[3], line 1\n----> 1 b @ torch.ones(3)\n\n"
        "RuntimeError: size mismatch, got input (2), mat (2x2), vec (3)",
        None,
        None,
        None,
    ]
    assert [(s.kind, s.start, s.end) for s in sections[:3] if s is not None] == [
        ("indented", 11, 16),
        ("indented", 30, 32),
        ("indented", 41, 47),
    ]
    first = sections[0]
    assert first is not None
    assert first.not_writable is not None
    assert "output divs at lines 11, 15, which update rewrites only when" in first.not_writable
    assert first.by_source is not None
    assert [part.text for part in first.by_source] == ["tensor(6.)", "tensor([0., 1., 2., 3.])"]
    assert all(s is not None and s.not_writable is None for s in sections[1:3])
    (problem,) = note.problems
    assert (problem.line_index, problem.severity) == (25, "warning")
    assert problem.message.startswith(
        "pandoc's output div .stream .stderr holds what the cell wrote to stderr (warnings, "
        "logs), which is not compared (and 1 more in this note): "
    )
    assert "<!-- torchnotes: warns UserWarning -->" in problem.message


def test_an_output_fence_or_marker_still_wins() -> None:
    text = (
        "```python\nprint(1)\n======== output ==========\n1\n```\n\n"
        "::: {.output .stream .stdout}\n    2\n:::\n"
    )
    (block,) = NoteParser().parse(text).blocks
    assert (block.output and block.output.kind, block.expected) == ("marker", "1")


NOTE = """\
# 张量

::: {.cell .code execution_count="1"}
``` python
import torch
x = torch.ones(2)
print(x * 3)
```

::: {.output .stream .stdout}
    tensor([3., 3.])
:::
:::

::: {.cell .code execution_count="2"}
``` python
print(x.shape)
x
```

::: {.output .stream .stdout}
    torch.Size([2])
:::

::: {.output .execute_result execution_count="2"}
    tensor([1., 1.])
:::
:::

::: {.cell .code execution_count="3"}
``` python
x @ torch.ones(3)
```

::: {.output .error ename="RuntimeError" evalue="inconsistent tensor size"}
    ---------------------------------------------------------------------------
    RuntimeError                              Traceback (most recent call last)
    Cell In[3], line 1
    ----> 1 x @ torch.ones(3)

    RuntimeError: inconsistent tensor size, expected tensor [2] and src [3] to have the \
same number of elements, but got 2 and 3 elements respectively
:::
:::
"""

#: The first block's div with another output, one line longer.
DRIFTED = NOTE.replace("    tensor([3., 3.])\n", "    tensor([1., 1.])\n    one line more\n")


def test_a_pandoc_export_runs_with_its_outputs_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOTE)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 3}


def test_a_drift_fails_and_update_rewrites_the_div_s_body_only(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    path = write_note(DRIFTED)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*note.md:4: block 1 * drift*"])
    assert block_counts(result) == {"verified": 2, "failed": 1}
    pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-update")
    assert path.read_text(encoding="utf-8") == NOTE
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_update_rewrites_the_printed_text_and_the_value_each_in_its_div(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = NOTE.replace("    torch.Size([2])", "    torch.Size([5])").replace(
        "    tensor([1., 1.])", "    tensor([7., 1.])"
    )
    path = write_note(text)
    pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-update")
    assert path.read_text(encoding="utf-8") == NOTE
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_update_rewrites_only_the_div_that_drifted(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = NOTE.replace("    torch.Size([2])", "    torch.Size([4])")
    path = write_note(text)
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-update")
    result.stdout.fnmatch_lines(["rewrote 1 output in 1 note:"])
    assert path.read_text(encoding="utf-8") == text.replace("Size([4])", "Size([2])")


#: A cell whose printed text pandoc split over two stdout divs (a stderr one between).
TWO_STREAMS = """\
``` python
import sys
print(1)
print("careful", file=sys.stderr)
print(2)
```

::: {.output .stream .stdout}
    1
:::

::: {.output .stream .stderr}
    careful
:::

::: {.output .stream .stdout}
    3
:::
"""


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (TWO_STREAMS, "which update does not rewrite"),
        # the value of the last line is None now: nothing shown, no split by source
        (
            NOTE.replace("print(x.shape)\nx\n", "print(x.shape)\nx.tolist() and None\n"),
            "which update rewrites only when the block still prints text and then shows",
        ),
    ],
)
def test_update_leaves_output_that_does_not_split_by_source_and_says_why(
    pytester: pytest.Pytester, write_note: WriteNote, text: str, why: str
) -> None:
    path = write_note(text)
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-update")
    result.stdout.fnmatch_lines([f"*is spread over the output divs at lines *, {why}*"])
    assert path.read_text(encoding="utf-8") == text


#: ``pandoc -t gfm``: the divs in HTML, a Quarto render with its output indented.
HTML_NOTE = HTML_SAMPLE.read_text(encoding="utf-8")
QUARTO_NOTE = QUARTO_SAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "old", "new", "counts"),
    [
        (HTML_NOTE, "    torch.Size([2, 1])", "    torch.Size([9, 1])", {"verified": 2, "ran": 1}),
        (HTML_NOTE, "  [1., 1., 1.]])", "  [1., 5., 1.]])", {"verified": 2, "ran": 1}),
        (QUARTO_NOTE, "    4\n", "    5\n", {"verified": 3}),
        (QUARTO_NOTE, "            [2, 3]])", "            [2, 4]])", {"verified": 3}),
        (QUARTO_NOTE, "    tensor(6)", "    tensor(7)", {"verified": 3}),
    ],
)
def test_html_and_quarto_divs_are_compared_and_updated_in_place(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    text: str,
    old: str,
    new: str,
    counts: dict[str, int],
) -> None:
    write_note(text)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == counts
    drifted = text.replace(old, new, 1)
    assert drifted != text
    path = write_note(drifted)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    assert "drift" in result.stdout.str()
    pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-update")
    assert path.read_text(encoding="utf-8") == text
