"""Output written as a block quote after a block (``> tensor([1, 2])``, ``>tensor(...)``):
read as the block's output when the quote is unambiguous, warned with the line that makes it
unclear otherwise, and rewritten by update with the quote's ``>`` prefix."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.blocks import ParsedNote
from pytest_torchnotes.markdown.parsers import NoteFormat, NoteParser
from pytest_torchnotes.markdown.quoted_output import unreadable_paragraph, unwritable_line
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLES = Path(__file__).parent / "samples"


def parse(text: str, note_format: NoteFormat | None = None) -> ParsedNote:
    return NoteParser(note_format or NoteFormat()).parse(text)


def test_the_quotes_of_the_sample_are_read_or_named() -> None:
    note = parse((SAMPLES / "quoted_output.md").read_text(encoding="utf-8"))
    sections = [
        (shown(b.output.start), shown(b.output.end - 1), b.output.prefix, b.expected)
        if b.output is not None
        else None
        for b in note.blocks
    ]
    assert sections == [
        (8, 9, "> ", "tensor([[0., 1.],\n        [2., 3.]])"),
        (19, 19, ">", "torch.Size([2, 2])"),  # no space after >, under a label
        (27, 27, "  > ", "tensor(6.)"),  # in a list item
        (35, 37, "> ", "torch.float32\n\ndevice(type='cpu')"),  # a blank line of output
        None,
        None,
        None,
    ]
    start = "block quote after the block at line {} starts like its output but line {} "
    end = (
        ", so the quote is not read as output: put the output in a fence marked output "
        "(```output), and any remark outside it"
    )
    assert [(shown(p.line_index), p.severity, p.message) for p in note.problems] == [
        (45, "warning", start.format(39, 45) + "reads as prose" + end),
        (52, "warning", start.format(47, 52) + "continues the quote without a >" + end),
        (
            59,
            "warning",
            start.format(54, 59) + "opens a fence, a comment or a deeper quote in it" + end,
        ),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # a quote after prose is the prose's, not the block's
        "```python\nprint(1)\n```\n\nAs the book says:\n\n> 1\n",
        # a remark, an alert
        "```python\nprint(1)\n```\n\n> **Note**: 1 is printed.\n",
        "```python\nprint(1)\n```\n\n> [!TIP]\n> 1\n",
        # a quote as deep as the block's own is its container going on
        "> ```python\n> print(1)\n> ```\n>\n> 1\n",
        # two labels
        "```python\nprint(1)\n```\n\n输出：\n结果：\n\n> 1\n",
        # a label or a quote out of the block's own quote is not the block's
        "> ```python\n> print(1)\n> ```\nOutput:\n> > 1\n",
        "> ```python\n> print(1)\n> ```\n\n> > 1\n",
        "> > ```python\n> > print(1)\n> > ```\n> Output:\n> > > 1\n",
    ],
)
def test_what_is_not_a_quote_of_output(text: str) -> None:
    note = parse(text)
    assert note.blocks[0].output is None


def test_an_output_fence_after_the_block_is_still_its_output() -> None:
    text = "```python\nprint(1)\n```\n\n```output\n1\n```\n\n> 1\n"
    block = parse(text).blocks[0]
    assert block.output is not None
    assert block.output.kind == "fence"


def test_a_quote_in_a_block_quote_is_one_level_deeper() -> None:
    text = "> ```python\n> print([1, 2])\n> ```\n>\n> > [1, 2]\n> >\n> > [3]\n"
    block = parse(text).blocks[0]
    assert block.output is not None
    assert (block.output.prefix, block.expected) == ("> > ", "[1, 2]\n\n[3]")


@pytest.mark.parametrize("label", ["> 输出：", "> Output:", ">Out:"])
def test_a_quote_under_a_label_in_a_block_quote_is_read(label: str) -> None:
    """In a block quote, the label line holds the outer quote's ``>`` too: it was taken for
    the quote of output itself, which it does not read as, and the quote under it was left
    unread with no word."""
    text = f"> ```python\n> print([1, 2])\n> ```\n>\n{label}\n>\n> > [1, 2]\n> > a\n\nThen.\n"
    block = parse(text).blocks[0]
    assert block.output is not None
    assert (block.output.prefix, block.expected) == ("> > ", "[1, 2]\na")


@given(
    st.lists(
        st.sampled_from(["tensor([1., 2.])", "[3, 4]])", "True", "x y", "", "1e-05"]),
        max_size=5,
    ),
    st.sampled_from(["> ", ">", " > "]),
)
def test_every_line_of_a_quote_that_starts_as_output_is_read_as_written(
    rest: list[str], marker: str
) -> None:
    printed = ["tensor([0.])", *rest]
    quote = "\n".join(f"{marker}{line}" if line else ">" for line in printed)
    block = parse(f"```python\nprint(0)\n```\n\n{quote}\n\nProse.\n").blocks[0]
    # a paragraph after a blank line that starts with prose makes the quote unclear
    if any(line == "x y" and printed[index - 1] == "" for index, line in enumerate(printed)):
        assert block.output is None
        return
    assert block.output is not None
    assert block.expected == "\n".join(printed).rstrip("\n")


def test_update_refuses_a_line_that_would_not_stay_text_in_the_quote() -> None:
    assert unwritable_line(["tensor([1])", "ok"]) is None
    for line in ("```", "~~~~ x", "<!-- torchnotes: skip -->", "> nested", "   ```"):
        reason = unwritable_line(["1", line])
        assert reason is not None
        assert "fence marked output" in reason


@given(
    st.lists(
        st.sampled_from(["tensor([1., 2.])", "[3, 4]", "True", "x y", "... 2", "", "1e-05"]),
        min_size=1,
        max_size=6,
    ).filter(lambda lines: lines[0] != "")
)
def test_update_writes_into_a_quote_only_what_reads_back_as_its_output(lines: list[str]) -> None:
    """What update would write into a quote is refused exactly when the quote would not read
    back as the block's output: the next run would take it for a remark, and with indented
    output read, write the output a second time above it."""
    quote = "\n".join(f"> {line}" if line else ">" for line in lines)
    block = parse(f"```python\nprint(0)\n```\n\n{quote}\n\nProse.\n").blocks[0]
    reads_back = block.output is not None and block.expected == "\n".join(lines).strip("\n")
    assert (unreadable_paragraph(lines) is None) == reads_back, quote


def test_update_refuses_a_quote_that_would_read_as_a_remark(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\nprint('tensor([1., 2.])')\nprint()\nprint('... 2')\n```\n\n"
        "> tensor([9.])\n> WRONG\n"
    )
    path = write_note(text, dedent=False)
    result = pytester.runpytest("--torchnotes-update", "--torchnotes-indented-output")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*note.md:1: a paragraph ('... 2') would read as prose*fence marked output*"]
    )
    assert path.read_text(encoding="utf-8") == text


NOTE = """\
# Quotes

