"""``>>>`` sessions at column 0 under a numpydoc ``Examples`` section heading.

A numpydoc docstring (NumPy's, SciPy's, some of PyTorch's) pasted into a note as it is
writes its examples as::

    Examples
    --------
    >>> 1 + 1
    2

To CommonMark ``Examples`` over ``--------`` is a heading, and the prompts at column 0 are
block quotes nested three deep. Under that heading they can only be a docstring's session,
as doctest reads them, and they run: each paragraph of the section whose first line is a
``>>>`` prompt at column 0, up to the blank line before a paragraph that is not one (the
section's prose, the next section's heading). A prompt at column 0 anywhere else runs only
when it is unambiguously a session (:mod:`.text_sessions`).
"""

from __future__ import annotations

from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.headings import SETEXT_UNDERLINE, HeadingLexeme
from pytest_torchnotes.markdown.lexing.text_sessions import opens_session, session_body

#: The titles of numpydoc's section of examples.
EXAMPLES_TITLES = frozenset({"Examples", "Example"})


def under_examples_heading(lines: list[str], headings: list[HeadingLexeme]) -> bool:
    """Whether the last heading found is a numpydoc ``Examples`` section's: its title over a
    setext underline, outside any block quote.

    >>> under_examples_heading(["Examples", "--------"], [HeadingLexeme(0, 2, "Examples")])
    True
    >>> under_examples_heading(["## Examples"], [HeadingLexeme(0, 2, "Examples")])
    False
    """
    if not headings or headings[-1].text not in EXAMPLES_TITLES:
        return False
    line = headings[-1].line
    return (
        lines[line].strip() in EXAMPLES_TITLES
        and line + 1 < len(lines)
        and SETEXT_UNDERLINE.fullmatch(lines[line + 1]) is not None
    )


def numpydoc_session(
    lines: list[str], index: int, headings: list[HeadingLexeme]
) -> FenceLexeme | None:
    """The session that the prompt at column 0 on line ``index`` opens, when the section it
    stands in is a numpydoc ``Examples`` section (``headings``: those found above it).

    >>> text = ["Examples", "--------", ">>> 1", "1", "", ">>> 2", "2", "", "Done.", ">>> 3"]
    >>> session = numpydoc_session(text, 2, [HeadingLexeme(0, 2, "Examples")])
    >>> session.open_line, session.last_line
    (2, 6)
    """
    if not opens_session(lines[index]) or not under_examples_heading(lines, headings):
        return None
    return session_body(lines, index)
