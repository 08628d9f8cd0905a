"""Python sessions in fences tagged as text, in a note that runs no block: not run, and named.

A fence tagged ```` ```text ```` (or ``plain``, ``plaintext``, ``txt``, ``none``,
``nohighlight``) is text on purpose, whatever it holds: a ``>>>`` or ``In [1]:`` session in
one is not run (docs/format.md). A note whose every session is tagged so ran nothing and
said only that it had no Python blocks, as if it held none. When a note runs no block, the
first fence of text that opens with a prompt is named, with the others counted, and the tag
that runs such a session: no option runs fences of text alone (``text`` in
``torchnotes_languages`` would run every such fence as Python, the output ones too).
"""

from __future__ import annotations

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.ipython import IN_PROMPT
from pytest_torchnotes.markdown.lexers import FenceLexeme
from pytest_torchnotes.markdown.lexing.lines import first_text
from pytest_torchnotes.markdown.notpython import SESSION_START
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.words import plural

#: Tags that say a fence is text on purpose. Output tags (``output``, ``out``) and a page's
#: source (``markdown``, ``rst``) are left out: a session there is what the page shows.
TEXT_ON_PURPOSE = frozenset({"text", "txt", "plain", "plaintext", "none", "nohighlight"})


def text_fence_sessions(note: NoteContext) -> None:
    """Warn, at the first of them, of the fences of text that hold a Python session, when
    the note runs no block."""
    if note.note.items:
        return  # the note runs its Python: its sessions of text are text, as their tags say
    sessions = [fence for fence in note.lexemes.fences if _session_in_text(fence, note)]
    if not sessions:
        return
    first, others = sessions[0], sessions[1:]
    more = (
        f" (and {plural(len(others), 'more session')} in a text fence in this note, at "
        f"line{'s' * (len(others) > 1)} {', '.join(str(shown(f.open_line)) for f in others)})"
        if others
        else ""
    )
    doctest, ipython = (_run_as(name, note) for name in ("pycon", "ipython"))
    note.problem(
        first.open_line,
        f"{first.opening} holds a Python session, which is not run: a fence tagged as text is "
        f"text on purpose{more}; tag a >>> session ```{doctest} and an In [1]: session "
        f"```{ipython} to run it",
        "warning",
    )


def _run_as(tag: str, note: NoteContext) -> str:
    """``tag`` when the note runs fences so tagged, else ``python``, which runs a session
    that opens with its prompt as well."""
    return tag if tag in note.format.languages else "python"


def _session_in_text(fence: FenceLexeme, note: NoteContext) -> bool:
    """Whether ``fence`` is a closed fence of text, no block's output, that opens with a
    ``>>>`` or ``In [n]:`` prompt."""
    if (
        fence.language not in TEXT_ON_PURPOSE
        or fence.close_line is None
        or fence.indented
        or fence.open_line in note.consumed
        or fence.open_line in note.named_as_output
    ):
        return False
    first = first_text(fence.body)
    return SESSION_START.match(first) is not None or IN_PROMPT.match(first) is not None