```python
import torch
print(torch.ones(2) * 2)
```

> tensor([1., 1.])

输出：

```python
print(torch.arange(3))
print()
print(3)
```

>tensor([0, 1, 2])
>
>3

- A step:

  ```python
  print(torch.zeros(1))
  ```

  > tensor([0.])

> A quote that is not output.
"""


def test_the_plugin_compares_quotes_and_update_rewrites_only_them(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    path = write_note(NOTE, dedent=False)
    result = pytester.runpytest("-rA")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "note.md:8:" in out
    assert "tensor([2., 2.])" in out
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    assert path.read_text(encoding="utf-8") == NOTE.replace(
        "> tensor([1., 1.])", "> tensor([2., 2.])"
    )
    assert "block quote" not in pytester.runpytest("-rA").stdout.str()
    updated = path.read_bytes()
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_bytes() == updated


def test_update_writes_new_lines_with_the_quote_s_own_prefix(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = "```python\nprint(1)\nprint()\nprint(3)\n```\n\n>2\n\nAfter.\n"
    path = write_note(text, dedent=False)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text(encoding="utf-8") == text.replace(">2\n", ">1\n>\n>3\n")


def test_update_refuses_output_that_would_open_a_fence_in_the_quote(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = "```python\nprint(1)\nprint('```')\n```\n\n> 1\n"
    path = write_note(text, dedent=False)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(failed=1)
    assert "would not read as text in a block quote" in result.stdout.str()
    assert path.read_text(encoding="utf-8") == text
