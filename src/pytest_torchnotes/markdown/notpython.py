"""Fences that are not collected as Python blocks: what looks like Python in them is reported,
and directives waiting for a Python block do not apply to them."""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from pytest_torchnotes.markdown.bare_python import (
    PYTHON_CONTENT,
    broken_torch_code,
    reads_as_python,
)
from pytest_torchnotes.markdown.blocks import NotRun
from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.fence_option import languages_flag
from pytest_torchnotes.markdown.layout import OUTPUT_FENCES
from pytest_torchnotes.markdown.lexers import FenceLexeme, first_text
from pytest_torchnotes.markdown.pending import Pending
from pytest_torchnotes.markdown.transcripts import is_doctest
from pytest_torchnotes.notelines import shown, shown_lines
from pytest_torchnotes.options import BARE
from pytest_torchnotes.quoting import cut
from pytest_torchnotes.words import and_more

#: Info strings that look like Python but are not collected; reported so nothing is lost.
PYTHON_LOOKING = re.compile(
    r"^[{.\s]*(?:python-(?:console|repl)|python\d?|py\d?|ipython\d?|pycon|pytb|doctest|jupyter"
    r"|pytorch|torch)(?![\w-])",
    re.IGNORECASE,
)

#: A ``>>>`` prompt at the start of a fence's first line: a Python session, whatever language
#: the info string names (```` ```console ````, ```` ```repl ````).
SESSION_START = re.compile(r">>>(?: |$)")

#: Languages that say a fence is text on purpose, or shows a page's source (a note's
#: Markdown, a docstring's reStructuredText): a ``>>>`` session in one is not reported.
PLAIN_TEXT = frozenset(
    {
        "text",
        "txt",
        "plain",
        "plaintext",
        "none",
        "nohighlight",
        "output",
        "out",
        "stdout",
        "markdown",
        "md",
        "myst",
        "rst",
        "restructuredtext",
    }
)

#: Characters a reader does not see in an info string: zero-width spaces and joiners, the
#: byte order mark, a soft hyphen (pasted from a web page or a word processor).
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")


#: Sphinx's highlight language when a page names none: Python 3, and its console sessions.
#: A page of docs that Sphinx rendered, saved as Markdown (pandoc), tags each ``>>>`` example
#: of a docstring so.
SPHINX_DEFAULT = "default"


def collected(fence: FenceLexeme, languages: Container[str]) -> bool:
    """Whether ``fence`` is run as a Python block: its language is one of ``languages``; a
    fence without info string (``bare`` in torchnotes_languages) only when its text reads as
    Python (:func:`.bare_python.reads_as_python`); Sphinx's ``default`` (while ``python`` is
    run) when it is a ``>>>`` session."""
    if fence.language == SPHINX_DEFAULT and "python" in languages:
        return fence.language in languages or is_doctest(fence.body)
    if fence.language not in languages:
        return False
    return bool(fence.info.strip()) or _text_reads_as_python(fence)


def _starts_with_prompt(fence: FenceLexeme) -> bool:
    """Whether the first line of text of a fence starts with a ``>>>`` prompt, at its first
    column, as a session shows it."""
    first = first_text(fence.body)
    return SESSION_START.match(first) is not None


def _text_reads_as_python(fence: FenceLexeme) -> bool:
    """Whether the text of a fence without info string reads as Python."""
    return reads_as_python("\n".join(line.text for line in fence.body))


