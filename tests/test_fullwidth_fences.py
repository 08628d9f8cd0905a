"""Fences typed with full-width backticks or tildes: not fences to Markdown, and named."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown

CODE = "import torch\nprint(torch.ones(2))\n"


def _warnings(text: str) -> list[tuple[int, str]]:
    note = NoteParser().parse(text)
    return [(shown(p.line_index), p.message) for p in note.problems if "full-width" in p.message]


@pytest.mark.parametrize(
    ("opening", "closing", "written"),
    [
        ("｀｀｀python", "｀｀｀", "```python"),
        ("～～～python", "～～～", "~~~python"),
        (
            "｀｀｀ｐｙｔｈｏｎ",
            "｀｀｀",
            "```python",
        ),  # the info string typed full-width too
        ("｀｀｀", "｀｀｀", "```"),  # no info string: its lines read as Python
        ("> ｀｀｀python", "> ｀｀｀", "```python"),  # in a block quote
        ("｀｀｀｀python", "｀｀｀｀", "````python"),
    ],
)
def test_a_python_block_fenced_with_full_width_characters_is_named(
    opening: str, closing: str, written: str
) -> None:
    # Markdown read it as a paragraph: its code never ran, and the note passed
    quoted = "> " if opening.startswith(">") else ""
    body = "".join(f"{quoted}{line}\n" for line in CODE.splitlines())
    text = f"# 笔记\n\n{opening}\n{body}{closing}\n\n```python\nprint(1)\n```\n"
    [(line, message)] = _warnings(text)
    assert line == 3
    assert message.startswith(f"{opening.lstrip('> ')} is not a fence")
    assert f"write {written} (and {written.split('p')[0]} to close it) to run it" in message


def test_each_block_is_named_and_not_the_lines_that_close_them() -> None:
    block = f"｀｀｀python\n{CODE}｀｀｀\n\n"
    assert [line for line, _ in _warnings(f"# 笔记\n\n{block}text\n\n{block}")] == [
        3,
        10,
    ]


@pytest.mark.parametrize(
    "text",
    [
        "# 笔记\n\n好的～～～\n\n～～～～～～\n\n下一节\n",  # tildes that decorate prose
        "# 笔记\n\n～～～～～～\n这是一段说明。\n～～～～～～\n",
        "# x\n\n```text\n｀｀｀python\nimport torch\n｀｀｀\n```\n",  # inside a fence: text
        "# x\n\n<!--\n｀｀｀python\nimport torch\n｀｀｀\n-->\n",  # inside a comment
    ],
)
def test_full_width_characters_that_fence_no_python_are_left_alone(text: str) -> None:
    assert _warnings(text) == []
