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

from collections.abc import Sequence
from typing import Protocol

from pytest_torchnotes.markdown.lexing.containers import Containers, indentation
from pytest_torchnotes.markdown.lexing.docstring_sessions import (
    code_above,
    code_ends,
    opens_example,
)
from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.headings import HeadingLexeme, Paragraph
from pytest_torchnotes.markdown.lexing.lines import (
    BodyLine,
    quote_prefix,
    split_quotes,
    strip_columns,
    width,
)
from pytest_torchnotes.markdown.lexing.list_items import CODE_INDENT
from pytest_torchnotes.markdown.lexing.numpydoc_sessions import numpydoc_session
from pytest_torchnotes.markdown.lexing.text_sessions import opens_session, text_session

#: What the first line of an indented code block starts with, after its indentation, to be
#: a session: a ``>>>`` prompt.
PROMPT = ">>>"


class Scan(Protocol):
    """What the scan knows when it meets a line (:class:`.scan._Scan`)."""

    lines: list[str]
    #: First line after the front matter.
    begin: int
    #: Last line of the latest fence, comment or session.
    last_block: int
    #: The last prompt or comment found inside indented code: (line, quotes, column, and the
    #: indentation at which a later line may end that code, :func:`.code_above`'s).
    inside_code: tuple[int, int, int, int]
    #: The headings found so far (a numpydoc ``Examples`` section's, over its prompts).
    headings: list[HeadingLexeme]

    def paragraph_before(self, index: int) -> Paragraph | None: ...


def session_at(
    scan: Scan, index: int, quote: str, rest: str, containers: Containers
) -> FenceLexeme | None:
    """The indented ``>>>`` session that line ``index`` (``rest`` after the block-quote
    markers ``quote``) starts, if it starts one: a prompt, or comments over one; or the
    session of a prompt in the text under a numpydoc ``Examples`` heading, or one that is
    unambiguously a session (:mod:`.text_sessions`)."""
    lead = len(quote) - len(quote.lstrip(" "))  # up to 3: in a list item, or a stray one
    if quote[lead : lead + 3] == PROMPT:  # Markdown reads it as block quotes
        above = scan.paragraph_before(index)
        return numpydoc_session(scan.lines, index, scan.headings) or text_session(
            scan.lines, index, None if above is None else above[2], lead
        )
    text = rest.lstrip(" \t")
    if not (opens_session(text) or text.startswith("#")):
        return None
    columns = session_columns(scan, index, quote, rest, containers)
    if columns is None:
        return None
    if text.startswith("#") and not below_comments(scan.lines, index, quote, columns):
        return None  # comments over no prompt: indented code, not run
    return lex_session(scan.lines, index, quote, columns)


def session_columns(
    scan: Scan, index: int, quote: str, rest: str, containers: Containers
) -> int | None:
    """The columns of indentation, from the quote's content, that make line ``index``
    and the lines after it one indented code block, when line ``index`` starts one:
    indented four columns past the content of the list item that holds it, and not
    continuing a paragraph or an indented code block above it. ``None`` otherwise."""
    depth = quote.count(">")
    indent = indentation(quote, rest[: len(rest) - len(rest.lstrip(" \t"))])
    if indent < CODE_INDENT:
        return None  # too little for indented code in any container: no list to read
    column = containers.column(index, depth, indent)
    if indent - column < CODE_INDENT:
        return None
    # Back over the blank lines and the lines indented as far (a paragraph's lazy
    # continuation, or indented code), to the line that decides what they are.
    first = index
    while first - 1 > scan.last_block and first - 1 >= scan.begin:
        if scan.inside_code[:3] == (first - 1, depth, column) and not code_ends(
            scan.lines, first, index, scan.inside_code[3]
        ):
            # the same code as the prompt or comment met last: each line of a long block is
            # walked back over once, not once per prompt in it
            scan.inside_code = (index, depth, column, scan.inside_code[3])
            return None
        above, text = split_quotes(scan.lines[first - 1])
        lead = text[: len(text) - len(text.lstrip(" \t"))]
        if above.count(">") != depth:
            break
        if text.strip() and indentation(above, lead) - column < CODE_INDENT:
            break
        first -= 1
    # A paragraph above continues into the line (lazily, from inside a block quote), but
    # one outside the block quote that holds the line ended where the quote began.
    above_text = scan.paragraph_before(first) if first > scan.begin else None
    state = "paragraph" if above_text is not None and above_text[1] >= depth else "none"
    code_start = index
    for number in range(first, index):
        if not split_quotes(scan.lines[number])[1].strip():
            state = "none" if state == "paragraph" else state
        elif state == "none":
            state, code_start = "code", number
    if state == "paragraph" and first == index and above_text is not None:
        # right under a docstring's section line (``Example:``): a session, as doctest reads
        # it; under any other line, the paragraph going on
        return indent if above_text[1] == depth and opens_example(above_text[2]) else None
    if state == "paragraph" and above_text is not None:
        # the paragraph goes on, lazily, down to the line right over the prompt: a docstring
        # pasted with no blank line in it (``torch.random.thread_safe_generator``), its
        # section line ``    Example::`` over the session
        over_quote, over = split_quotes(scan.lines[index - 1])
        return indent if over_quote.count(">") == depth and opens_example(over) else None
    if state == "code":
        found = code_above(scan.lines, code_start, index, depth)
        if found is None:
            return indent  # nested in a docstring's text: ``.. note::`` over ``Example::``
        # code that shows a prompt; so is every later prompt under that code
        scan.inside_code = (index, depth, column, found[1])
        return None
    if state != "none":
        return None  # a paragraph's lazy continuation
    return column + CODE_INDENT


def opens_with_prompt(code: Sequence[BodyLine]) -> bool:
    """Whether an indented code block (its lines without their indentation) opens a
    ``>>>`` session: a prompt on its first line, or comment lines right over one. Right
    after a fence, such a block is a docstring pasted there, not the fence's output.

    >>> opens_with_prompt([BodyLine(4, "    ", "# Dot product"), BodyLine(5, "    ", ">>> x")])
    True
    >>> opens_with_prompt([BodyLine(4, "    ", "tensor([1.])")])
    False
    """
    for line in code:
        if not line.text.startswith("#"):
            return opens_session(line.text)
    return False


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
