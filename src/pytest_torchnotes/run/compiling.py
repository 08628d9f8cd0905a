"""Compile a block with the note's file name and line numbers, so that tracebacks point
into the note; the last bare expression of a block is compiled apart to display its value's
``repr`` the way Jupyter does, unless the statement ends with ``;``."""

from __future__ import annotations

import ast
import linecache
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType

from pytest_torchnotes.notelines import from_shown
from pytest_torchnotes.run.shifting import at_line, probe_at_line


@dataclass(frozen=True)
class CompiledCode:
    """A block's code ready to run: the statements, and the last expression to display."""

    body: CodeType
    display: CodeType | None = None
    #: Run as in an interactive session (``sys.ps1`` set), so that libraries that print
    #: their result when run as a script (torchinfo's ``summary()``) leave it to the
    #: display of the last expression, as in Jupyter.
    interactive: bool = False


def register_source(filename: str, lines: dict[int, str]) -> None:
    """Let tracebacks show note lines: ``lines`` maps 0-based note lines to code (the
    cache's first entry is the line Python calls 1)."""
    source = [lines.get(index, "") + "\n" for index in range(max(lines, default=-1) + 1)]
    linecache.cache[filename] = (sum(map(len, source)), None, source, filename)


def forget_source(filename: str) -> None:
    linecache.cache.pop(filename, None)


def compile_block(code: str, filename: str, code_line: int, *, display: bool) -> CompiledCode:
    """Compile a block whose first code line is the 0-based note line ``code_line``.

    With ``display``, the block's last top-level statement is found in its syntax tree, as
    Jupyter finds it: when it is an expression not followed by ``;`` (``n = 5; n * 2``,
    ``print(1) or abs(-5)``), it is compiled apart so that its value can be shown. Raises
    ``SyntaxError`` with the note's line numbers.
    """
    whole = code + "\n"
    if not display:
        return CompiledCode(at_line(_compiler(filename, "exec"), whole, code_line))
    split = _compile_split(code, whole, filename, code_line)
    if split is not None:
        return split
    return at_line(lambda text: _compile_by_tree(text, filename), whole, code_line)


def _compiler(filename: str, mode: str) -> Callable[[str], CodeType]:
    return lambda text: compile(text, filename, mode, dont_inherit=True)


def _compile_by_tree(text: str, filename: str) -> CompiledCode:
    """The block's last top-level statement, found in its syntax tree, compiled apart when
    it is an expression that displays its value."""
    tree = ast.parse(text, filename, "exec")
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr) or _ends_with_semicolon(text, last):
        return CompiledCode(compile(tree, filename, "exec", dont_inherit=True), interactive=True)
    tree.body.pop()
    expression = ast.Expression(last.value)
    return CompiledCode(
        compile(tree, filename, "exec", dont_inherit=True),
        compile(expression, filename, "eval", dont_inherit=True),
        interactive=True,
    )


#: The start of a line at column 0 that is not a comment: where the last top-level
#: statement of a block starts, unless a bracket or a string is still open there.
TOP_LEVEL_LINE = re.compile(r"^[^\s#]", re.MULTILINE)


#: The start of a statement that no expression starts with: a tail that starts so is no
#: expression (at the start of a line, ``if`` and ``for`` start no part of one either).
STATEMENT_KEYWORD = re.compile(
    r"(?:assert|async|break|class|continue|def|del|for|from|global|if|import|nonlocal|pass"
    r"|raise|return|try|while|with)\b"
)

#: A character that may open a string or continue a line.
MAY_OPEN_A_STRING = re.compile(r"['\"\\]")

#: What a string left open at the end of a line needs: three quotes, a backslash, or the
#: prefix of an f-string (or t-string), whose replacement fields may span lines since
#: Python 3.12. A string with none of them closes on its line, or nothing compiles.
MAY_LEAVE_A_STRING_OPEN = re.compile(r"'''|\"\"\"|\\|[fFtT][rR]?['\"]")

#: A comment, in code that holds no string.
COMMENT = re.compile(r"#[^\n]*")


