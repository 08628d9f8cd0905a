"""A whole docstring pasted into a fence that names no language, or ``text``: its sessions run.

``help(torch.abs)`` or ``inspect.getdoc`` copied into a note lands in a fence with no info
string (or ```` ```text ````): the docstring's prose, its ``Args:`` section, its
``Example::`` line and, under it, its ``>>>`` session, indented or at the fence's first
column. Such a fence is no Python block (its first line is words) and was shown, not run.
Its sessions run as doctest runs a docstring's, when each is unambiguously one: its prompt
opens a paragraph under a line of words (the docstring's text, ``Example::``), and the code
behind its prompts does something (:func:`.lexing.text_sessions.does_something`). A fence
that opens with a prompt is left alone: a bare one already runs as a transcript, a ``text``
one says it is text on purpose.
"""

from __future__ import annotations

from pytest_torchnotes.markdown.docstring_prose import is_prose
from pytest_torchnotes.markdown.lexers import FenceLexeme
from pytest_torchnotes.markdown.lexing.docstring_sessions import opens_example
from pytest_torchnotes.markdown.lexing.text_sessions import (
    code_of,
    does_something,
    opens_session,
    walk_session,
)

#: The languages of a fence a docstring is pasted into: none, or plain text.
DOCSTRING_FENCES = frozenset({"", "text", "txt", "plain", "plaintext"})


def fenced_sessions(fence: FenceLexeme) -> list[FenceLexeme]:
    """The sessions of a docstring pasted into ``fence``, each a fence without fence lines
    whose lines keep the fence's prefix and the indentation taken off as theirs.

    >>> from pytest_torchnotes.markdown.lexers import BodyLine
    >>> body = [BodyLine(n, "", t) for n, t in enumerate(
    ...     ["", "Sums.", "", "Example::", "", "    >>> x = sum([1, 2])", "    >>> x", "    3"]
    ... )]
    >>> fence = FenceLexeme(0, 8, "", "", "```", 0, tuple(body[1:]))
    >>> [(s.open_line, s.last_line, s.body[0].prefix) for s in fenced_sessions(fence)]
    [(5, 7, '    ')]
    """
    if fence.language not in DOCSTRING_FENCES or not fence.body:
        return []
    texts = [line.text for line in fence.body]
    if not any(">>>" in text for text in texts):
        return []  # most fences: no prompt
    sessions: list[FenceLexeme] = []
    above = ""  # the line of text over the current one: prose, or a session's
    index = 0
    while index < len(texts):
        text = texts[index].strip()
        if not opens_session(text) or not (is_prose(above) or opens_example(above)):
            above = text or above
            index += 1
            continue
        session, index = _session(fence, index)
        if does_something(code_of(session)):
            sessions.append(session)
        above = texts[index - 1].strip()
    return sessions


def _session(fence: FenceLexeme, start: int) -> tuple[FenceLexeme, int]:
    """The session whose prompt is on ``body[start]``, read at that prompt's indentation
    (:func:`.lexing.text_sessions.walk_session`), and the index of the line after it."""
    body = fence.body
    first = body[start].text
    columns = len(first) - len(first.lstrip(" \t"))
    kept, read = walk_session((body[index] for index in range(start, len(body))), columns)
    session = FenceLexeme(
        kept[0].line, kept[-1].line, "", fence.prefix, "", fence.quote_depth, kept, indented=True
    )
    return session, start + read
