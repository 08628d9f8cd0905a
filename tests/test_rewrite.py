"""Rewriting expected output: merges, refusals, byte-exact edits, atomic writes."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.document import decode_note
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER, NoteParser
from pytest_torchnotes.update.apply import apply
from pytest_torchnotes.update.merge import merge
from pytest_torchnotes.update.refusals import NUL_IN_OUTPUT, unsafe_reason, written_lines
from pytest_torchnotes.update.rewrite import Edit, RewriteError, digest, section_edit
from pytest_torchnotes.update.writer import (
    CHANGED_ON_DISK,
    READ_ONLY,
    update_file,
    write_atomically,
)

NUMERIC = Comparator(CompareOptions())
ELLIPSIS = Comparator(CompareOptions("ellipsis"))


def edit_note(text: str, outputs: list[str], comparator: Comparator = NUMERIC) -> str:
    """Write ``outputs`` into the output sections of the blocks of ``text``."""
    raw = decode_note(text.encode("utf-8"))
    note = NoteParser().parse(raw.text)
    raw_lines = raw.original.split("\n")
    edits = []
    for block, actual in zip(note.blocks, outputs, strict=True):
        assert block.output is not None
        output = block.output
        edits.append(
            section_edit(
                output,
                actual,
                raw_lines=raw_lines,
                comparator=comparator,
                marker=OUTPUT_MARKER,
                path="note.md",
                first_line=block.first_line,
                file_digest="",
            )
        )
    return apply(raw.original, edits)


def test_written_lines() -> None:
    assert written_lines("") == []
    assert written_lines("a  \r\nb\n\n") == ["a", "b"]
    assert written_lines("\x1b[1mbold\x1b[0m\n") == ["bold"]


def test_merge_keeps_the_lines_that_still_match() -> None:
    expected = ["tensor([0.33, 0.67])", "loss 1.5", "done"]
    actual = ["tensor([0.3333, 0.6667])", "loss 1.7500", "done"]
    assert merge(expected, actual, NUMERIC) == ["tensor([0.33, 0.67])", "loss 1.7500", "done"]


def test_merge_keeps_wildcard_lines() -> None:
    expected = ["start", "...", "value 1", "end"]
    actual = ["start", "x", "y", "value 2", "end"]
    assert merge(expected, actual, ELLIPSIS) == ["start", "...", "value 2", "end"]


def test_merge_falls_back_to_the_new_output() -> None:
    # Each line matches on its own, but "..." cannot stand for what follows as a whole.
    assert merge(["a ...", "b"], ["a x", "c"], ELLIPSIS) == ["a ...", "c"]
    assert merge([], ["new"], NUMERIC) == ["new"]
    assert merge(["x"] * 300, ["y"] * 300, NUMERIC) == ["y"] * 300


def test_fill_an_empty_section() -> None:
    text = "# T\n\n```python\nprint(1)\n=== output ===\n```\n"
    assert edit_note(text, ["1\n"]) == "# T\n\n```python\nprint(1)\n=== output ===\n1\n```\n"


def test_an_all_blank_section_is_replaced() -> None:
    text = "```python\nprint(1)\n=== output ===\n\n\n```\n"
    assert edit_note(text, ["1\n"]) == "```python\nprint(1)\n=== output ===\n1\n```\n"


def test_blank_lines_around_the_output_stay() -> None:
    text = "```python\nprint(2)\n\n=== output ===\n\n1\n\n```\n"
    assert edit_note(text, ["2\n"]) == "```python\nprint(2)\n\n=== output ===\n\n2\n\n```\n"


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeff# T\r\n```python\r\nprint(2)\r\n=== output ===\r\n1\r\nkeep\r\n```\r\n"
    assert edit_note(text, ["2\nkeep\n"]) == (
        "# T\r\n```python\r\nprint(2)\r\n=== output ===\r\n2\r\nkeep\r\n```\r\n"
    )


def test_mixed_line_endings_are_kept_outside_the_section() -> None:
    text = "a\r\n```python\nprint(2)\r\n=== output ===\n1\n```\r\nz"
    assert edit_note(text, ["2\n"]) == "a\r\n```python\nprint(2)\r\n=== output ===\n2\n```\r\nz"


def test_block_quote_and_list_prefixes() -> None:
    text = (
        "> ```python\n> print(1)\n> === output ===\n> old\n>\n> old\n> ```\n\n"
        "1. step\n\n   ```python\n   print(2)\n   === output ===\n   ```\n"
    )
    assert edit_note(text, ["new\n\nnew\n", "two\n\nlines\n"]) == (
        "> ```python\n> print(1)\n> === output ===\n> new\n>\n> new\n> ```\n\n"
        "1. step\n\n   ```python\n   print(2)\n   === output ===\n   two\n\n   lines\n   ```\n"
    )


def test_tabs_in_output_are_written_as_they_are() -> None:
    text = "```python\nprint('a\\tb')\n=== output ===\n```\n"
    assert edit_note(text, ["a\tb\n"]).endswith("=== output ===\na\tb\n```\n")


def test_output_fence_section() -> None:
    text = "```python\nprint(3)\n```\n\nOutput:\n\n```output\n2\n```\n"
    assert edit_note(text, ["3\n"]) == "```python\nprint(3)\n```\n\nOutput:\n\n```output\n3\n```\n"


@pytest.mark.parametrize(
    ("actual", "reason"),
    [
        (
            "```\n",
            "a line of the output ('```') would close the block's fence: open and close the"
            " block with ```` instead",
        ),
        (
            "```python\n",
            "a line of the output ('```python') starts like a fence: open and close the block"
            " with ```` instead",
        ),
        (
            "=== output ===\n",
            "a line of the output ('=== output ===') reads as an output marker: print it"
            " differently, or mark the block <!-- torchnotes: compare ignore -->",
        ),
        ("a\x00b\n", NUL_IN_OUTPUT),
        (
            "10%\r100%\n",
            "the output contains a bare carriage return (\\r, a progress bar?); write the "
            "expected text by hand (it is compared as a terminal shows it) or mark the block "
            "<!-- torchnotes: compare ignore -->",
        ),
    ],
)
def test_unsafe_output_is_refused(actual: str, reason: str) -> None:
    with pytest.raises(RewriteError) as info:
        edit_note("```python\nx\n=== output ===\n```\n", [actual])
    assert str(info.value) == reason


def test_a_longer_fence_may_hold_three_backticks() -> None:
    assert unsafe_reason(["```"], "````", OUTPUT_MARKER) is None
    assert unsafe_reason(["~~~"], "```", OUTPUT_MARKER) is None
    assert unsafe_reason(["~~~~"], "~~~", OUTPUT_MARKER) is not None


def test_overlapping_edits_are_refused() -> None:
    first = Edit("n.md", 0, 2, ("a",), ("x", "y"), 0, "")
    second = Edit("n.md", 1, 3, ("b",), ("y", "z"), 1, "")
    with pytest.raises(RewriteError, match="overlap"):
        apply("x\ny\nz", [first, second])


def test_an_edit_of_other_text_is_refused() -> None:
    with pytest.raises(RewriteError, match="changed under the edit"):
        apply("x\ny", [Edit("n.md", 0, 1, ("a",), ("not x",), 0, "")])


def test_edit_json_round_trip() -> None:
    edit = Edit("n.md", 3, 4, ("a", "b\r"), ("c",), 1, "abc")
    assert Edit.from_json(edit.to_json()) == edit


def test_write_atomically_keeps_mode_and_symlink(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_atomically(link, b"new")
    assert link.is_symlink()
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["link.md", "real.md"]


def test_write_atomically_never_replaces_a_special_file(tmp_path: Path) -> None:
    # A rename over the target of a link to /dev/null (or a FIFO put in a note's place)
    # made it a regular file, for every process of the machine.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.md"
    link.symlink_to(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        write_atomically(link, b"new")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["link.md", "pipe"]


def test_update_file(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    data = b"```python\nprint(1)\n=== output ===\n```\n"
    note.write_bytes(data)
    edit = Edit(str(note), 3, 3, ("1",), (), 0, digest(data))
    assert update_file(note, [edit]) is None
    assert note.read_bytes() == b"```python\nprint(1)\n=== output ===\n1\n```\n"
    assert update_file(note, [edit]) == CHANGED_ON_DISK
    note.chmod(0o444)
    fresh = Edit(str(note), 3, 4, ("2",), ("1",), 0, digest(note.read_bytes()))
    assert update_file(note, [fresh]) == READ_ONLY
    assert update_file(tmp_path / "gone.md", [fresh]) == "cannot be read: No such file or directory"


# Property: blank the outputs of a note, write them back, get the original bytes.

TEXTS = st.lists(
    st.sampled_from([*"abc xyz0123456789.,:-[]()", "张量", "é", "\t"]), max_size=12
).map("".join)
CONTAINERS = st.sampled_from(["", "> ", "- ", "1. ", "  ", "> > "])


@st.composite
def notes(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    parts: list[str] = []
    blanked: list[str] = []
    outputs: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        prose = draw(st.lists(TEXTS.filter(lambda t: "`" not in t), max_size=2))
        parts.extend(f"{line}".rstrip() for line in prose)
        blanked.extend(f"{line}".rstrip() for line in prose)
        parts.append("")
        blanked.append("")
        container = draw(CONTAINERS)
        inner = " " * len(container) if container[0:1] in "-1 " else container
        if container.startswith(">"):
            inner = container
        printed = [line.strip() for line in draw(st.lists(TEXTS, min_size=1, max_size=3))]
        printed = [line for line in printed if line] or ["x"]
        code = [f"print({line!r})" for line in printed]
        head = [container + "```python", *(inner + line for line in code), inner + "=== output ==="]
        parts.extend(head)
        blanked.extend(head)
        parts.extend(inner + line for line in printed)
        parts.append(inner + "```")
        blanked.append(inner + "```")
        parts.append("")
        blanked.append("")
        outputs.append("\n".join(printed) + "\n")
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (
        bom + newline.join(parts),
        bom + newline.join(blanked),
        outputs,
    )


def run_blocks(text: str) -> list[str]:
    """What each block prints, run for real."""
    note = NoteParser().parse(decode_note(text.encode("utf-8")).text)
    printed = []
    for block in note.blocks:
        assert isinstance(block, Block)
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(block.code, {})
        printed.append(buffer.getvalue())
    return printed


@given(notes())
def test_blank_update_gives_back_the_original_bytes(case: tuple[str, str, list[str]]) -> None:
    original, blanked, outputs = case
    assert run_blocks(blanked) == outputs
    updated = edit_note(blanked, run_blocks(blanked))
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    assert bom + updated == original


@given(notes())
def test_updating_a_note_that_passes_changes_nothing(case: tuple[str, str, list[str]]) -> None:
    original, _, outputs = case
    updated = edit_note(original, outputs)
    assert updated == decode_note(original.encode("utf-8")).original


def test_umask_does_not_change_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "n.md"
    target.write_text("x")
    target.chmod(0o600)
    previous = os.umask(0o077)
    try:
        write_atomically(target, b"y")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root"
)


@needs_root
@pytest.mark.parametrize("owner", [(1234, 1234), (0, 4321), (4321, 0)])
def test_write_atomically_keeps_owner_and_group(tmp_path: Path, owner: tuple[int, int]) -> None:
    target = tmp_path / "n.md"
    target.write_text("old")
    os.chown(target, *owner)
    write_atomically(target, b"new")
    info = target.stat()
    assert (info.st_uid, info.st_gid) == owner
    assert target.read_text() == "new"
    assert [path.name for path in tmp_path.iterdir()] == ["n.md"]


@needs_root
def test_someone_elses_file_is_written_in_place_when_it_cannot_be_given_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user whom the group lets write someone else's note cannot chown a new file to
    that someone: the note is written in place, keeping its owner and inode."""
    target = tmp_path / "n.md"
    target.write_text("old text")
    os.chown(target, 1234, 1234)
    inode = target.stat().st_ino

    def refuse(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refuse)
    write_atomically(target, b"new")
    info = target.stat()
    assert (info.st_uid, info.st_gid, info.st_ino) == (1234, 1234, inode)
    assert target.read_bytes() == b"new"
    assert [path.name for path in tmp_path.iterdir()] == ["n.md"]


