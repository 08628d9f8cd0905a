"""xdoctest directives in blocks of plain code: reported with the directive of a block."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.markdown.xdoctest_comments import block_directive
from pytest_torchnotes.notelines import shown

SAMPLES = Path(__file__).parent / "samples"


def test_each_directive_of_plain_code_is_reported_at_its_line() -> None:
    note = NoteParser().parse((SAMPLES / "xdoctest_comments.md").read_text(encoding="utf-8"))
    assert len(note.blocks) == 5
    said = [(shown(p.line_index), p.severity, p.message) for p in note.problems]
    assert [(line, severity) for line, severity, _ in said] == [
        (4, "warning"),
        (9, "warning"),
        (14, "warning"),
        (18, "warning"),
        (19, "warning"),
        (20, "warning"),
    ]  # the transcript's directive is read: no word of it
    assert said[0][2] == (
        '`# xdoctest: +SKIP("undefined filepaths")` is read in a >>> transcript only: in '
        "this block of plain code it does nothing, and the block runs whole; put "
        "<!-- torchnotes: skip undefined filepaths --> above the block, or write the example "
        "as a >>> transcript"
    )
    assert [message.split("; put ")[1].split(" above")[0] for _, _, message in said[1:]] == [
        "<!-- torchnotes: requires cuda -->",
        "<!-- torchnotes: compare ignore -->",
        "<!-- torchnotes: requires module:matplotlib -->",
        "<!-- torchnotes: requires platform:linux -->",
        "<!-- torchnotes: skip needs env:DOCTEST_SHOW -->",
    ]


@pytest.mark.parametrize(
    "code",
    [
        "print('xdoctest')",
        "# see the xdoctest docs\nx = 1",
        "# xdoctest: -SKIP",  # turns a directive off: nothing to do for a block
    ],
)
def test_mentions_of_xdoctest_that_are_no_directive_are_not_reported(code: str) -> None:
    assert NoteParser().parse(f"```python\n{code}\n```\n").problems == []


@given(
    st.sampled_from(["SKIP", "REQUIRES", "IGNORE_WANT", "skip", "Requires"]),
    st.sampled_from(["", '"why"', "env:TORCH_DOCTEST_CUDA", "module:torchvision", "LINUX"]),
)
def test_every_directive_has_a_block_directive(name: str, argument: str) -> None:
    directive = block_directive(name, argument)
    assert directive.startswith("<!-- torchnotes: ")
    assert directive.endswith(" -->")
    line = f"# xdoctest: +{name}({argument})" if argument else f"# xdoctest: +{name}"
    note = NoteParser().parse(f"```python\n{line}\nx = 1\n```\n")
    assert [p.message.split("; put ")[1].split(" above")[0] for p in note.problems] == [directive]