def other_fence(fence: FenceLexeme, pending: Pending, note: NoteContext) -> None:
    """Report a fence that is not run but looks like Python, or that directives precede."""
    _stray_directives(fence, pending, note)
    if not fence.info.strip() and "" in note.format.languages:
        broken = broken_torch_code("\n".join(line.text for line in fence.body))
        if broken is not None:  # fences without info string run: this one was meant to
            line, message = broken
            note.problem(
                fence.body[line].line,
                f"{fence.opening} uses torch but is not run: it does not compile ({message}):"
                " correct it to run it, or tag the fence text to silence this",
                "warning",
            )
            return
    if fence.open_line in note.named_as_output:
        return  # named as a block's output: its >>> lines are what the block printed
    if looks_like_python(fence):
        languages = ", ".join(sorted(language or BARE for language in note.format.languages))
        hidden = INVISIBLE.search(fence.info)
        half = half_width(fence.info)
        fix = (
            f"its info string holds an invisible character, U+{ord(hidden.group()):04X}: "
            "delete it to run the block"
            if hidden is not None
            else f"its info string is written in full-width characters: write {half.split()[0]} in"
            " ASCII letters to run the block"
            if half != fence.info
            else "its Python follows other lines (a shell session?): put it in a ```python "
            "fence to run it, or mark the fence text to silence this"
            if not fence.info.strip() and not _text_reads_as_python(fence)
            else f"add {fence.language or BARE} to torchnotes_languages "
            f"({languages_flag(note.format.languages, fence.language)}) to run it, or mark it"
            " text to silence this"
        )
        note.problem(
            fence.open_line,
            f"{fence.opening} looks like Python but is not run: only blocks marked "
            f"{languages} are; {fix}",
            "warning",
        )


def cell_not_run(fence: FenceLexeme, option: str, pending: Pending, note: NoteContext) -> None:
    """Report a Python cell that its own options keep from running (``#| eval: false``)."""
    why = (
        f"its cell option `{cut(option)}` says the notebook tool does not run it (remove the "
        "option to run it here)"
    )
    tab_not_run(fence, why, pending, note)


def tab_not_run(
    fence: FenceLexeme, why: str, pending: Pending, note: NoteContext, *, warn: bool = True
) -> None:
    """Report a Python block that is not run (a block of a d2lbook chapter that is another
    framework's version of the code, ...), and keep it with why (:class:`.blocks.NotRun`);
    without ``warn``, the caller reports it with others (:func:`tabs_not_run`)."""
    _stray_directives(fence, pending, note)
    if warn:
        note.problem(fence.open_line, f"{fence.opening} is not run: {why}", "warning")
    code = "\n".join(line.text for line in fence.body)
    note.note.not_run.append(NotRun(fence.open_line, why, code))


def tabs_not_run(skipped: Sequence[tuple[FenceLexeme, str]], note: NoteContext) -> None:
    """One warning for the blocks of other frameworks' tabs of a note (a d2lbook chapter
    has one in every few blocks): the first with why, and the lines of the others."""
    if not skipped:
        return
    first, why = skipped[0]
    others = shown_lines([fence.open_line for fence, _ in skipped[1:]])
    where = f" of other frameworks' tabs in this note, not run either: {others}"
    message = f"{first.opening} is not run: {why}{and_more(len(skipped), 'block', where=where)}"
    note.problem(first.open_line, message, "warning")


def _stray_directives(fence: FenceLexeme, pending: Pending, note: NoteContext) -> None:
    if pending.directives:
        first = pending.directives[0]
        kind = fence.opening if fence.info or fence.tag else f"{fence.fence} without language"
        note.problem(
            first.line,
            f"directive applies to the next Python block, but the next block "
            f"(line {shown(fence.open_line)}) is {kind}",
        )
        pending.directives = []


def half_width(text: str) -> str:
    """``text`` with its full-width letters, digits and signs (U+FF01 to U+FF5E, as a
    Chinese, Japanese or Korean input method types them) written as their ASCII twins."""
    return text.translate(FULL_WIDTH)


#: The full-width forms of ASCII's printable characters, to their ASCII twins.
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def looks_like_python(fence: FenceLexeme) -> bool:
    """Whether a fence's info string, or without one its content, looks like Python."""
    if fence.language in OUTPUT_FENCES:
        return False  # ```python out: what a block printed
    if fence.info:
        info = INVISIBLE.sub("", fence.info)
        if PYTHON_LOOKING.match(info) or PYTHON_LOOKING.match(fence.language):
            return True
        if PYTHON_LOOKING.match(half_width(info)):
            return True  # ```ｐｙｔｈｏｎ, typed with a Chinese or Japanese input method on
        # a session under a name of its own (```console, ```repl) says what it is by its prompt
        return fence.language not in PLAIN_TEXT and _starts_with_prompt(fence)
    text = "\n".join(line.text for line in fence.body)
    return PYTHON_CONTENT.search(text) is not None
