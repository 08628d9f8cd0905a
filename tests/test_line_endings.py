"""Line endings of the lines update writes: those the section used (update/endings.py),
in notes whose lines end in CR CR LF, LF CR, or a mix; every other byte is kept."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.markdown.document import decode_note
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER, NoteParser
from pytest_torchnotes.update.apply import RAW_LINE_END, apply, raw_lines
from pytest_torchnotes.update.rewrite import section_edit
from tests.conftest import WriteNote

NUMERIC = Comparator(CompareOptions())


def update(data: bytes, outputs: list[str]) -> bytes:
    """``data`` with ``outputs`` written into the output sections of its blocks."""
    raw = decode_note(data)
    note = NoteParser().parse(raw.text)
    lines = raw_lines(raw.original)
    edits = []
    for block, actual in zip(note.blocks, outputs, strict=True):
        assert block.output is not None
        edits.append(
            section_edit(
                block.output,
                actual,
                raw_lines=lines,
                comparator=NUMERIC,
                marker=OUTPUT_MARKER,
                path="note.md",
                first_line=block.first_line,
                file_digest="",
            )
        )
    return apply(raw.original, edits).encode("utf-8")


def note(newline: str, output: list[str]) -> bytes:
    lines = ["# T", "", "```python", "print(1)", "```", "", "```output", *output, "```", "end"]
    return newline.join(lines).encode("utf-8") + newline.encode("utf-8")


@pytest.mark.parametrize(
    ("newline", "written"),
    [
        ("\r\r\n", b"```output\r\r\n1\r2\r3\r\r\n```"),
        ("\n\r", b"```output\n\r1\n2\n3\n\r```"),
        ("\r\n", b"```output\r\n1\r\n2\r\n3\r\n```"),
    ],
)
def test_a_section_is_written_with_its_own_line_ending(newline: str, written: bytes) -> None:
    """CR CR LF is a CR line then an empty CRLF line: the section's lines end in CR, and
    the output is written so, without the blank lines that would be output too."""
    before = note(newline, ["1", "0", "0"])
    after = update(before, ["1\n2\n3\n"])
    assert written in after
    prefix = before[: before.index(b"```output")]
    assert after.startswith(prefix)
    assert after.endswith(b"```" + newline.encode() + b"end" + newline.encode())
    assert update(after, ["1\n2\n3\n"]) == after


def test_a_section_of_mixed_endings_takes_the_most_used() -> None:
    before = b"```python\nprint(1)\n```\n\n```output\nold\r\nold\r\nold\n```\n"
    after = update(before, ["a\nb\nc\nd\n"])
    assert after == b"```python\nprint(1)\n```\n\n```output\na\r\nb\r\nc\r\nd\r\n```\n"


ENDINGS = ["\n", "\r\n", "\r", "\r\r\n", "\n\r"]


@st.composite
def mixed_notes(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A note whose every line ends in any of :data:`ENDINGS`, with an output section of
    1 to 4 lines, and new output for it."""
    old = draw(st.lists(st.sampled_from(["old", "x 1", "0.5"]), min_size=1, max_size=4))
    texts = ["# T", "", "```python", "print(1)", "```", "", "```output", *old, "```", "end"]
    ending = st.sampled_from(ENDINGS)
    # a note with no LF at all is refused (read as one line): its last line ends in one
    text = "".join(line + draw(ending) for line in texts[:-1]) + texts[-1] + "\n"
    new = draw(st.lists(st.sampled_from(["a", "b 2", "0.25"]), min_size=1, max_size=4))
    return text.encode(), new


def _full_endings(text: str) -> list[tuple[str, str]]:
    """Each line as the lexer numbers it, with its full ending (a CRLF line's CR with it)."""
    pieces = RAW_LINE_END.split(text)
    lines, endings = pieces[::2], [*pieces[1::2], ""]
    return [
        (line.removesuffix("\r"), "\r\n")
        if ending == "\n" and line.endswith("\r")
        else (line, ending)
        for line, ending in zip(lines, endings, strict=True)
    ]


@given(mixed_notes())
def test_update_writes_the_sections_ending_and_keeps_every_other_byte(
    case: tuple[bytes, list[str]],
) -> None:
    data, new = case
    parsed = NoteParser().parse(decode_note(data).text)
    [block] = parsed.blocks
    assert block.output is not None
    core = [line for line in block.output.lines if line.text.strip()]
    first, last = core[0].line, core[-1].line
    lines = _full_endings(data.decode())
    counts = Counter(ending for _, ending in lines[first : last + 1])
    most = max(counts.values())
    wanted = next(e for _, e in reversed(lines[first : last + 1]) if counts[e] == most)
    after = update(data, ["\n".join(new) + "\n"])
    written = _full_endings(after.decode())
    grown = len(written) - len(lines)
    assert written[:first] == lines[:first]
    assert written[last + 1 + grown :] == lines[last + 1 :]
    assert written[first : last + 1 + grown] == [(text, wanted) for text in new]
    reread = NoteParser().parse(decode_note(after).text).blocks[0]
    assert reread.output is not None
    assert [line.text for line in reread.output.lines if line.text.strip()] == new
    assert update(after, ["\n".join(new) + "\n"]) == after


def test_a_session_updates_a_crcrlf_note_once(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    path = write_note("x")
    path.write_bytes(note("\r\r\n", ["1", "0"]).replace(b"print(1)", b"print(1); print(2)"))
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    written = path.read_bytes()
    assert re.search(rb"```output\r\r\n1\r2\r\r\n```", written)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    assert path.read_bytes() == written
