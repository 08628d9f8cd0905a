"""An update writes a note only when its new text reads as the same note: output that a
layout would read as something else (a directive, a fence, another block) is not written."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.update.reread import difference, reread_check

parse = NoteParser().parse

BLOCK = "```python\nprint(1)\n```\n"
SESSION = "```pycon\n>>> print(1)\n1\n```\n"


@pytest.mark.parametrize(
    ("before", "after", "says"),
    [
        (BLOCK, BLOCK + "\n" + BLOCK, "2 Python blocks instead of 1"),
        (BLOCK, BLOCK.replace("1", "2"), "the code of its block 1"),
        (BLOCK, "<!-- torchnotes: skip why -->\n" + BLOCK, "directives"),
        (BLOCK, "<!-- torchnotes: skip -->\n" + BLOCK, "an error at its line 1 (skip needs"),
        (SESSION, SESSION.replace("1\n```", ">>> x\n```"), "the code of its block 1"),
        (BLOCK, BLOCK + "\n```python\nprint(2)\n", "an error at its line 5"),
    ],
    ids=["a block more", "code", "directive", "directive in error", "session", "open fence"],
)
def test_a_note_that_reads_differently_is_named(before: str, after: str, says: str) -> None:
    found = difference(parse(before), parse(after))
    assert found is not None
    assert says in found


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (SESSION, SESSION.replace("\n1\n", "\n2\n3\n")),  # a transcript's output
        (BLOCK + "\n```output\n1\n```\n", BLOCK + "\n```output\n2\n\n3\n```\n"),
        (
            "```ipython\nIn [1]: 1\n\nIn [2]: 2\n```\n",
            "```ipython\nIn [1]: 1\nOut[1]: 1\n\nIn [2]: 2\nOut[2]: 2\n```\n",
        ),
    ],
    ids=["session output", "output fence", "ipython output"],
)
def test_new_output_alone_reads_as_the_same_note(before: str, after: str) -> None:
    assert difference(parse(before), parse(after)) is None


def test_the_check_names_what_to_do() -> None:
    reason = reread_check(NoteParser())(BLOCK, BLOCK + "\n" + BLOCK)
    assert reason is not None
    assert reason.startswith("with the new output written, it would hold 2 Python blocks")
    assert "nothing was written" in reason
    assert "compare ignore" in reason


#: A cell of a notebook converted by pandoc: each output in a fenced div, indented.
PANDOC_CELL = """# Note

::: {.cell .code execution_count="3"}
``` python
print("<!-- torchnotes: skip -->")
6 * 7
```

::: {.output .stream .stdout}
    WRONG
:::

::: {.output .execute_result execution_count="3"}
    41
:::

:::
"""


def test_output_that_would_read_as_a_directive_is_not_written(pytester: pytest.Pytester) -> None:
    note = pytester.path / "notes" / "cell.md"
    note.parent.mkdir()
    note.write_text(PANDOC_CELL, encoding="utf-8")
    before = note.read_bytes()
    result = pytester.runpytest("--torchnotes", "notes", "--torchnotes-update")
    assert note.read_bytes() == before
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "could not fix 1 block, still failing:",
            "  notes/cell.md:4: not written: with the new output written, it would read with"
            " an error at its line 10 (skip needs a reason*): nothing was written;*",
        ]
    )


def test_output_that_reads_back_is_written(pytester: pytest.Pytester) -> None:
    note = pytester.path / "notes" / "cell.md"
    note.parent.mkdir()
    note.write_text(PANDOC_CELL.replace("<!-- torchnotes: skip -->", "ok"), encoding="utf-8")
    result = pytester.runpytest("--torchnotes", "notes", "--torchnotes-update")
    assert result.ret == pytest.ExitCode.OK
    text = note.read_text(encoding="utf-8")
    assert "    ok\n" in text
    assert "    42\n" in text
    assert text.replace("    ok\n", "    WRONG\n").replace("    42\n", "    41\n") == (
        PANDOC_CELL.replace("<!-- torchnotes: skip -->", "ok")
    )
