"""The lexer part of directives: a torchnotes directive read out of an HTML comment.

The comments come from the note's one lexing pass (:mod:`pytest_torchnotes.markdown.lexing.
comments`, which knows that a comment in a fence is code and that one in a block quote is
still a comment), as Sybil's ``DirectiveInHTMLCommentLexer`` gives a directive's name and
arguments from a comment: ``<!-- torchnotes: NAME ARGUMENTS -->`` is a
:class:`DirectiveLexeme` that the parser of ``NAME`` gives its meaning (:mod:`.parsers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_torchnotes.markdown.lexers import BodyLine, CommentLexeme

#: The start of a torchnotes comment: ``<!-- torchnotes: skip reason -->`` gives ``skip reason``.
DIRECTIVE = re.compile(r"^[-\s]*torchnotes\b[ \t]*:?[ \t]*(?P<body>.*?)[-\s]*$", re.IGNORECASE)

#: Separates a directive's arguments from the free-text reason after them.
WHY = ";"


@dataclass(frozen=True, slots=True)
class DirectiveLexeme:
    """A torchnotes comment: the directive's name, its arguments and the lines it spans."""

    #: 0-based line of ``<!--``.
    line: int
    #: 0-based line of ``-->`` (``line`` when the comment is never closed).
    end: int
    name: str
    #: What follows the name on the comment's first line.
    arguments: str
    #: The comment's lines after its first one.
    body: tuple[BodyLine, ...]


def lex_directive(comment: CommentLexeme) -> DirectiveLexeme | None:
    """The directive in ``comment``, ``None`` for an ordinary comment.

    >>> lex_directive(CommentLexeme(2, 2, " torchnotes: skip needs a GPU ", ()))
    DirectiveLexeme(line=2, end=2, name='skip', arguments='needs a GPU', body=())
    >>> lex_directive(CommentLexeme(2, 2, " TODO: torchnotes later ", ())) is None
    True
    """
    match = DIRECTIVE.match(comment.head)
    if match is None:
        return None
    end = comment.close_line if comment.close_line is not None else comment.open_line
    name, _, arguments = match.group("body").strip().partition(" ")
    return DirectiveLexeme(
        comment.open_line, end, name.rstrip(":"), arguments.strip(), comment.body
    )


def split_why(arguments: str) -> tuple[str, str | None]:
    """The arguments of a directive and the free-text reason after a ``;``, if any.

    >>> split_why("cuda; the model is trained on a GPU")
    ('cuda', 'the model is trained on a GPU')
    >>> split_why("ignore")
    ('ignore', None)
    """
    arguments, separator, why = arguments.partition(WHY)
    return arguments.strip(), (why.strip() or None) if separator else None
