"""Expected output in a shape no convention reads: a Markdown table or an image without alt
text right under a block that prints, a fence past both prose and an HTML comment, and a
labeled fence of output above the note's first block. None of them is compared, so each is
named at its line with what to move or label; the note's blocks count as ran, not verified."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote, block_counts


def _problems(text: str) -> list[tuple[int, str]]:
    note = NoteParser().parse(text)
    assert all(block.output is None for block in note.blocks)
    return [(problem.line_index + 1, problem.message) for problem in note.problems]


TABLE = "| x | y |\n| --- | --- |\n| tensor([1.]) | tensor([2.]) |"


@pytest.mark.parametrize(
    ("code", "after"),
    [
        ("print(x)", TABLE),
        ("x.shape", "| shape |\n|:-:|\n| `torch.Size([2])` |"),
        ("print(a, b)", "|输出|\n|---|\n|True False|"),
        ("print(loss)", "| Output |\n| --- |\n| 0.25 |"),
        ("display(df)", "   | a | b |\n   |---|---|\n   | 1 | (True, False) |"),
    ],
)
def test_a_table_right_under_a_printing_block_is_named(code: str, after: str) -> None:
    ((line, message),) = _problems(f"```python\n{code}\n```\n\n{after}\n")
    assert line == 5
    assert message.startswith("the table at line 5, right after the block at line 1, which ")
    assert "write what the block prints in a fence marked output (```output)" in message


@pytest.mark.parametrize(
    ("code", "after"),
    [
        ("print(x)", "![](out.png)"),
        ("print(x)", "![ ](images/输出01.PNG)"),
        ("x", '<img src="out.png">'),
        ("print(x)", '<img src="out.png" alt="">'),
        ("print(x)", "[![](out.png)](out.png)"),
    ],
)
def test_an_image_without_alt_text_under_a_printing_block_is_named(code: str, after: str) -> None:
    ((line, message),) = _problems(f"```python\n{code}\n```\n\n{after}\n")
    assert line == 5
    assert message.startswith("the image at line 5, right after the block at line 1, which ")
    assert "fence marked output (```output)" in message
    assert "give the image alt text" in message


@pytest.mark.parametrize(
    ("code", "after"),
    [
        ("y = x + 1", TABLE),  # prints nothing
        ("loss.backward()", "![](out.png)"),  # prints nothing
        ("print(x)", f"Each column is one run of the loop.\n\n{TABLE}"),  # text before it
        ("print(x)", "![the loss curve](loss.png)"),  # alt text says what it shows
        ("print(x)", '<img src="a.png" alt="a diagram">'),
        ("plt.plot(x)\nprint(x)", "![](loss.png)"),  # the figure the block drew
        ("print(x)", "A remark.\n\n![](out.png)"),
        ("print(x)", "| not | a table |"),  # no header row
        ("print(x)", "| batch | ms |\n|---|---|\n| 32 | 1.5 |"),  # numbers alone: a benchmark
        ("print(x)", "| op | meaning |\n|---|---|\n| add | sums |"),  # words
        ("print(x)", "## Next\n\n" + TABLE),
    ],
)
def test_ordinary_tables_and_images_are_not_named(code: str, after: str) -> None:
    assert _problems(f"```python\n{code}\n```\n\n{after}\n") == []


@pytest.mark.parametrize(
    "between",
    [
        "Some prose here.\n\n<!-- a comment -->",
        "<!-- a comment -->\n\nSome prose here.",
        "A remark.\n<!-- prettier-ignore -->\nAnother remark.",
    ],
)
def test_a_fence_past_prose_and_a_comment_is_named(between: str) -> None:
    text = f"```python\nprint(x)\n```\n\n{between}\n\n```text\ntensor([1., 2.])\n```\n"
    ((line, message),) = _problems(text)
    fence = text.split("\n").index("```text") + 1
    assert line == fence
    assert message.startswith(f"the fence at line {fence} reads as what the block at line 1 ")


@pytest.mark.parametrize(
    ("before", "fence"),
    [
        ("Output:", "```\nhello\n```"),
        ("输出：", "```text\ntensor([1., 2.])\n```"),
        ("**Result:**", "~~~\n42\n~~~"),
        ("Some words first.", "```output\ntensor([1.])\n```"),
    ],
)
def test_output_above_the_first_block_is_named(before: str, fence: str) -> None:
    text = f"# T\n\n{before}\n\n{fence}\n\n```python\nprint('hello')\n```\n"
    ((line, message),) = _problems(text)
    assert line == 5
    assert message.startswith("the fence at line 5 is ")
    assert "but no block runs above it (the first is at line " in message
    assert message.endswith("move the fence and its label below that block")


@pytest.mark.parametrize(
    ("before", "fence"),
    [
        ("Install it:", "```\npip install torch\n```"),  # no label
        ("Output:", "```text\nx = torch.ones(2)\nprint(x)\n```"),  # code
        ("Output:", "```json\n[1, 2]\n```"),  # another language
    ],
)
def test_what_stands_above_the_first_block_and_is_no_output(before: str, fence: str) -> None:
    text = f"# T\n\n{before}\n\n{fence}\n\n```python\nprint('hello')\n```\n"
    assert _problems(text) == []


def test_unread_shapes_in_a_run(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        "# T\n\nOutput:\n\n```\nhello\n```\n\n"
        "```python\nprint(1 + 1)\n```\n\n" + TABLE + "\n\n"
        "```python\nprint('a')\n```\n\n![](out.png)\n\n"
        "```python\nprint('b')\n```\n\nProse.\n\n<!-- c -->\n\n```text\nc\n```\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "always")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"ran": 3}  # not verified: nothing was compared
    result.stdout.fnmatch_lines(
        [
            "*note.md:5: the fence at line 5 is labeled as output (line 3), but no block*",
            "*note.md:13: the table at line 13, right after the block at line 9, which prints*",
            "*note.md:21: the image at line 21, right after the block at line 17, which prints*",
        ],
        consecutive=False,
    )
