"""Output pasted as comments the comment output convention does not read (under no label,
or under a label in the middle of a block): not compared, warned."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.commentoutput import COMMENT_LABEL, COMMENT_LINE, is_code
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.markdown.unlabeled_comments import inner_label
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote, block_counts

SAMPLE = Path(__file__).parent / "samples" / "unlabeled_comment_output.md"


def test_one_warning_at_the_first_block_that_ends_with_such_comments() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    assert [(shown(p.line_index), p.severity) for p in note.problems] == [
        (9, "warning"),  # the first of two blocks
        (23, "warning"),  # the labeled comments: the comment output convention's warning
        (37, "warning"),  # a label in the middle of a block
        (40, "warning"),  # the one at its end: the comment output convention's
    ]
    assert note.problems[0].message == (
        "the comments from `# torch.Size([2, 3, 4])` to the end of the block read as what it "
        "prints, but they are not compared (and 1 more block in this note): write a "
        "`# Output:` line above them and set torchnotes_comment_output "
        "(--torchnotes-comment-output) to compare them, or put the output in a fence marked "
        "output (```output) after the block"
    )
    assert note.problems[2].message == (
        "`# Output:` stands in the middle of the block, with code after it: only comments at "
        "the end of a block can be its output, so the comments under it are not compared; "
        "end the block there, one block per output"
    )
    assert len(note.blocks) == 6  # the label right above code in the last one: no warning


def test_the_blocks_still_run(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(SAMPLE.read_text(encoding="utf-8"))
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, warnings=4)
    result.stdout.fnmatch_lines(["*note.md:9: the comments from `# torch.Size*"])


def _inner_label_every_line(body: list[BodyLine]) -> list[BodyLine]:
    """:func:`inner_label` as it reads every line of ``body`` to find the last line of code."""
    code = [n for n, line in enumerate(body) if is_code(line)]
    if not code:
        return []
    return [
        line
        for n, line in enumerate(body[: code[-1]])
        if COMMENT_LABEL.match(line.text) and COMMENT_LINE.match(body[n + 1].text)
    ]


@given(
    st.lists(
        st.sampled_from(["x = 1", "  y", "# Output:", "#  输出：", "# 1", "#> 2", "", "  ", "# a"]),
        max_size=12,
    )
)
def test_the_last_line_of_code_found_from_the_end_is_the_last_of_every_line(
    texts: list[str],
) -> None:
    body = [BodyLine(n, "", text) for n, text in enumerate(texts)]
    assert inner_label(body) == _inner_label_every_line(body)


#: knitr's output of a block, right under its code: read as output, not compared (warned).
KNITR_OUTPUT = [
    'print("loss went down")\n## loss went down',
    'print("sum:", x.sum().item())\n## sum: 3.0',
    "print(x.shape)\n## torch.Size([3])",
    'for i in range(2):\n    print("step", i)\n## step 0\n## step 1',
    "print(x)\n##\n## [1] 1 1 1",
]

#: ``##`` lines that are an author's remarks: no warning.
KNITR_REMARKS = [
    "print(x)\n\n## Next we train the model",  # a blank line: they stand apart
    "y = x + 1\n## 3 is what y holds",  # the code prints nothing
    "print(x)\n## Note: this is slow on CPU",  # nothing that could be printed
    "## Setup\nimport torch",  # above the code
    "print(x)\n# 3",  # one # : another convention's (unlabeled comment output)
]


@pytest.mark.parametrize("code", KNITR_OUTPUT)
def test_knitr_output_lines_are_warned_as_not_compared(code: str) -> None:
    text = f"```python\nimport torch\nx = torch.ones(3)\n{code}\n```\n"
    note = NoteParser().parse(text)
    [problem] = note.problems
    first = next(n for n, line in enumerate(text.splitlines()) if line.startswith("##"))
    assert problem.line_index == first
    assert problem.severity == "warning"
    assert "read as what it prints, but they are not compared" in problem.message
    assert "`# Output:` line above them and set torchnotes_comment_output" in problem.message


@pytest.mark.parametrize("code", KNITR_REMARKS)
def test_knitr_remarks_are_not_warned(code: str) -> None:
    text = f"```python\nimport torch\nx = torch.ones(3)\n{code}\n```\n"
    assert [p.message for p in NoteParser().parse(text).problems if "##" in p.message] == []


def test_knitr_output_is_named_in_the_run_and_compared_under_a_label(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note('```python\nprint("sum:", 1 + 2)\n## sum: 3\n```\n', "plain.md")
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "default")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*notes/plain.md:3: the comments from `## sum: 3` to the end of the block read as*"]
    )
    assert block_counts(result) == {"ran": 1}
    write_note('```python\nprint("sum:", 1 + 2)\n# Output:\n## sum: 3\n```\n', "plain.md")
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-comment-output")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1}
    write_note('```python\nprint("sum:", 1 + 2)\n# Output:\n## sum: 4\n```\n', "plain.md")
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-comment-output")
    result.assert_outcomes(failed=1)
