"""A fence that reads as what a block prints, with prose between them (no label, no lead-in):
not read as its output, as the prose may say what other code would print, but named, once a
note (``layout.prose_between_warning``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote, block_counts

SAMPLE = Path(__file__).parent / "samples" / "output_past_prose.md"


def test_the_sample_has_one_warning_for_its_two_fences() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    assert all(block.output is None for block in note.blocks)
    (problem,) = note.problems
    assert (problem.line_index, problem.severity) == (10, "warning")
    assert problem.message == (
        "the fence at line 11 reads as what the block at line 3 prints, but text stands "
        "between them (line 9), so it is not read as its output and nothing compares it (and "
        "1 more fence like it): only blank lines and one label line may stand between a block "
        "and its output; move the text above the block or below the fence, and put a label "
        "line such as Output: or 输出： right above the fence (or mark it ```output)"
    )


def _note(code: str, between: str, fence: str) -> str:
    return f"```python\n{code}\n```\n\n{between}\n\n{fence}\n"


@pytest.mark.parametrize(
    ("code", "between", "fence"),
    [
        ("print(x)", "The result.", "```\ntensor([1., 2.])\n```"),
        ("print(x)", "结果是一个张量。", "~~~text\ntensor([1., 2.])\n~~~"),
        ("x.shape", "A remark.\n\nAnother paragraph.", "```\ntorch.Size([2])\n```"),
        ("print(a, b)", "Both flags.", "```txt\nTrue False\n```"),
        ("print(x)", "> a quoted remark", "```none\n[1, 2, 3]\n```"),
    ],
)
def test_output_past_prose_is_named(code: str, between: str, fence: str) -> None:
    text = _note(code, between, fence)
    note = NoteParser().parse(text)
    assert note.blocks[0].output is None
    (problem,) = note.problems
    fence_line = text.split("\n").index(fence.split("\n")[0], 3)  # past the block
    assert problem.line_index == fence_line
    assert problem.message.startswith(f"the fence at line {fence_line + 1} reads as what")


@pytest.mark.parametrize(
    ("code", "between", "fence"),
    [
        # what the fence holds is code, a shell session, or prose
        ("print(x)", "Then:", "```\ny = x + 1\nprint(y)\n```"),
        ("print(x)", "Install it.", "```\n$ pip install torch\n```"),
        ("print(x)", "A remark.", "```\nSome words in a fence.\n```"),
        # the block prints nothing: the fence is some other code's output
        ("loss.backward()", "A remark.", "```\ntensor([1., 2.])\n```"),
        ("y = x + 1", "A remark.", "```\ntensor([1., 2.])\n```"),
        # a heading starts another section
        ("print(x)", "## Next", "```\ntensor([1., 2.])\n```"),
        ("print(x)", "A remark.\n\n### Next", "```\ntensor([1., 2.])\n```"),
        # a fence of another language is not where output is read
        ("print(x)", "A remark.", "```python\ntensor([1., 2.])\n```"),
        ("print(x)", "A remark.", "```json\n[1, 2]\n```"),
    ],
)
def test_what_is_not_named(code: str, between: str, fence: str) -> None:
    note = NoteParser().parse(_note(code, between, fence))
    assert [problem.message for problem in note.problems] == []


@pytest.mark.parametrize(
    ("between", "kind"),
    [
        ("输出：", "fence"),  # a label: read
        ("which gives:", "fence"),  # a sentence that leads into it: read
    ],
)
def test_a_label_or_a_lead_in_still_reads_it(between: str, kind: str) -> None:
    note = NoteParser().parse(_note("print(x)", between, "```\ntensor([1., 2.])\n```"))
    block = note.blocks[0]
    assert (block.output and block.output.kind, note.problems) == (kind, [])


def test_the_warning_in_a_run(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(SAMPLE.read_text(encoding="utf-8"))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*note.md:11: the fence at line 11 reads as what the block at line 3 prints, but *"]
    )
    assert block_counts(result) == {"ran": 7}


@pytest.mark.parametrize(
    ("code", "between", "fence"),
    [
        ("print(x)", "<!-- the output -->", "```\ntensor([1., 2.])\n```"),
        ("x.shape", "<!--\nmore than one line\n-->", "~~~text\ntorch.Size([2])\n~~~"),
        ("print(a, b)", "<!-- a -->\n\n<!-- b -->", "```console\nTrue False\n```"),
        ("print(n)", "<!-- prettier-ignore -->", "```none\n42\n```"),
    ],
)
def test_output_past_an_html_comment_is_named(code: str, between: str, fence: str) -> None:
    """A comment is not rendered: the fence reads as the output right under the block, so
    it is named, with the comment's line, rather than passed over."""
    text = _note(code, between, fence)
    note = NoteParser().parse(text)
    fence_line = text.split("\n").index(fence.split("\n")[0], 3)  # past the block
    assert note.blocks[0].output is None
    (problem,) = note.problems
    assert (problem.line_index, problem.severity) == (fence_line, "warning")
    assert problem.message.endswith(
        ": only blank lines and one label line may stand between a block and its output, "
        "line 5 is an HTML comment (move it above the block or below the output)"
    )


@pytest.mark.parametrize(
    ("code", "fence"),
    [
        ("y = x + 1", "```\ntensor([1., 2.])\n```"),  # prints nothing: another's output
        ("print(x)", "```\ny = x + 1\nprint(y)\n```"),  # code
        ("print(x)", "```\nSome words in a fence.\n```"),  # prose
        ("print(x)", "```json\n[1, 2]\n```"),  # another language
    ],
)
def test_what_is_not_named_past_a_comment(code: str, fence: str) -> None:
    note = NoteParser().parse(_note(code, "<!-- a comment -->", fence))
    assert [problem.message for problem in note.problems] == []


def test_output_past_a_comment_in_a_run(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("# T\n\n```python\nprint(2)\n```\n\n<!-- the output -->\n\n```\n3\n```\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "always")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"ran": 1}  # not verified: nothing was compared
    result.stdout.fnmatch_lines(
        [
            "*note.md:9: fence without info string after the block at line 3 looks like its "
            "output but is not read: *line 7 is an HTML comment*"
        ]
    )
