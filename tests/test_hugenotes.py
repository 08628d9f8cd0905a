"""A note of many blocks costs each block about the same as a small note does: what is done
per block reads the block, not the note above it (counted, not timed)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.indented_code import indented_after
from pytest_torchnotes.update import apply as applying
from pytest_torchnotes.update import writer
from pytest_torchnotes.update.endings import ended, section_ending
from pytest_torchnotes.update.rewrite import Edit, RewriteError, digest


class CountingLines(list[str]):
    """A note's lines that count how many of them are read."""

    read = 0

    def __getitem__(self, index: object) -> object:  # type: ignore[override]
        self.read += 1
        return super().__getitem__(index)  # type: ignore[index]

    def __iter__(self) -> Iterator[str]:
        for line in super().__iter__():
            self.read += 1
            yield line


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_looking_for_indented_code_after_a_fence_reads_the_lines_after_it(depth: int) -> None:
    lines = CountingLines(["text"] * depth + ["```python", "x", "```", "", "    out", "", "end"])
    fence = FenceLexeme(depth, depth + 2, "", "", "```", 0, ())
    found = indented_after(lines, fence)
    assert [line.text for line in found] == ["out"]
    assert lines.read < 20


def test_a_note_of_many_edits_is_hashed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sections = 500
    data = "".join(f"```python\nprint({i})\n```\n\n```output\n```\n\n" for i in range(sections))
    note = tmp_path / "note.md"
    note.write_text(data, encoding="utf-8")
    read = digest(note.read_bytes())
    edits = [
        Edit(str(note), 7 * i + 5, 7 * i + 5, (str(i),), (), 7 * i, read) for i in range(sections)
    ]
    hashed: list[int] = []

    def counting(data: bytes) -> str:
        hashed.append(len(data))
        return digest(data)

    monkeypatch.setattr(writer, "digest", counting)
    assert writer.update_file(note, edits) is None
    assert len(hashed) == 1
    written = note.read_text(encoding="utf-8")
    assert written.count("```output\n") == sections
    assert "```output\n499\n```" in written


def applied_in_place(original: str, edits: Sequence[Edit]) -> str:
    """Edits applied one after the other to the note's lines, from the last one up: what
    :func:`applying.apply` gives, moving the lines below each edit."""
    pieces = applying.RAW_LINE_END.split(original)
    lines, endings = pieces[::2], [*pieces[1::2], ""]
    ordered = sorted(edits, key=lambda edit: edit.start)
    for edit in reversed(ordered):
        if tuple(lines[edit.start : edit.end]) != edit.old:
            raise RewriteError("changed")
        ending = section_ending(lines, endings, edit.start, edit.end)
        new, new_endings = ended(edit.lines, ending)
        if new and edit.end == len(lines):
            new[-1] = new[-1].removesuffix("\r")
            new_endings[-1] = ""
            if edit.start == edit.end and edit.start > 0:
                last = edit.start - 1
                lines[last] += "\r" if ending == "\r\n" else ""
                endings[last] = ending[-1]
        lines[edit.start : edit.end] = new
        endings[edit.start : edit.end] = new_endings
    return "".join(line + ending for line, ending in zip(lines, endings, strict=True))


LINE = st.sampled_from(["a", "b", "", "c\r", "```"])
ENDING = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def notes_and_edits(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    """A note (any line endings, a final one or not) and edits of it that do not overlap:
    replacements, deletions and insertions, at its start, its end and next to each other."""
    count = draw(st.integers(0, 12))
    text = "".join(draw(LINE) + draw(ENDING) for _ in range(count))
    if draw(st.booleans()):
        text += draw(LINE).rstrip("\r")
    lines = applying.raw_lines(text)
    cuts = sorted(draw(st.lists(st.integers(0, len(lines)), max_size=8)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        new = tuple(draw(st.lists(LINE, max_size=3)))
        edits.append(Edit("n.md", start, end, new, tuple(lines[start:end]), 0, ""))
    return text, edits


@given(notes_and_edits())
def test_edits_put_together_once_give_the_edits_made_in_place(
    note: tuple[str, list[Edit]],
) -> None:
    text, edits = note
    assert _outcome(applying.apply, text, edits) == _outcome(applied_in_place, text, edits)


def _outcome(apply: object, text: str, edits: list[Edit]) -> str | None:
    """The text written, or ``None`` where the edits are refused (an edit past the last
    line may change the line above it, under an edit that reaches it)."""
    try:
        return apply(text, edits)  # type: ignore[operator, no-any-return]
    except RewriteError:
        return None
