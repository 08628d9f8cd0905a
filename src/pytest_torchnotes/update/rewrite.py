"""The edit that rewrites a section of expected output, without touching anything else.

An :class:`Edit` replaces a range of lines of the note with new lines; it is computed while
the note runs (:func:`section_edit`) and applied once, at the end of the session
(:mod:`~pytest_torchnotes.update.apply`, :mod:`~pytest_torchnotes.update.writer`). Everything
outside the replaced ranges keeps its bytes: encoding, byte order mark, line endings, prefixes
of block quotes and list items, the final newline, the file's mode, owner and group; a symlink
stays a symlink, and a file with several hard links is written in place, so every link sees
the new text.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pytest_torchnotes.comparison.compare import Comparator
from pytest_torchnotes.markdown import quoted_output
from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.lexers import QUOTE, BodyLine
from pytest_torchnotes.readablenames import readable
from pytest_torchnotes.update.merge import merge
from pytest_torchnotes.update.refusals import (
    check_raw_output,
    code_fence_reason,
    too_big,
    unsafe_reason,
    written_lines,
)


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
        data: dict[str, object] = {
            "path": readable(self.path),
            "start": self.start,
            "end": self.end,
            "lines": list(self.lines),
            "old": list(self.old),
            "first_line": self.first_line,
            "digest": self.digest,
        }
        if data["path"] != self.path:  # not UTF-8: its bytes, which pytest-xdist can send
            data["path_bytes"] = os.fsencode(self.path).hex()
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Edit:
        raw = data.get("path_bytes")
        return cls(
            os.fsdecode(bytes.fromhex(str(raw))) if raw is not None else str(data["path"]),
            int(data["start"]),  # type: ignore[call-overload]
            int(data["end"]),  # type: ignore[call-overload]
            tuple(data["lines"]),  # type: ignore[arg-type]
            tuple(data["old"]),  # type: ignore[arg-type]
            int(data["first_line"]),  # type: ignore[call-overload]
            str(data["digest"]),
        )


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    if section.not_writable is not None:
        raise RewriteError(section.not_writable)
    reason = check_raw_output(actual)
    if reason is not None:
        raise RewriteError(reason)
    new = transform(written_lines(actual))
    reason = too_big(new, max_bytes)
    if reason is not None:
        raise RewriteError(reason)
    reason = unsafe_reason(new, section.fence, marker, section.prefix)
    if reason is None and section.kind == quoted_output.KIND:
        reason = quoted_output.unwritable_line(new)
    if reason is not None:
        raise RewriteError(reason)
    core = _strip_blank(section.lines)
    if core:
        start, end = core[0].line, core[-1].line + 1
        texts = merge([body.text for body in core], new, comparator)
        if section.kind == "indented":
            texts = _keep_gaps([body.text for body in core], texts)
    else:
        start, end = section.start, section.end
        indented = section.kind == "indented"
        texts = _indented_insertion(new, raw_lines, end) if indented else new
    reason = code_fence_reason(texts) if section.code_fence else None
    if reason is None and section.kind == quoted_output.KIND:
        reason = quoted_output.unreadable_paragraph(texts)
    if reason is not None:
        raise RewriteError(reason)
    # A CRLF line keeps its CR in its text: new lines end as the last old one did, or as
    # the line above where there was none; the note's last line has no ending, the one above
    # it tells. Where the section's lines end in several ways, apply gives every written
    # line the one most of them have (update/endings.py).
    near = end - 1 if core else start - 1
    if near == len(raw_lines) - 1:
        near -= 1
    ending = "\r" if near >= 0 and raw_lines[near].endswith("\r") else ""
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