def _compile_split(code: str, whole: str, filename: str, code_line: int) -> CompiledCode | None:
    """:func:`compile_block` with ``display``, without the syntax tree of the whole block:
    what follows the last line at column 0 is compiled alone as an expression and, when it
    is one, what comes before it is compiled apart (two compiles, each of its own part of
    the block). Parsing the whole block into Python objects costs about as much as
    compiling it; a small block is compiled in a fraction of the time.

    When the tail is not an expression, it is parsed alone: one complete statement that
    displays nothing (``x = 1``, ``f();``) means the whole block is compiled as it is. A tail
    that starts with a statement's keyword (``for``, ``import``), holds no ``;`` and follows
    a head that ends at the top level is such a statement without being parsed: one compile,
    of the whole block.

    ``None`` when that cannot be told this way (the text before the last line at column 0
    is not complete code, or what follows it is not one complete statement): the caller
    parses the whole block.
    """
    start = _last_top_level_line(code)
    if start <= 0 or "__future__" in code:
        return None
    if "\\" in code[start:]:
        return None  # compiling it alone would warn about its escapes a second time
    head, tail = code[:start], code[start:]
    if STATEMENT_KEYWORD.match(tail):  # ``for``, ``import``: no expression starts so
        if ";" not in tail and _ends_at_top_level(head):  # the tail is one statement
            return _compile_whole(whole, filename, code_line)
        return _compile_undisplayed(head, tail, whole, filename, code_line)
    tail_line = code_line + head.count("\n")
    try:  # ``eval`` takes one expression, and no ``;`` after it
        display = probe_at_line(_compiler(filename, "eval"), tail, tail_line)
    except (SyntaxError, ValueError):
        return _compile_undisplayed(head, tail, whole, filename, code_line)
    try:  # compiles only when the head is complete code: then the tail is the last statement
        body = probe_at_line(_compiler(filename, "exec"), head, code_line)
    except (SyntaxError, ValueError):
        return None
    return CompiledCode(body, display, interactive=True)


def _last_top_level_line(code: str) -> int:
    """Where the last line of ``code`` that :data:`TOP_LEVEL_LINE` matches starts; -1 if
    none does. Looked for from the end: most blocks end with one.

    >>> _last_top_level_line("x = 1\\nfor i in x:\\n    print(i)\\n# done\\n")
    6
    >>> _last_top_level_line("  x")
    -1
    """
    end = len(code)
    while end >= 0:
        start = code.rfind("\n", 0, end) + 1
        if TOP_LEVEL_LINE.match(code, start):
            return start
        end = start - 1
    return -1


def _compile_undisplayed(
    head: str, tail: str, whole: str, filename: str, code_line: int
) -> CompiledCode | None:
    """The block when its tail is one complete statement that displays nothing; ``None``
    when the tail is not complete code alone, or may not start a statement of the block (the
    caller parses the whole block).

    The tail starts a statement when the head is complete code. A head that
    :data:`MAY_LEAVE_A_STRING_OPEN` does not match leaves no string open and no line
    continued; a bracket it left open would be closed by nothing in a tail that is complete
    alone, and the whole block would not compile. A head that may leave a string open
    (``'''`` closed in a comment of the tail) is left to the caller.
    """
    try:
        statements = ast.parse(tail).body
    except (SyntaxError, ValueError):
        return None
    if len(statements) != 1:
        return None
    last = statements[0]
    if isinstance(last, ast.Expr) and not _ends_with_semicolon(tail, last):
        return None  # an expression that does not compile alone: the whole block tells
    if MAY_LEAVE_A_STRING_OPEN.search(head):
        return None  # compiling the head to tell would warn about its code a second time
    return _compile_whole(whole, filename, code_line)


def _compile_whole(whole: str, filename: str, code_line: int) -> CompiledCode | None:
    """The whole block, when its last statement displays nothing; ``None`` when it does not
    compile (the caller parses it, for the same ``SyntaxError``)."""
    try:
        body = probe_at_line(_compiler(filename, "exec"), whole, code_line)
    except (SyntaxError, ValueError):
        return None
    return CompiledCode(body, interactive=True)


def _ends_at_top_level(head: str) -> bool:
    """Whether code that follows ``head`` on a line of its own starts a logical line: true
    when ``head`` leaves no string open, no line continued and no bracket open (counted
    outside comments; with no string in ``head``, a ``#`` always starts one). False when
    that cannot be told so.

    >>> _ends_at_top_level("x = [1,  # ]\\n  2]\\n"), _ends_at_top_level("x = [1,\\n")
    (True, False)
    """
    if MAY_OPEN_A_STRING.search(head):
        return False
    code = COMMENT.sub("", head)
    opened = code.count("(") + code.count("[") + code.count("{")
    return opened == code.count(")") + code.count("]") + code.count("}")


def _ends_with_semicolon(source: str, statement: ast.stmt) -> bool:
    """Whether ``;`` follows the statement on its last line (a trailing comment aside)."""
    lines = source.split("\n")
    end_line = statement.end_lineno or statement.lineno
    end_col = statement.end_col_offset or 0
    tail = lines[from_shown(end_line)].encode("utf-8")[end_col:].decode("utf-8", errors="replace")
    return tail.split("#", 1)[0].strip().startswith(";")


def compile_single(source: str, filename: str, code_line: int) -> CodeType:
    """Compile one ``>>>`` example (at the 0-based note line ``code_line``) in interactive
    mode: expression values are displayed."""
    return at_line(_compiler(filename, "single"), source, code_line)
