"""Layouts of published notes that paste what a block printed in a form that is shown and
not read: raw HTML ``<pre>`` elements after a block, ``# =>`` comments under its code. Each
is reported with its line; nothing is compared silently or dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.blocks import ParsedNote
from pytest_torchnotes.markdown.cellopts import expected_error, not_run
from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.html_code import python_elements
from pytest_torchnotes.markdown.lexers import FenceLexeme, MarkdownLexer
from pytest_torchnotes.markdown.parsers import NoteFormat, NoteParser
from pytest_torchnotes.markdown.pre_output import PRE_OUTPUT
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLES = Path(__file__).parent / "samples"


def parse(name: str) -> ParsedNote:
    return NoteParser().parse((SAMPLES / name).read_text(encoding="utf-8"))


def problems(note: ParsedNote) -> list[tuple[int, str, str]]:
    return [(shown(p.line_index), p.severity, p.message) for p in note.problems]


def test_a_pre_element_after_a_block_is_reported_once_per_note() -> None:
    note = parse("pre_output.md")
    assert [shown(block.first_line) for block in note.blocks] == [6, 15, 27]
    assert [block.output for block in note.blocks] == [None, None, None]
    assert problems(note) == [
        (
            12,
            "warning",
            "the HTML `<pre>` after the block at line 6 reads as what it prints, but it is not "
            "compared (and 1 more block in this note): raw HTML is not read as output; put "
            "the output in a fence marked output (```output) after the block",
        ),
        (
            31,
            "warning",
            "the HTML `<pre><code>` element here holds Python, which is not run: a Markdown "
            "renderer shows it as code, but it is HTML; write it as a ```python fence (ending "
            "in ```) to run it",
        ),
    ]


def test_pre_output_is_a_pre_element_and_not_code_shown_as_html() -> None:
    assert PRE_OUTPUT.match("<pre>tensor([1])</pre>")
    assert PRE_OUTPUT.match('  <PRE class="out">')
    assert not PRE_OUTPUT.match("<pre><code>print(x)")
    assert not PRE_OUTPUT.match("<pre> <code class='python'>")
    assert not PRE_OUTPUT.match("<preformatted>")


def test_a_pre_element_after_a_block_with_an_output_fence_is_not_reported() -> None:
    text = "```python\nprint(1)\n```\n\n```output\n1\n```\n\n<pre>1</pre>\n"
    assert NoteParser().parse(text).problems == []
    text = "```python\nprint(1)\n```\n\nSome prose.\n\n<pre>1</pre>\n"
    assert NoteParser().parse(text).problems == []


def test_arrow_comments_between_code_lines_are_reported_once_per_note() -> None:
    note = parse("arrow_comments.md")
    assert [block.output for block in note.blocks] == [None] * 5
    assert [block.code.count("# =>") for block in note.blocks] == [2, 2, 3, 0, 0]
    [arrows, inline] = problems(note)
    assert arrows == (
        13,
        "warning",
        "the comment `# => torch.Size([3, 4])` shows what the code above it prints, but it is "
        "not compared (and 3 more in this note): a `# =>` comment is not read as output; end "
        "the block after the code that prints it and put the output in a fence marked output "
        "(```output) after the block",
    )
    assert inline[:2] == (21, "warning")
    assert "`# => tensor([[1., 0.],` at the end of a code line" in inline[2]
    assert "(and 1 more in this note)" in inline[2]


def test_python_in_pre_code_elements_is_reported_as_not_run_once_per_note() -> None:
    note = parse("html_code.md")
    assert [shown(block.first_line) for block in note.blocks] == [31]
    assert problems(note) == [
        (
            7,
            "warning",
            "the HTML `<pre><code>` element here holds Python, which is not run (and 2 more in "
            "this note): a Markdown renderer shows it as code, but it is HTML; write it as a "
            "```python fence (ending in ```) to run it",
        )
    ]
    assert [shown(line) for line in python_elements_of(note)] == [7, 13, 24]


def python_elements_of(note: ParsedNote) -> list[int]:
    text = "\n".join(note.lines)
    context = NoteContext(NoteParser().format, MarkdownLexer()(text), ParsedNote(note.lines))
    return list(python_elements(context))


def test_a_jupytext_cell_tagged_in_its_info_string_runs_or_is_kept_from_running() -> None:
    note = parse("jupytext_md.md")
    assert [shown(block.first_line) for block in note.blocks] == [21, 26, 30]
    assert problems(note) == []
    tagged = expected_error(note.blocks[1].fence)  # runs, and must raise
    assert tagged is not None
    assert (shown(tagged.line), tagged.exception) == (26, "Exception")
    assert not_run(parse_fence('```python tags=["hide-output", "skip-execution"]')) == (
        "tags: [skip-execution]"
    )
    assert not_run(parse_fence("```python title='tags=[raises-exception]'")) is None


def parse_fence(opening: str) -> FenceLexeme:
    [fence] = MarkdownLexer()(f"{opening}\nx\n```\n").fences
    return fence


def test_colon_fenced_code_cells_of_python_are_reported_as_not_run() -> None:
    note = parse("colon_cells.md")
    assert [shown(block.first_line) for block in note.blocks] == [10]
    assert problems(note) == [
        (
            14,
            "warning",
            "`:::{code-cell} python` is a MyST code cell in a colon fence, which is not run (and "
            "1 more in this note): write it as a ```{code-cell} python fence (ending in ```) to "
            "run it",
        )
    ]


def test_a_pre_element_after_a_block_in_a_quote_or_a_list_item_is_reported() -> None:
    quoted = "> ```python\n> print(1)\n> ```\n>\n> <pre>1</pre>\n"
    item = "- step:\n\n  ```python\n  print(1)\n  ```\n\n  <pre>1</pre>\n"
    for text, line in ((quoted, 5), (item, 7)):
        [(at, severity, message)] = problems(NoteParser().parse(text))
        assert (at, severity) == (line, "warning")
        assert message.startswith("the HTML `<pre>` after the block at line")


def test_comment_labels_of_english_tutorials_announce_comment_output() -> None:
    """``# Result:``, ``# Expected output:``, ``# This prints:`` at the end of a block, as
    English tutorials write them, label its output comments as ``# Output:`` does."""
    labels = ["# Result:", "# Expected output:", "# This prints:", "#  打印结果：", "# OUTPUT"]
    text = "".join(f"```python\nprint(1)\n{label}\n# 1\n```\n\n" for label in labels)
    note = NoteParser(NoteFormat(comment_output=True)).parse(text)
    assert [block.expected if block.output else None for block in note.blocks] == ["1"] * 5
    assert [block.code for block in note.blocks] == ["print(1)"] * 5
    for remark in ("# Result is good", "# prints", "# the output of the model"):
        text = f"```python\nprint(1)\n{remark}\n# 1\n```\n"
        assert NoteParser(NoteFormat(comment_output=True)).parse(text).blocks[0].output is None


