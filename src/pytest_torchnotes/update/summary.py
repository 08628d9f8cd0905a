"""The ``torchnotes update`` section of pytest's terminal summary: the outputs rewritten,
the blocks that still fail and why, and with ``-v`` the diff of each rewrite."""

from __future__ import annotations

from pytest_torchnotes.update.session import UpdateSession
from pytest_torchnotes.words import plural

#: A line of the section and its markup for the terminal (``{"green": True}``).
Line = tuple[str, dict[str, bool]]


def summary_lines(book: UpdateSession, *, verbose: bool) -> list[Line]:
    """The lines of the section; none when no output was rewritten and no block is left
    failing (the section is not shown)."""
    if not (book.updated or book.unfixed):
        return []
    lines: list[Line] = []
    if book.updated:
        outputs, notes = book.counts()
        rewrote = f"rewrote {plural(outputs, 'output')} in {plural(notes, 'note')}:"
        lines.append((rewrote, {"green": True}))
        lines.extend((f"  {line}", {}) for line in book.updated)
    if book.unfixed:
        unfixed = f"could not fix {plural(len(book.unfixed), 'block')}, still failing:"
        lines.append((unfixed, {"red": True}))
        lines.extend((f"  {line}", {}) for line in book.unfixed)
    if verbose:
        lines.extend((line, {}) for line in book.diffs)
    return lines
