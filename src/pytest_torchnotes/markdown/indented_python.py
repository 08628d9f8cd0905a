"""Python in indented code blocks that is not run, reported so that nothing is lost.

Markdown's oldest code block is text indented by four spaces, and notes that follow
reStructuredText's habit write an example as ``Example::`` over an indented ``>>>`` session,
as PyTorch's docstrings do. Such a session runs as a transcript
(:mod:`.lexing.indented_sessions`) unless ``indented_sessions`` turns it off; other indented
code does not run. An indented code block whose first line is a ``>>>`` prompt not run, or
a torch import, gets a warning at that line, so that such a note is not silently found to
hold no Python block. The indented text right after a fence (a Jupyter
export's output, :mod:`.indented`) is left to its own rules.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.code_prompts import (
    indented_text,
    prompt_further_down,
    python_above,
    under_python,
)
from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.lexers import (
    INDENTED_CODE,
    QUOTE,
    indented_after,
    width,
)
from pytest_torchnotes.markdown.lexing.info import language
from pytest_torchnotes.quoting import cut

#: The first line of an indented code block that is Python: a ``>>>`` prompt or a torch
#: import.
PYTHON_START = re.compile(r"^(?:>>>(?:[ \t]|$)|import[ \t]+torch\b|from[ \t]+torch\b)")


#: A line that may start such a block, wherever it stands: what the line by line reading
#: below looks for, in one search of the whole note (after a newline put before it). Most
#: notes have none, and are not read line by line. It takes any indentation (the reading
#: checks its width): one run of whitespace, so that a long line of whitespace fails in
#: linear time. It starts with the newline, not ``^``: the regular expression engine then
#: tries only at newlines, not at every character (a third of the time).
CANDIDATE = re.compile(
    r"\n(?:[ \t]*>)*[ \t]+(?:>>>(?:[ \t]|$)|import[ \t]+torch\b|from[ \t]+torch\b)",
    re.MULTILINE,
)


def not_text(note: NoteContext) -> set[int]:
    """The lines of the note that are no text of its own: HTML comments, front matter,
    fences, and the indented text right after a fence (a block's output)."""
    lexemes = note.lexemes
    hidden = set(note.comment_lines)
    if lexemes.front_matter is not None:
        hidden.update(range(lexemes.front_matter.close_line + 1))
    for fence in lexemes.fences:
        hidden.update(range(fence.open_line, fence.last_line + 1))
        hidden.update(line.line for line in indented_after(note.lines, fence))
    if note.runs_sessions:  # run as transcripts
        for session in lexemes.indented_sessions:
            hidden.update(range(session.open_line, session.last_line + 1))
    for doctest in lexemes.sphinx_doctests:  # run, and compared with their testoutput
        if doctest.code.name == "doctest":
            continue  # a session: hidden above where sessions run
        for directive in (doctest.code, doctest.output):
            if directive is not None:
                hidden.update(range(directive.body.open_line, directive.body.last_line + 1))
    return hidden


def indented_python(note: NoteContext) -> None:
    """Warn of each indented code block that starts with Python, outside fences, HTML
    comments, front matter and the indented text right after a fence; and of each Python
    fence indented so far that it is indented code."""
    indented_fences(note)
    if CANDIDATE.search("\n" + note.text) is None:
        return
    hidden = not_text(note)
    after_blank = True
    checked = False  # a prompt further down this indented code was checked (once a block)
    for index, line in enumerate(note.lines):
        quotes = QUOTE.match(line)
        rest = line[quotes.end() :] if quotes else line
        starts_code = after_blank and index not in hidden
        after_blank = not rest.strip()
        if index in hidden or not (after_blank or indented_text(line)):
            checked = False  # out of the indented code: the next block is checked anew
        elif not (starts_code or after_blank or checked):
            checked = prompt_further_down(note, index)
        if not starts_code or after_blank:
            continue
        text = rest.lstrip(" \t")
        if width(rest[: len(rest) - len(text)]) < INDENTED_CODE:
            continue
        start = index
        if text.startswith("#"):
            start = _below_comments(note.lines, index)
            text = indented_text(note.lines[start])
        if not PYTHON_START.match(text):
            continue
        under = python_above(note.lines, start) if text.startswith(">>>") else None
        if under is not None:
            note.problem(start, under_python(text, under, note.lines[under]), "warning")
            continue
        directive = _rst_directive_above(note.lines, index)
        if directive is not None and not text.startswith(">>>"):
            note.problem(start, _directive_body(text, directive), "warning")
            continue
        note.problem(
            start,
            f"indented code `{cut(text.strip())}` looks like Python but is not run: "
            f"{_fix(note, text)}",
            "warning",
        )


def _fix(note: NoteContext, text: str) -> str:
    """How to run the indented code whose first line of code is ``text``."""
    fence = "put it in a ```python fence (ending in ```) to run it"
    if not text.startswith(">>>") or note.runs_sessions:
        return f"only fenced blocks and indented >>> sessions are; {fence}"
    return (
        f"indented >>> sessions are turned off (indented_sessions: false in the front matter, "
        f"or --torchnotes-indented-sessions=false); {fence}, or turn them on"
    )


#: reStructuredText's directives whose body is Python: Sphinx's doctest runs ``testcode``
#: (and compares what it prints with the ``testoutput`` after it), the others show code.
RST_CODE_DIRECTIVE = re.compile(
    r"\.\.[ \t]+(?P<name>testcode|testsetup|code-block|code|sourcecode)::"
    r"[ \t]*(?:python3?|py)?[ \t]*$"
)


def _rst_directive_above(lines: list[str], index: int) -> str | None:
    """The name of the reStructuredText directive for Python code whose body the indented
    code at line ``index`` is (``.. testcode::`` over it, blank lines and ``:hide:``-like
    option lines between), if it is one."""
    above = index - 1
    while above >= 0 and (not lines[above].strip() or lines[above].strip().startswith(":")):
        above -= 1
    found = RST_CODE_DIRECTIVE.match(lines[above].strip()) if above >= 0 else None
    return found.group("name") if found else None


def _directive_body(text: str, directive: str) -> str:
    """Why the body of a reStructuredText directive for Python is not run, and how to run it."""
    runs = (
        "Sphinx's doctest runs it and compares what it prints with the `.. testoutput::` after it"
        if directive == "testcode"
        else "Sphinx runs it as setup code"
        if directive == "testsetup"
        else "Sphinx shows it, it does not run it"
    )
    fix = (
        "put it in a ```python fence (ending in ```), and the body of its `.. testoutput::` in "
        "an ```output fence right after it, to run and compare it"
        if directive == "testcode"
        else "put it in a ```python fence (ending in ```) to run it"
    )
    return (
        f"indented code `{cut(text.strip())}` is the body of `.. {directive}::` ({runs}); "
        f"Markdown shows it as indented code, which is not run here: {fix}"
    )


def _below_comments(lines: list[str], index: int) -> int:
    """The first line of the indented code starting at ``index`` that is not a comment: a
    comment may stand above an example's first prompt, as PyTorch's docstrings write
    ``# Dot product`` over ``>>> torch.inner(...)``."""
    while index + 1 < len(lines) and indented_text(lines[index]).startswith("#"):
        if not indented_text(lines[index + 1]):
            break  # a blank line, or a line indented less: the indented code ends
        index += 1
    return index


def indented_fences(note: NoteContext) -> None:
    """Warn of each line that would open a Python fence but is indented four columns or
    more (a tab is four) from its container's content, which makes it indented code."""
    for code in note.lexemes.indented_fences:
        if not code.info.strip() or language(code.info) not in note.format.languages:
            continue
        fix = "remove the tab" if code.tab else "remove the indentation"
        note.problem(
            code.line,
            f"{cut(note.lines[code.line].strip())} is indented four columns or more (a tab "
            "counts as four), so Markdown shows it as indented code, not a fence, and it is "
            f"not run: {fix} (a fence may be indented by three spaces at most) to run it",
            "warning",
        )
