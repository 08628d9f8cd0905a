"""``>>>`` sessions at column 0 in a note's text, under no ``Examples`` heading: a docstring
as :func:`inspect.getdoc` or ``help()`` writes it into a file.

``inspect.getdoc`` takes a docstring's common indentation off, so that an example written
at the docstring's own indentation (``Examples:``, a blank line, ``>>> ...``, as
``torch.nn.TripletMarginLoss`` and ``torch.sparse.as_sparse_gradcheck`` write theirs)
lands at column 0. To CommonMark such lines are block quotes nested three deep, and a
quote of an e-mail (``>>> Thanks, that works``) is too. A paragraph is read as doctest
reads it, a session, when it is unambiguously one:

- it opens with a ``>>>`` prompt at column 0, as the first line of its paragraph (after a
  blank line, a heading, the start of the note) or right under a docstring's section line
  (``For example:``) or the end of a sentence of its text (``an integer literal.``);
- the code behind its prompts (``>>>`` lines and the ``...`` lines after them) is Python
  that does something: it parses, and some statement is more than a bare name or a tuple
  of words (a call, an assignment, an import, a subscript, an operator...).

The session goes on to the blank line before a paragraph that opens with no prompt (a
blank line inside an output whose brackets are still open, a tensor of three dimensions,
is the output's). Anything else stays a block quote, warned of and not run
(:mod:`..prose_transcripts`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from pytest_torchnotes.markdown.bracketed import depth_change
from pytest_torchnotes.markdown.lexing.docstring_sessions import opens_example
from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.lines import BodyLine

#: What ends a sentence of a docstring's text, right over a prompt that opens a session.
SENTENCE_ENDS = (".", "!", "?")

#: doctest's prompt and continuation, with the space after them.
PROMPT, CONTINUATION = ">>>", "..."

#: Expressions that are more than a word: a quote's ``>>> yes`` or ``>>> so, then`` parses
#: as a name or a tuple of names, a transcript's ``>>> x.sum()`` as a call.
DOING = (
    ast.Call,
    ast.Subscript,
    ast.Attribute,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.BoolOp,
    ast.Lambda,
    ast.ListComp,
    ast.Await,
)


def opens_session(line: str) -> bool:
    """Whether ``line`` opens with a ``>>>`` prompt at column 0.

    >>> opens_session(">>> x"), opens_session(">>>"), opens_session(">>>x")
    (True, True, False)
    """
    return line.startswith(PROMPT) and line[3:4] in ("", " ", "\t")


def session_body(
    lines: list[str], index: int, end: int | None = None, columns: int = 0
) -> FenceLexeme:
    """The session that the prompt at ``columns`` on line ``index`` opens, up to line ``end``
    (not included; the end of ``lines`` by default): its paragraphs that open with a prompt,
    up to the blank line before one that does not; a blank line in an output whose
    brackets are open is the output's.

    >>> lines = [">>> t", "tensor([[[0]],", "", "        [[1]]])", "", "Prose.", ">>> 2"]
    >>> session_body(lines, 0).last_line
    3
    """
    stop = len(lines) if end is None else end
    numbers = range(index, stop)
    body, _ = walk_session((BodyLine(number, "", lines[number]) for number in numbers), columns)
    return FenceLexeme(index, body[-1].line, "", "", "", 0, body, indented=True)


def walk_session(lines: Iterable[BodyLine], columns: int = 0) -> tuple[tuple[BodyLine, ...], int]:
    """The lines of the session whose prompt is the first of ``lines``, at ``columns`` of its
    text: its paragraphs that open with a prompt at that column, up to the blank line before
    one that does not, or a line indented less (a blank line in an output whose brackets are
    open is the output's); and how many of ``lines`` were read before the one that ended it
    (all of them, where none did). Each line keeps its indentation up to ``columns`` with
    its prefix; ``lines`` is read no further than that.

    >>> lines = [BodyLine(n, "> ", t) for n, t in enumerate(["  >>> f(", "  ... 1)", "  2", "x"])]
    >>> walk_session(lines, 2)
    ((BodyLine(line=0, prefix='>   ', text='>>> f('), BodyLine(line=1, prefix='>   ', \
text='... 1)'), BodyLine(line=2, prefix='>   ', text='2')), 3)
    """
    body: list[BodyLine] = []
    kept = 0  # how many of body end with the last line that is not blank
    after_blank = False
    depth = 0
    read = 0
    for line in lines:
        text = line.text
        if not text.strip():
            body.append(BodyLine(line.line, line.prefix, ""))
            after_blank = True
            read += 1
            continue
        lead = len(text) - len(text.lstrip(" \t"))
        prompt = lead >= columns and opens_session(text[columns:])
        if lead < columns or (after_blank and not prompt and depth <= 0):
            break  # a paragraph that is no session: prose, or the next section
        after_blank = False
        if prompt:
            depth = 0
        elif not text[columns:].startswith(CONTINUATION):
            depth += depth_change(text)
        body.append(BodyLine(line.line, line.prefix + text[:columns], text[columns:]))
        kept = len(body)
        read += 1
    return tuple(body[:kept]), read


def text_session(
    lines: list[str], index: int, above: str | None, columns: int = 0
) -> FenceLexeme | None:
    """The session that the prompt at ``columns`` (0, or up to 3: a list item's content, a
    docstring's stray space) on line ``index`` opens in the note's text, when it
    unambiguously is one; ``above``: the paragraph line right over it (``None``: none, the
    prompt starts a paragraph).

    >>> text_session([">>> x = torch.ones(2)", ">>> x", "tensor([1., 1.])"], 0, None).last_line
    2
    >>> text_session([">>> Thanks, that works"], 0, None) is None
    True
    >>> text_session([">>> x = 1"], 0, "as it says") is None
    True
    """
    if not opens_session(lines[index][columns:]) or (
        above is not None and (not opens_text(above) or opens_session(lines[index - 1].lstrip(" ")))
    ):
        return None  # the prompt goes on with a paragraph: of words, or of a quote's prompts
    session = session_body(lines, index, columns=columns)
    return session if does_something(code_of(session)) else None


def opens_text(paragraph_line: str) -> bool:
    """Whether a prompt right under ``paragraph_line``, with no blank line between, opens a
    session rather than going on with the paragraph: the line is a section line
    (``For example:``) or ends a sentence of the docstring's text, as ``inspect.getdoc``
    writes ``int``'s (``... as an integer literal.`` over ``>>> int('0b100', base=0)``).
    A prompt under words that go on (``See this``) is quoted in them.

    >>> opens_text("For example:"), opens_text("an integer literal."), opens_text("See this")
    (True, True, False)
    >>> opens_text("and so on...")
    False
    """
    line = paragraph_line.rstrip()
    if opens_example(line):
        return True
    return line.endswith(SENTENCE_ENDS) and not line.endswith("..")


def code_of(session: FenceLexeme) -> str:
    """The code behind the prompts of ``session``: its ``>>>`` lines and the ``...`` lines
    after them, without the prompts.

    >>> lines = [">>> for i in x:", "...     f(i)", "1", ">>> y"]
    >>> print(code_of(session_body(lines, 0)))
    for i in x:
        f(i)
    y
    """
    code: list[str] = []
    in_source = False
    for line in session.body:
        text = line.text
        if opens_session(text) or (in_source and text.startswith(CONTINUATION)):
            code.append(text[4:])
            in_source = True
        else:
            in_source = False
    return "\n".join(code)


def does_something(code: str) -> bool:
    """Whether ``code`` is Python that does more than name a word or two.

    >>> does_something("x = 1"), does_something("torch.ones(2)"), does_something("yes")
    (True, True, False)
    >>> does_something("so, then"), does_something("Hello world")
    (False, False)
    """
    try:
        module = ast.parse(code)
    except (SyntaxError, ValueError):  # ValueError: a NUL byte
        return False
    return any(
        not isinstance(statement, ast.Expr)
        or any(isinstance(node, DOING) for node in ast.walk(statement.value))
        for statement in module.body
    )
