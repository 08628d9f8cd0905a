"""Headings: ATX (``## Title``) and setext (a paragraph line over ``===`` or ``---``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_torchnotes.markdown.lexing.codespans import split_code
from pytest_torchnotes.markdown.lexing.lines import width

#: An ATX heading: ``## Title ##``; its closing ``#`` run is removed by :func:`atx_text`
#: (a regular expression that did both took quadratic time on a line of spaces).
ATX_HEADING = re.compile(r"[ \t]{0,3}(?P<level>#{1,6})(?:[ \t]+(?P<text>.*))?$")

#: Inline markup removed from heading text: HTML tags, emphasis by asterisks, stray
#: backticks. A tag holds no ``<``, so that a line of ``<`` without ``>`` is read in linear
#: time. Underscores are :data:`UNDERSCORES`.
HEADING_MARKUP = re.compile(r"<[^<>\n]+>|\*{1,3}(?=\S)|(?<=\S)\*{1,3}|`")

#: Emphasis by underscores: one that opens after a space and one that closes before one. An
#: underscore inside a word or a name (``cross_entropy``, ``os._exit``) is text, as in
#: CommonMark, and so is one that closes no emphasis (``torch.Tensor.add_``, the name of an
#: in-place method): only a pair is removed.
UNDERSCORES = re.compile(r"(?P<open>(?<!\S)_{1,3}(?=\S))|(?<=\S)_{1,3}(?=\s|$|[:：,，;!?)\]])")


def remove_markup(piece: str) -> str:
    """``piece`` of a heading (no code span in it) without its inline markup.

    >>> remove_markup("**Bold** and _emphasis_ of torch.Tensor.add_")
    'Bold and emphasis of torch.Tensor.add_'
    """
    text = HEADING_MARKUP.sub("", piece)
    openers: list[re.Match[str]] = []
    removed: list[tuple[int, int]] = []
    for mark in UNDERSCORES.finditer(text):
        if mark.group("open"):
            openers.append(mark)
        elif openers:
            removed += [openers.pop().span(), mark.span()]
    for start, end in sorted(removed, reverse=True):
        text = text[:start] + text[end:]
    return text


#: A character that every match of :data:`HEADING_MARKUP` or :data:`UNDERSCORES` starts
#: with, and every code span: a heading without one is its text as it stands.
MARKUP_START = re.compile(r"[<*_`]")

#: A setext underline: ``====`` or ``----`` under a paragraph line.
SETEXT_UNDERLINE = re.compile(r"[ \t]{0,3}(?P<char>=+|-+)[ \t]*$")

#: A paragraph line a setext underline may follow: its 0-based index, its block-quote
#: depth and its text.
Paragraph = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class HeadingLexeme:
    #: 0-based index of the heading's text line.
    line: int
    level: int
    text: str


def heading_text(raw: str) -> str:
    """The text of a heading, markup removed, code spans kept as written.

    >>> heading_text("**Bold** `torch.nn.functional.cross_entropy` and os._exit")
    'Bold torch.nn.functional.cross_entropy and os._exit'
    """
    if not MARKUP_START.search(raw):
        return raw.strip()  # most headings: nothing to remove, no code span
    pieces, codes = split_code(raw)  # code spans are kept as written
    texts = [remove_markup(piece) for piece in pieces]
    return "".join(text + code for text, code in zip(texts, [*codes, ""], strict=True)).strip()


def atx_text(raw: str) -> str:
    """An ATX heading's text without its closing sequence: trailing whitespace, and a run of
    ``#`` after whitespace.

    >>> atx_text("Title ## "), atx_text("C#"), atx_text("##")
    ('Title', 'C#', '##')
    """
    body = raw.rstrip(" \t")
    before = body.rstrip("#")
    if before != body and before[-1:] in (" ", "\t"):
        return before.rstrip(" \t")
    return body


def lex_heading(
    index: int,
    depth: int,
    rest: str,
    paragraph: Paragraph | None,
    headings: list[HeadingLexeme],
) -> Paragraph | None:
    """Add the heading on line ``index`` (``rest``, after ``depth`` block-quote markers) to
    ``headings``, if it is one; return the paragraph line a setext line may follow."""
    if not rest.strip():
        return None
    first = rest.lstrip(" \t")[:1]
    atx = ATX_HEADING.match(rest) if first == "#" else None
    if atx is not None:
        text = heading_text(atx_text(atx.group("text") or ""))
        headings.append(HeadingLexeme(index, len(atx.group("level")), text))
        return None
    underline = SETEXT_UNDERLINE.match(rest) if first in ("=", "-") else None
    if underline is not None and paragraph is not None and paragraph[1] == depth:
        level = 1 if underline.group("char")[0] == "=" else 2
        text = heading_text(paragraph[2])
        headings.append(HeadingLexeme(paragraph[0], level, text))
        return None
    if width(rest[: len(rest) - len(rest.lstrip(" \t"))]) >= 4 and paragraph is None:
        return None  # an indented code line is not a paragraph
    return (index, depth, rest.strip())