def test_update_rewrites_comments_under_a_result_label_and_nothing_else(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "Prose  \n\n```python\nimport torch\nprint(torch.ones(2) * 3)\n"
        "# Result:\n# tensor([2., 2.])\n```\n\nMore prose, `# Result:`\n"
    )
    path = write_note(text, dedent=False)
    result = pytester.runpytest("--torchnotes-comment-output")
    result.assert_outcomes(failed=1)
    result = pytester.runpytest("--torchnotes-comment-output", "--torchnotes-update")
    result.assert_outcomes(passed=1)
    assert path.read_text(encoding="utf-8") == text.replace(
        "# tensor([2., 2.])", "# tensor([3., 3.])"
    )
    updated = path.read_bytes()
    pytester.runpytest("--torchnotes-comment-output", "--torchnotes-update")
    assert path.read_bytes() == updated


def test_a_pytest_run_warns_of_arrow_comments_and_pre_outputs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nimport torch\nprint(torch.ones(2))\n# >>> tensor([5., 5.])\n```\n\n"
        "```python\ntorch.zeros(1)\n```\n\n<pre>tensor([7.])</pre>\n"
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    assert (
        "note.md:4: the comment `# >>> tensor([5., 5.])` shows what the code above it prints, "
        "but it is not compared: a `# >>>` comment is not read as output" in out
    )
    assert (
        "note.md:11: the HTML `<pre>` after the block at line 7 reads as what it prints, but "
        "it is not compared: raw HTML is not read as output" in out
    )


def test_a_pre_element_after_a_block_of_an_export_read_indented_is_reported() -> None:
    text = (
        "```python\nprint(1)\n```\n\n<pre>1</pre>\n\n"
        "```python\nx = 1\n```\n\n<pre><code>x</code></pre>\n"
    )
    note = NoteParser(NoteFormat(indented_output=True)).parse(text)
    [(line, severity, message)] = problems(note)
    assert (line, severity) == (5, "warning")
    assert message.startswith("HTML after the block at line 1 is a rich output of the export")