@pytest.mark.parametrize("old", [b"a much longer old text\n" * 20, b""])
def test_write_atomically_keeps_hard_links(tmp_path: Path, old: bytes) -> None:
    target = tmp_path / "n.md"
    target.write_bytes(old)
    other = tmp_path / "other.md"
    os.link(target, other)
    write_atomically(target, b"new\n")
    assert target.read_bytes() == other.read_bytes() == b"new\n"
    assert target.stat().st_ino == other.stat().st_ino
    assert target.stat().st_nlink == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["n.md", "other.md"]


def _full_disk(*args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("links", [1, 2])
def test_a_note_is_not_damaged_when_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: int
) -> None:
    """The temporary file cannot be written, or (a note with another hard link, written in
    place) the room for its longer text cannot be reserved: the note keeps its bytes, no
    temporary file is left, and update says why."""
    note = "```python\nprint(1 + 1)\n```\n\n```output\n3\n```\n"
    target = tmp_path / "n.md"
    target.write_text(note)
    if links == 2:
        os.link(target, tmp_path / "other.md")
    longer = ("a much longer output than the one it replaces",)
    edit = Edit(str(target), 5, 6, longer, ("3",), 0, digest(note.encode()))
    monkeypatch.setattr(os, "fsync" if links == 1 else "posix_fallocate", _full_disk)
    assert update_file(target, [edit]) == "cannot be written: No space left on device"
    assert target.read_text() == note
    assert len(list(tmp_path.iterdir())) == links


def test_a_note_in_a_folder_that_takes_no_new_file_is_written_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note may be written, its folder may not (no temporary file beside it): it was
    refused with 'cannot be written: Permission denied'."""
    target = tmp_path / "n.md"
    target.write_text("old text")
    target.chmod(0o640)
    inode = target.stat().st_ino

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert (target.stat().st_ino, stat.S_IMODE(target.stat().st_mode)) == (inode, 0o640)
    assert [path.name for path in tmp_path.iterdir()] == ["n.md"]


def test_a_note_with_a_name_as_long_as_the_file_system_takes_is_written(tmp_path: Path) -> None:
    """The temporary file was named after the whole note: 'File name too long'."""
    target = tmp_path / ("😀" * 62 + ".md")  # 251 bytes
    target.write_text("old")
    inode = target.stat().st_ino
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_ino != inode  # through a temporary file, not in place
    assert [path.name for path in tmp_path.iterdir()] == [target.name]
