"""A block's output shown as an image under its label line (a screenshot): not compared,
one warning per note."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.image_output import IMAGE
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

BLOCK = "```python\nprint({n})\n```\n"


@pytest.mark.parametrize(
    "image",
    [
        "![](../Image/输出01.PNG)",
        "![output](out.png)",
        '<img src="out.png" width="300">',
        "[![](a.png)](a.png)",
    ],
)
@pytest.mark.parametrize("label", ["输出结果：", "Output:", "**运行结果**"])
def test_an_image_under_a_label_is_named_once_per_note(image: str, label: str) -> None:
    text = "".join(f"{BLOCK.format(n=n)}{label}\n\n{image}\n\n" for n in range(3))
    note = NoteParser().parse(text)
    assert [block.output for block in note.blocks] == [None] * 3
    assert [(shown(p.line_index), p.message) for p in note.problems] == [
        (
            4,
            "the output under the label line after the block at line 1 (and after 2 more "
            "blocks) is an image (a screenshot), which is not compared: write what the block "
            "prints in a fence marked output (```output) under the label to compare it",
        )
    ]


def test_text_under_a_label_is_still_named_as_text() -> None:
    note = NoteParser().parse(BLOCK.format(n=1) + "输出：\n1\n")
    assert [p.message[:40] for p in note.problems] == ["label line after the block at line 1, bu"]


@pytest.mark.parametrize(
    ("line", "image"),
    [
        ("![](a.png)", True),
        ("  ![alt text](a b.png)  ", True),
        ("<IMG SRC='a.png'/>", True),
        ("See ![](a.png)", False),
        ("![](a.png) and text", False),
    ],
)
def test_an_image_line(line: str, image: bool) -> None:
    assert (IMAGE.match(line) is not None) is image


def test_a_pytest_run_gives_one_warning(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("".join(f"{BLOCK.format(n=n)}输出：\n\n![](o{n}.png)\n\n" for n in range(4)))
    result = pytester.runpytest("-W", "default")
    result.assert_outcomes(passed=1)
    assert result.stdout.str().count("is an image (a screenshot)") == 1
