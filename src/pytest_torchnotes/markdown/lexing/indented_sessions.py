"""Indented ``>>>`` sessions: a docstring pasted into a note as it is.

PyTorch's docstrings write an example as ``Example::`` (or a blank line) over a ``>>>``
session indented four spaces, which CommonMark reads as an indented code block. Such a
block whose first line is a ``>>>`` prompt is lexed as a fence without fence lines
(:attr:`~.fences.FenceLexeme.indented`): its body is the code block's lines, each with the
indentation removed kept as its prefix, so that the transcript runs and is rewritten on the
same spine as a fenced one and every rewritten line keeps its indentation.

An indented line is code only where CommonMark says so: after a blank line (or a heading,
a fence, a comment, the start of the note), four columns or more past the content column of
the list item that holds it. A line right after a paragraph line continues the paragraph.
"""

from __future__ import annotations

from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.lines import BodyLine, quote_prefix, strip_columns, width

#: What the first line of an indented code block starts with, after its indentation, to be
#: a session: a ``>>>`` prompt.
PROMPT = ">>>"


def opens_session(text: str) -> bool:
    """Whether the first line of an indented code block, without its indentation, opens
    a ``>>>`` session.

    >>> opens_session(">>> x = 1"), opens_session(">>>"), opens_session(">>>x")
    (True, True, False)
    """
    return text.startswith(PROMPT) and text[3:4] in ("", " ", "\t")


def below_comments(lines: list[str], index: int, quote: str, columns: int) -> bool:
    """Whether the comment lines from line ``index`` of an indented code block (indented
    ``columns`` columns from the quote ``quote``'s content) stand over a ``>>>`` prompt, as
    PyTorch's docstrings write ``# Dot product`` over ``torch.inner``'s example.

    >>> below_comments(["    # Dot product", "    >>> 1"], 0, "", 4)
    True
    >>> below_comments(["    # a comment", "    pip install torch"], 0, "", 4)
    False
    """
    depth = quote.count(">")
    for line in lines[index:]:
        prefix = quote_prefix(line, depth) if depth else ""
        if prefix is None:
            return False
        rest = line[len(prefix) :]
        text = rest.lstrip(" \t")
        if not text or width(prefix + rest[: len(rest) - len(text)]) - width(prefix) < columns:
            return False  # a blank line or a line indented less: no prompt in this paragraph
        if not text.startswith("#"):
            return opens_session(text)
    return False


def lex_session(lines: list[str], index: int, quote: str, columns: int) -> FenceLexeme:
    """The indented code block that starts at line ``index`` (after the block-quote markers
    ``quote``, which every line of it repeats), each line indented ``columns`` columns or
    more from the quote's content: its lines up to the last that is not blank, each with
    the quote and ``columns`` columns of indentation as its prefix.

    >>> lex_session(["    >>> 1", "    1", "", "    >>> 2", "", "x"], 0, "", 4).body
    (BodyLine(line=0, prefix='    ', text='>>> 1'), BodyLine(line=1, prefix='    ', text='1'), \
BodyLine(line=2, prefix='', text=''), BodyLine(line=3, prefix='    ', text='>>> 2'))
    """
    depth = quote.count(">")
    body: list[BodyLine] = []
    last = index
    for number in range(index, len(lines)):
        line = lines[number]
        prefix = quote_prefix(line, depth) if depth else ""
        if prefix is None:
            break
        rest = line[len(prefix) :]
        if not rest.strip():
            body.append(BodyLine(number, line, ""))
            continue
        start = width(prefix)
        if width(prefix + rest[: len(rest) - len(rest.lstrip(" \t"))]) - start < columns:
            break  # a line indented less ends the code block
        removed, text = strip_columns(rest, columns, start)
        body.append(BodyLine(number, prefix + removed, text))
        last = number
    kept = tuple(line for line in body if line.line <= last)
    return FenceLexeme(index, last, "", quote, "", depth, kept, indented=True)
