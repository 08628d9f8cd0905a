"""A line that a block raised on, whose comment says it fails: the author meant it to.

Tutorials show an error on purpose and mark the line that raises with a comment::

    torch.matmul(t_A, t_B)  # Error
    # (3, 2) @ (3, 2): inner dimensions do not match

Run as it stands, the block fails there. The failure says that the line's own comment
expects it, and which directive checks it.
"""

from __future__ import annotations

import io
import re
import tokenize

from pytest_torchnotes.quoting import cut

#: A comment that says the line it ends fails: ``# Error``, ``# error!``, ``# raises``,
#: ``# RuntimeError``, ``# 报错``, ``# エラー``.
SAYS_IT_FAILS = re.compile(
    r"#[ \t]*(?P<comment>(?:[Ee]rror|ERROR|[Rr]aises?|[Tt]hrows?|[Ff]ails?|"
    r"[A-Z]\w*Error|报错|出错|错误|エラー|에러|오류)\b.*)$"
)


def says_it_fails_hint(line: str, shown_line: int, type_name: str) -> str | None:
    """The line that says what to do where a block raised ``type_name`` on ``line`` (shown
    as ``shown_line``) whose comment says it fails; ``None`` otherwise.

    >>> print(says_it_fails_hint("torch.matmul(a, b) # Error", 12, "RuntimeError")[:59])
    line 12 says it fails (`# Error`): to check that it raises,
    >>> says_it_fails_hint("x = y  # the error term", 3, "NameError") is None
    True
    """
    comment = _end_comment(line)
    found = None if comment is None else SAYS_IT_FAILS.match(comment)
    if found is None:
        return None
    name = type_name.rpartition(".")[2]
    return (
        f"line {shown_line} says it fails (`# {cut(found.group('comment').strip(), 40)}`): to"
        f" check that it raises, put <!-- torchnotes: raises {name} --> above the block, and end"
        " the block with that line (code after it does not run when it raises)"
    )


def failing_line(code: str) -> tuple[int, str] | None:
    """The 0-based index of the first line of ``code`` whose end comment says it fails, and
    that comment; ``None`` when none does.

    >>> failing_line("a = torch.ones(3, 2)\\nc = a @ a  # 报错\\nprint(c)")
    (1, '报错')
    """
    if "#" not in code:
        return None
    for index, line in enumerate(code.split("\n")):
        comment = _end_comment(line)
        found = None if comment is None else SAYS_IT_FAILS.match(comment)
        if found is not None:
            return index, found.group("comment").strip()
    return None


def _end_comment(line: str) -> str | None:
    """The comment that ends a line of code (not a ``#`` in a string, nor a line that is only
    a comment)."""
    if "#" not in line or line.lstrip().startswith("#"):
        return None
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
    except (tokenize.TokenError, SyntaxError):  # an unclosed bracket the next lines close
        return None
    return next((token.string for token in tokens if token.type == tokenize.COMMENT), None)


#: A ``>>>`` comment that says the example under it raises: ``# This will throw an exception
#: after 30 seconds``, ``# raises a RuntimeError``, ``# Error: shapes do not match``.
COMMENT_SAYS_IT_RAISES = re.compile(
    r"^[ \t]*(?:>>>|\.\.\.)?[ \t]*#.*\b(?:throws?|raises?|will fail|fails|"
    r"(?:an?|this) (?:exception|error)|[A-Z]\w*Error)\b",
    re.IGNORECASE,
)


def comment_above_says_it_raises(code: str, lineno: int, type_name: str) -> str | None:
    r"""The line that says what to do where the example at 0-based line ``lineno`` of the
    transcript ``code`` raised ``type_name`` under a ``>>> #`` comment that says it raises
    (PyTorch's docstrings write ``>>> # This will throw an exception after 30 seconds`` over
    ``>>> store.wait(["bad_key"])``); ``None`` otherwise.

    >>> code = ">>> x = 1\n>>> # This will throw an exception\n>>> f(x)"
    >>> print(comment_above_says_it_raises(code, 2, "RuntimeError")[:62])
    the comment above it says it raises: write what it raises unde
    >>> comment_above_says_it_raises(">>> # the sum\n>>> f(x)", 1, "RuntimeError") is None
    True
    """
    lines = code.split("\n")
    above = lineno - 1
    while above >= 0 and lines[above].lstrip().startswith(">>> #"):
        if COMMENT_SAYS_IT_RAISES.match(lines[above]):
            name = type_name.rpartition(".")[2]
            return (
                "the comment above it says it raises: write what it raises under it, as"
                " doctest reads it ('Traceback (most recent call last):', '...', then"
                f" '{name}: ...'), or leave it unrun with '# xdoctest: +SKIP' at the end of"
                " its line"
            )
        above -= 1
    return None
