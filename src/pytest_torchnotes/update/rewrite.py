"""Rewriting expected output in a note, without touching anything else.

An :class:`Edit` replaces a range of lines of the note with new lines; it is computed while
the note runs and applied once, at the end of the session. Everything outside the replaced
ranges keeps its bytes: encoding, byte order mark, line endings, prefixes of block quotes and
list items, the final newline, the file's mode, owner and group; a symlink stays a symlink,
and a file with several hard links is written in place, so every link sees the new text.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pytest_torchnotes.comparison.compare import Comparator
from pytest_torchnotes.comparison.normalize import (
    apply_carriage_returns,
    normalize,
    strip_ansi,
    strip_blank_edges,
    strip_trailing_whitespace,
)
from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.lexers import QUOTE, BodyLine
from pytest_torchnotes.notelines import location, shown

#: How output is written into a note: what a terminal shows, without trailing spaces.
WRITTEN_STEPS = (apply_carriage_returns, strip_ansi, strip_trailing_whitespace, strip_blank_edges)

#: A line that is only ``...``: a wildcard that may stand for several lines.
WILDCARD_LINE = re.compile(r"^\s*\.\.\.\s*$")

#: Above this many line comparisons, a drifted section is replaced whole instead of merged.
MAX_MERGE_WORK = 40_000


class RewriteError(ValueError):
    """Output that cannot be written safely, or edits that cannot be applied."""


@dataclass(frozen=True)
class Edit:
    """Replace lines ``[start, end)`` of a note (0-based) with ``lines``.

    ``old`` is what those lines held when the note was read, and ``digest`` the hash of the
    whole file then: an edit is applied only to the very file it was computed from.
    """

    path: str
    start: int
    end: int
    lines: tuple[str, ...]
    old: tuple[str, ...]
    #: 0-based first line of the block (or transcript example), for messages.
    first_line: int
    digest: str

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "start": self.start,
            "end": self.end,
            "lines": list(self.lines),
            "old": list(self.old),
            "first_line": self.first_line,
            "digest": self.digest,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Edit:
        return cls(
            str(data["path"]),
            int(data["start"]),  # type: ignore[call-overload]
            int(data["end"]),  # type: ignore[call-overload]
            tuple(data["lines"]),  # type: ignore[arg-type]
            tuple(data["old"]),  # type: ignore[arg-type]
            int(data["first_line"]),  # type: ignore[call-overload]
            str(data["digest"]),
        )


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def written_lines(actual: str) -> list[str]:
    """The lines of ``actual`` as they are written into a note.

    >>> written_lines("\\n50%\\r100%  \\n\\x1b[32mok\\x1b[0m\\n\\n")
    ['100%', 'ok']
    """
    text = normalize(actual.replace("\r\n", "\n"), WRITTEN_STEPS)
    return text.split("\n") if text else []


def unsafe_reason(lines: Sequence[str], fence: str, marker: re.Pattern[str]) -> str | None:
    """Why ``lines`` cannot be written inside a fence opened with ``fence``, if they cannot."""
    for line in lines:
        stripped = line.strip()
        if not fence:  # indented output: a fence-looking line in it is text
            if marker.match(line):
                return f"a line of the output ({stripped!r}) reads as an output marker{MARKER_FIX}"
            if "\x00" in line:
                return NUL_IN_OUTPUT
            continue
        if fence == "-->":
            if "-->" in line or "--!>" in line:
                return f"a line of the output ({stripped!r}) would close the comment"
            continue
        if (
            stripped.startswith(fence[0] * 3)
            and set(stripped) <= {fence[0]} | set(" \t")
            and (len(stripped.rstrip()) >= len(fence))
        ):
            return (
                f"a line of the output ({stripped!r}) would close the block's fence: open and"
                f" close the block with {fence[0] * (len(stripped) + 1)} instead"
            )
        if stripped.startswith(fence) and fence[0] == "`":
            return (
                f"a line of the output ({stripped!r}) starts like a fence: open and close the"
                f" block with {fence[0] * (len(stripped) - len(stripped.lstrip(fence[0])) + 1)}"
                " instead"
            )
        if marker.match(line):
            return f"a line of the output ({stripped!r}) reads as an output marker{MARKER_FIX}"
        if "\x00" in line:
            return NUL_IN_OUTPUT
    return None


#: What to do about output with a line that reads as the output marker.
MARKER_FIX = ": print it differently, or mark the block <!-- torchnotes: compare ignore -->"


#: Why output with a NUL character is not written: a note that holds one cannot be read.
NUL_IN_OUTPUT = (
    "the output contains a NUL character, which a note cannot hold: print its repr() "
    "instead, or mark the block <!-- torchnotes: compare ignore -->"
)


def check_raw_output(actual: str) -> str | None:
    """Output that must not be written at all, whatever the fence."""
    if re.search(r"\r(?!\n)", actual):
        return (
            "the output contains a bare carriage return (\\r, a progress bar?); write the "
            "expected text by hand (it is compared as a terminal shows it) or mark the block "
            "<!-- torchnotes: compare ignore -->"
        )
    return None


#: Option that allows update to write larger output.
MAX_BYTES_OPTION = "--torchnotes-update-max-bytes (ini: torchnotes_update_max_bytes)"


def too_big(lines: Sequence[str], max_bytes: int) -> str | None:
    """Why output of ``lines`` is too big to write into a note, if it is.

    >>> too_big(["x" * 60, "y" * 60], 100)
    'the new output is 121 bytes (2 lines), more than the 100 bytes that \
--torchnotes-update-max-bytes (ini: torchnotes_update_max_bytes) allows; raise it to write it, \
or print less'
    """
    size = sum(len(line.encode("utf-8", errors="replace")) + 1 for line in lines) - 1
    if not max_bytes or size <= max_bytes:
        return None
    count = f"{len(lines):,} line" + ("" if len(lines) == 1 else "s")
    return (
        f"the new output is {size:,} bytes ({count}), more than the {max_bytes:,} bytes that "
        f"{MAX_BYTES_OPTION} allows; raise it to write it, or print less"
    )


def merge(expected: Sequence[str], actual: Sequence[str], comparator: Comparator) -> list[str]:
    """New expected lines for a drifted section: the author's lines that still match are
    kept as written (their precision, their ``...`` wildcards), the rest is replaced.

    The result is only used when it matches ``actual`` as a whole; otherwise ``actual``.
    """
    if not expected or len(expected) * max(len(actual), 1) > MAX_MERGE_WORK:
        return list(actual)
    merged = _align(expected, actual, comparator)
    if comparator.compare("\n".join(merged), "\n".join(actual)).matched:
        return merged
    return list(actual)


#: Scores of the alignment: keeping a line the author wrote is worth most, pairing a changed
#: line with its new version comes next, and a new line that pairs with nothing costs a bit,
#: so that a ``...`` line absorbs what it stands for.
KEEP, REPLACE, INSERT = 200, 100, -1


def _align(expected: Sequence[str], actual: Sequence[str], comparator: Comparator) -> list[str]:
    """Align expected with actual lines, as a diff does, where an expected line may match an
    actual line it does not equal (numbers to the precision written, ``...``) and a line that
    is only ``...`` stands for any number of actual lines."""
    rows, columns = len(expected), len(actual)
    wildcard = [bool(WILDCARD_LINE.match(line)) for line in expected]
    matches = [
        [
            not wildcard[i] and comparator.compare(expected[i], actual[j]).matched
            for j in range(columns)
        ]
        for i in range(rows)
    ]
    # best[i][j]: score of aligning expected[i:] with actual[j:];
    # reach[i][j]: the best of best[i + 1][k] for k >= j, what a wildcard at i can reach.
    best = [[0] * (columns + 1) for _ in range(rows + 1)]
    reach = [[0] * (columns + 1) for _ in range(rows + 1)]
    for j in range(columns - 1, -1, -1):
        best[rows][j] = best[rows][j + 1] + INSERT
    for i in range(rows - 1, -1, -1):
        for j in range(columns, -1, -1):
            reach[i][j] = best[i + 1][j] if j == columns else max(best[i + 1][j], reach[i][j + 1])
            options = [best[i + 1][j]]
            if wildcard[i]:
                options.append(reach[i][j] + KEEP)
            if j < columns:
                options.append(best[i][j + 1] + INSERT)
                if matches[i][j]:
                    options.append(best[i + 1][j + 1] + KEEP)
                elif not wildcard[i]:
                    options.append(best[i + 1][j + 1] + REPLACE)
            best[i][j] = max(options)
    merged: list[str] = []
    i = j = 0
    while i < rows or j < columns:
        score = best[i][j]
        if i < rows and wildcard[i] and reach[i][j] + KEEP == score:
            k = max(k for k in range(j, columns + 1) if best[i + 1][k] == reach[i][j])
            merged.append(expected[i])
            i, j = i + 1, k
        elif i < rows and j < columns and matches[i][j] and best[i + 1][j + 1] + KEEP == score:
            merged.append(expected[i])
            i, j = i + 1, j + 1
        elif i < rows and j < columns and not wildcard[i] and best[i + 1][j + 1] + REPLACE == score:
            merged.append(actual[j])
            i, j = i + 1, j + 1
        elif j < columns and best[i][j + 1] + INSERT == score:
            merged.append(actual[j])
            j += 1
        else:
            i += 1
    return merged


def section_edit(
    section: OutputSection,
    actual: str,
    *,
    raw_lines: Sequence[str],
    comparator: Comparator,
    marker: re.Pattern[str],
    path: str,
    first_line: int,
    file_digest: str,
    transform: Callable[[list[str]], list[str]] = lambda lines: lines,
    max_bytes: int = 0,
) -> Edit:
    """The edit that puts ``actual`` into ``section``; raise :class:`RewriteError` when it
    cannot be written safely, or is longer than ``max_bytes`` (when not 0). ``transform``
    adapts new lines (``<BLANKLINE>`` in doctests)."""
    reason = check_raw_output(actual)
    if reason is not None:
        raise RewriteError(reason)
    new = transform(written_lines(actual))
    reason = too_big(new, max_bytes)
    if reason is not None:
        raise RewriteError(reason)
    reason = unsafe_reason(new, section.fence, marker)
    if reason is not None:
        raise RewriteError(reason)
    core = _strip_blank(section.lines)
    if core:
        start, end = core[0].line, core[-1].line + 1
        texts = merge([body.text for body in core], new, comparator)
        if not section.fence:
            texts = _keep_gaps([body.text for body in core], texts)
    else:
        start, end = section.start, section.end
        texts = new if section.fence else _indented_insertion(new, raw_lines, end)
    # A CRLF line keeps its CR in its text: new lines end as the last old one did, or as
    # the line above where there was none (a file with mixed line endings keeps each).
    near = raw_lines[end - 1] if core else raw_lines[start - 1] if start > 0 else ""
    ending = "\r" if near.endswith("\r") else ""
    kept = {body.text: raw_lines[body.line] for body in core}
    lines = []
    for text in texts:
        if text in kept:
            lines.append(kept[text])
        elif text:
            lines.append(section.prefix + text + ending)
        else:
            lines.append(section.prefix.rstrip(" \t") + ending)
    return Edit(
        path, start, end, tuple(lines), tuple(raw_lines[start:end]), first_line, file_digest
    )


def _keep_gaps(expected: Sequence[str], merged: list[str]) -> list[str]:
    """Indented output, whose blank lines are not compared: when the new output has as many
    lines of text as the old, each takes an old one's place, so the blank lines between
    outputs stay where they were.

    >>> _keep_gaps(["1", "", "", "a"], ["2", "a"])
    ['2', '', '', 'a']
    """
    texts = [line for line in merged if line.strip()]
    if len(texts) != sum(1 for line in expected if line.strip()):
        return merged
    fill = iter(texts)
    return [next(fill) if line.strip() else line for line in expected]


def _indented_insertion(new: list[str], raw_lines: Sequence[str], at: int) -> list[str]:
    """New indented output after a block: a blank line before it, as nbconvert writes it,
    and one after it when text follows right away, as Markdown is usually written."""
    if not new:
        return new
    following = raw_lines[at] if at < len(raw_lines) else ""
    quotes = QUOTE.match(following)
    rest = following[quotes.end() :] if quotes else following
    return ["", *new, *([""] if rest.strip() else [])]


def _strip_blank(lines: Sequence[BodyLine]) -> list[BodyLine]:
    kept = list(lines)
    while kept and not kept[0].text.strip():
        kept.pop(0)
    while kept and not kept[-1].text.strip():
        kept.pop()
    return kept


#: A line ending: LF (a CRLF line keeps its CR in its text), or a bare CR.
RAW_LINE_END = re.compile(r"(\n|\r(?!\n))")


def raw_lines(original: str) -> list[str]:
    """The lines of a note's text as it is on disk, numbered as the lexer numbers them: a
    CRLF line keeps its ``\\r``, a bare CR ends a line.

    >>> raw_lines("a\\r\\nb\\rc\\n")
    ['a\\r', 'b', 'c', '']
    """
    return RAW_LINE_END.split(original)[::2]


def apply(original: str, edits: Sequence[Edit]) -> str:
    """Apply edits (of one file) to its decoded text; they must not overlap. Each line keeps
    the ending it had; a written line ends as the lines it replaces did, when they all ended
    alike (a bare CR), else with LF (and the CR that a CRLF line keeps in its text)."""
    pieces = RAW_LINE_END.split(original)
    lines, endings = pieces[::2], pieces[1::2]
    ordered = sorted(edits, key=lambda edit: edit.start)
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            raise RewriteError(
                # lines [start, end): the last one, end - 1, is shown as end
                f"{before.path}: edits of lines {shown(before.start)}-{before.end} and "
                f"{shown(after.start)}-{after.end} overlap"
            )
    for edit in reversed(ordered):
        if tuple(lines[edit.start : edit.end]) != edit.old:
            raise RewriteError(
                f"{location(edit.path, edit.first_line)}: the note changed under the edit"
            )
        # bare CR lines stay so; inserted lines end as the line above them
        replaced = set(endings[max(edit.start - (edit.start == edit.end), 0) : edit.end])
        ending = replaced.pop() if len(replaced) == 1 else "\n"
        lines[edit.start : edit.end] = edit.lines
        # The last line of a text without a final newline has no ending: nor has its new one.
        last = edit.end > len(endings) and edit.start < edit.end and bool(edit.lines)
        endings[edit.start : edit.end] = [ending] * (len(edit.lines) - last)
    endings.append("")
    return "".join(line + ending for line, ending in zip(lines, endings, strict=True))


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, keeping the file's mode, owner and
    group; the target of a symlink is written, so the link stays a link.

    A file with several hard links, or whose owner or group the temporary file cannot be
    given (someone else's file that the group may write), is written in place instead: a
    rename would leave the other links on the old text, or hand the file to whoever ran
    the update. The new text is complete in memory first, so the file is truncated and
    written in one go.
    """
    target = Path(os.path.realpath(path))
    info = target.stat()
    if info.st_nlink > 1:
        _write_in_place(target, data)
        return
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before os.replace
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not _same_owner(handle.name, info):
            Path(handle.name).unlink()
            _write_in_place(target, data)
            return
        os.chmod(handle.name, stat.S_IMODE(info.st_mode))
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _same_owner(name: str, info: os.stat_result) -> bool:
    """Give the file ``name`` the owner and group of ``info``; whether that was possible."""
    made = os.stat(name)
    if (made.st_uid, made.st_gid) == (info.st_uid, info.st_gid):
        return True
    try:
        os.chown(name, info.st_uid, info.st_gid)
    except OSError:
        return False
    return True


def _write_in_place(target: Path, data: bytes) -> None:
    with open(target, "r+b") as handle:
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def update_file(path: Path, edits: Sequence[Edit]) -> str | None:
    """Apply the edits of one note and write it; return why it was not written, if it was
    not. A file that changed since it was read, or that cannot be written, is left alone."""
    from pytest_torchnotes.markdown.document import NoteReadError, decode_note

    try:
        data = path.read_bytes()
    except OSError as error:
        return f"cannot be read: {error.strerror}"
    if any(edit.digest != digest(data) for edit in edits):
        return "changed on disk since it was collected"
    target = Path(os.path.realpath(path))
    writable_bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    if not target.stat().st_mode & writable_bits or not os.access(target, os.W_OK):
        return "read-only"  # the mode bits count even for a superuser, who could write anyway
    try:
        raw = decode_note(data)
        text = apply(raw.original, edits)
        write_atomically(path, (b"\xef\xbb\xbf" if raw.bom else b"") + text.encode("utf-8"))
    except (NoteReadError, RewriteError) as error:
        return str(error)
    except OSError as error:
        return f"cannot be written: {error.strerror}"
    return None
