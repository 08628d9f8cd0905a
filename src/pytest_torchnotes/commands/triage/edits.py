"""Writing the proposed directives into their notes with the guarantees of
``--torchnotes-update`` (:func:`pytest_torchnotes.update.writer.update_file`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from pytest_torchnotes.commands.triage.findings import Finding
from pytest_torchnotes.comparison.pasted_output import MARKER_LINE
from pytest_torchnotes.markdown.document import NoteReadError, decode_note
from pytest_torchnotes.markdown.lexers import QUOTE, width
from pytest_torchnotes.notefiles import UnreadableNote, read_note
from pytest_torchnotes.notelines import from_shown
from pytest_torchnotes.update.apply import raw_lines
from pytest_torchnotes.update.rewrite import Edit, digest
from pytest_torchnotes.update.writer import CHANGED_ON_DISK, update_file


def directive_edits(
    path: str, findings: Sequence[Finding], file_digest: str, data: bytes
) -> list[Edit]:
    """Edits that insert each proposed directive on its own line above its block, at the
    block's indentation and block-quote depth, with the file's line ending."""
    lines = raw_lines(decode_note(data).original)
    edits = []
    for finding in sorted(findings, key=lambda finding: finding.line):
        if not finding.proposed:
            continue
        fence = from_shown(finding.line)
        ending = "\r" if lines[fence].endswith("\r") else ""
        quotes = QUOTE.match(lines[fence])
        quote = quotes.group() if quotes else ""
        rest = lines[fence][len(quote) :]
        indent = " " * width(rest[: len(rest) - len(rest.lstrip(" \t>0123456789.*+-"))])
        if finding.marker_above is not None:  # inside the block, at its indentation
            above = from_shown(finding.marker_above)
            marker = (f"{quote}{indent}{MARKER_LINE}{ending}",)
            edits.append(Edit(path, above, above, marker, (), above, file_digest))
        text = tuple(f"{quote}{indent}{line}{ending}" for line in finding.comments())
        if text:
            edits.append(Edit(path, fence, fence, text, (), fence, file_digest))
    return edits


def write(findings: Sequence[Finding], digests: dict[str, str]) -> list[str]:
    """Insert the proposed directives into their notes; return a line per note, saying what
    was written or why it was not."""
    messages = []
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.proposed:
            by_path.setdefault(finding.path, []).append(finding)
    for path, found in sorted(by_path.items()):
        file = Path(path)
        known = digests.get(os.path.realpath(file))
        try:
            data = read_note(file)
        except UnreadableNote as error:
            messages.append(f"{path} not written: {error}")
            continue
        # A note changed since it was read before the run is refused, as
        # --torchnotes-update refuses it (update_file checks the digest again when it writes).
        if known is not None and digest(data) != known:
            messages.append(f"{path} not written: {CHANGED_ON_DISK}")
            continue
        try:
            edits = directive_edits(path, found, known or digest(data), data)
        except (NoteReadError, IndexError) as error:
            messages.append(f"{path} not written: {error}")
            continue
        reason = update_file(file, edits)
        if reason is not None:
            messages.append(f"{path} not written: {reason}")
        else:
            messages.append(f"{path}: {len(edits)} directive{'s' * (len(edits) != 1)} written")
    return messages
