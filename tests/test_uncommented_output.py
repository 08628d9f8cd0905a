"""Output written under a label comment without ``#`` (``# Output:``, then ``3``): it runs as
code, so it is named rather than passed over (:mod:`.uncommented_output`)."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.parsers import NoteFormat, NoteParser
from tests.conftest import WriteNote, block_counts

LABELS = ["# Output:", "# output", "# 输出：", "# 运行结果:", "# Result:", "# ===== output ====="]
PRINTED = ["3", "[1, 3]", "tensor([1., 2.])", "True False", "(2, 3)", "torch.Size([2])\n-1.5"]


def _warnings(text: str, note_format: NoteFormat | None = None) -> list[tuple[int, str]]:
    note = NoteParser(note_format).parse(text)
    return [(p.line_index, p.message) for p in note.problems if p.severity == "warning"]


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("printed", PRINTED)
def test_printed_output_under_a_label_comment_is_named(label: str, printed: str) -> None:
    text = f"```python\nx = 1\nprint(x)\n{label}\n{printed}\n```\n"
    note = NoteParser().parse(text)
    assert note.blocks[0].output is None
    first = printed.split("\n")[0]
    assert _warnings(text) == [
        (
            3,
            f"the comment `{label}` says that output follows, but the lines after it "
            f"(`{first}`) are code: they run, and nothing compares them with what the block "
            "prints; put them in an output fence after the block (or under the "
            "`======== output ==========` marker), or comment them out (`# ...`) and set "
            "torchnotes_comment_output (--torchnotes-comment-output)",
        )
    ]
    # read as comment output once commented out, under the option
    commented = "\n".join(f"# {line}" for line in printed.split("\n"))
    read = NoteParser(NoteFormat(comment_output=True)).parse(
        f"```python\nx = 1\nprint(x)\n{label}\n{commented}\n```\n"
    )
    assert read.blocks[0].expected == printed


@pytest.mark.parametrize(
    "code",
    [
        "x = torch.ones(2)\n# Output\ny = x + 1",  # a heading of the code under it
        "# Output:\n3",  # no code above the label
        "print(x)\n# Output:\nmodel(x)",  # a call: code, not what was printed
        "print(x)\n# Output:\n[y1, y2]",
        "print(x)\n# Output:\n3\n# a remark",  # ends with comments: commentoutput's
        "print(x)\n# Output:\n3\nprint(y)",  # a print() call after it: code
        "print(x)\n# a remark\n3",  # no label
        "print(x)  # Output:\n3",  # a remark at the end of a line of code
    ],
)
def test_what_is_not_named(code: str) -> None:
    warnings = _warnings(f"```python\n{code}\n```\n")
    assert not any("says that output follows" in message for _, message in warnings)


def test_a_block_with_an_output_section_is_not_named() -> None:
    for after in ("\n======== output ==========\n3\n```\n", "```\n\n```output\n3\n```\n"):
        text = f"```python\nprint(3)\n# Output:\n3\n{after}"
        assert not any("says that output follows" in m for _, m in _warnings(text))


def test_in_a_run_the_block_counts_as_ran_with_a_warning(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("# T\n\n```python\nprint(2)\n# ======== output ==========\n3\n```\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "always")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"ran": 1}  # not verified: nothing was compared
    result.stdout.fnmatch_lines(
        ["*note.md:5: the comment `# ======== output ==========` says that output follows*"]
    )
