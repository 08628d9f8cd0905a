"""Sphinx's doctest directives pasted as they are: ``.. testcode::``, ``.. testoutput::``,
``.. testsetup::``, ``.. testcleanup::`` and ``.. doctest::``.

A page of Sphinx's reStructuredText pasted into a note keeps them as text: a directive line,
its option lines (``:hide:``, ``:options: +ELLIPSIS``), a blank line and its body, indented
under it (by three spaces as often as four, which CommonMark reads as a paragraph, not code).
Sphinx's doctest runs a ``testsetup`` body, runs a ``testcode`` body and compares what it
prints with the body of the ``testoutput`` after it, and runs a ``doctest`` body as a
``>>>`` session. Their bodies are read here by reStructuredText's rule: the lines after the
directive indented more than it, up to the first line that is not.

Most notes hold none: one substring search finds that, and nothing else is done.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Protocol

from pytest_torchnotes.markdown.lexing.comments import CommentLexeme
from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.front_matter import FrontMatterLexeme
from pytest_torchnotes.markdown.lexing.lines import BodyLine, strip_columns, width
from pytest_torchnotes.markdown.lexing.problems import LexerProblem
from pytest_torchnotes.markdown.lexing.sphinx_groups import apart
from pytest_torchnotes.markdown.lexing.text_sessions import opens_session

#: What a note that holds a directive to run holds (a ``testoutput`` follows a
#: ``testcode``): most notes hold none, and are not searched further. One search for a
#: literal start, about as fast as a substring search (3 us on a note of 4,500 characters).
TRIGGER = re.compile(r"\.\.[ \t]+(?:test(?:code|setup|cleanup)|doctest)::")

#: A directive line of Sphinx's doctest, outside any block quote.
DIRECTIVE = re.compile(
    r"^(?P<indent>[ \t]*)\.\.[ \t]+(?P<name>testcode|testoutput|testsetup|testcleanup|doctest)::"
    r"(?P<args>[^\n]*)$",
    re.MULTILINE,
)

#: A directive's option line: ``:hide:``, ``:options: +ELLIPSIS``.
OPTION = re.compile(r"[ \t]*:(?P<name>[\w-]+):[ \t]*(?P<value>[^\n]*)$")

#: What the doctest flags of a ``:options:`` line turn on or off: ``+ELLIPSIS``.
FLAG = re.compile(r"(?P<sign>[+-])(?P<flag>[A-Z_]+)")


@dataclass(frozen=True, slots=True)
class SphinxDirective:
    """One directive of Sphinx's doctest and its body."""

    #: ``testcode``, ``testoutput``, ``testsetup``, ``testcleanup`` or ``doctest``.
    name: str
    #: 0-based line of the directive.
    line: int
    #: Its body as a fence without fence lines (``indented``), each line's indentation kept
    #: as its prefix; ``info`` is the directive's name.
    body: FenceLexeme
    #: The doctest flags its ``:options:`` line turns on (``+``) or off (``-``), by name.
    flags: tuple[tuple[str, bool], ...] = ()
    #: The groups its argument names (``.. testcode:: a, b``); ``*``: every group.
    groups: tuple[str, ...] = ("default",)

    @property
    def ellipsis(self) -> bool:
        """Whether ``...`` in the output stands for any text: Sphinx turns ``ELLIPSIS`` on
        for every test (``doctest_default_flags``) unless ``-ELLIPSIS`` turns it off."""
        return dict(self.flags).get("ELLIPSIS", True)


@dataclass(frozen=True, slots=True)
class SphinxDoctest:
    """A ``testcode`` with the ``testoutput`` that follows it (``None``: none does), a
    ``testsetup`` or ``testcleanup`` (no output), or a ``doctest`` (a ``>>>`` session)."""

    code: SphinxDirective
    output: SphinxDirective | None = None


class Found(Protocol):
    """What the lexer found in a note (:class:`.scan.NoteLexemes`)."""

    lines: list[str]
    front_matter: FrontMatterLexeme | None
    fences: list[FenceLexeme]
    comments: list[CommentLexeme]
    indented_sessions: list[FenceLexeme]
    sphinx_doctests: list[SphinxDoctest]
    problems: list[LexerProblem]


def add_directives(found: Found, text: str) -> None:
    """Add to ``found`` the directives of Sphinx's doctest outside what the scan found (a
    ``doctest`` body that opens with a prompt is one more session); most notes hold none,
    which one search finds."""
    if not may_hold_directives(text):
        return
    taken = [(fence.open_line, fence.last_line) for fence in found.fences]
    taken.extend((session.open_line, session.last_line) for session in found.indented_sessions)
    taken.extend(
        (comment.open_line, len(found.lines) if comment.close_line is None else comment.close_line)
        for comment in found.comments
    )
    if found.front_matter is not None:
        taken.append((0, found.front_matter.close_line))
    sessions = False
    read = {session.open_line for session in found.indented_sessions}
    doctests = sphinx_doctests(text, found.lines, taken)
    found.problems.extend(apart([doctest.code for doctest in doctests]))
    for doctest in doctests:
        if doctest.code.name != "doctest":
            found.sphinx_doctests.append(doctest)
        elif opens_session(doctest.code.body.body[0].text):
            found.sphinx_doctests.append(doctest)  # for the groups it names
            if doctest.code.body.open_line not in read:
                found.indented_sessions.append(doctest.code.body)
                sessions = True
    if sessions:
        found.indented_sessions.sort(key=lambda session: session.open_line)


def sphinx_doctests(
    text: str, lines: list[str], taken: list[tuple[int, int]]
) -> list[SphinxDoctest]:
    """The directives of Sphinx's doctest in the note, in order, a ``testoutput`` with the
    ``testcode`` it follows; none whose line lies in ``taken`` (ranges of 0-based lines that
    are fences, comments, front matter, sessions already found).

    >>> text = ".. testcode::\\n\\n   print(1)\\n\\n.. testoutput::\\n   :hide:\\n\\n   1\\n"
    >>> [found] = sphinx_doctests(text, text.split("\\n"), [])
    >>> [line.text for line in found.code.body.body], [line.text for line in found.output.body.body]
    (['print(1)'], ['1'])
    """
    if not may_hold_directives(text):
        return []
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    found: list[SphinxDoctest] = []
    for match in DIRECTIVE.finditer(text):
        index = bisect_right(starts, match.start()) - 1
        if any(first <= index <= last for first, last in taken):
            continue
        directive = _directive(lines, index, match)
        if directive is None:
            continue  # no body
        if any(first <= directive.body.open_line <= last for first, last in taken):
            if directive.name == "doctest":  # a session the scan read: kept for its groups
                found.append(SphinxDoctest(directive))
            continue
        if directive.name != "testoutput":
            found.append(SphinxDoctest(directive))
        elif found and found[-1].code.name == "testcode" and found[-1].output is None:
            found[-1] = SphinxDoctest(found[-1].code, directive)
    return found


def may_hold_directives(text: str) -> bool:
    """Whether ``text`` may hold a directive of Sphinx's doctest: one substring search.

    >>> may_hold_directives(".. testcode::"), may_hold_directives("# A note")
    (True, False)
    """
    return TRIGGER.search(text) is not None


def _directive(lines: list[str], index: int, match: re.Match[str]) -> SphinxDirective | None:
    """The directive on line ``index``, its options and its body; ``None`` when it has no
    body (nothing indented under it)."""
    indent = width(match.group("indent"))
    flags: list[tuple[str, bool]] = []
    number = index + 1
    while number < len(lines) and _deeper(lines[number], indent):
        option = OPTION.match(lines[number])
        if option is None:
            break
        if option.group("name") == "options":
            flags.extend(
                (flag.group("flag"), flag.group("sign") == "+")
                for flag in FLAG.finditer(option.group("value"))
            )
        number += 1
    body_lines: list[int] = []
    while number < len(lines) and (not lines[number].strip() or _deeper(lines[number], indent)):
        body_lines.append(number)
        number += 1
    while body_lines and not lines[body_lines[-1]].strip():
        body_lines.pop()
    while body_lines and not lines[body_lines[0]].strip():
        body_lines.pop(0)
    if not body_lines:
        return None
    columns = min(
        width(lines[line][: len(lines[line]) - len(lines[line].lstrip(" \t"))])
        for line in body_lines
        if lines[line].strip()
    )
    body = tuple(
        BodyLine(line, *strip_columns(lines[line], columns))
        if lines[line].strip()
        else BodyLine(line, "", "")
        for line in body_lines
    )
    name = match.group("name")
    fence = FenceLexeme(body[0].line, body[-1].line, name, "", "", 0, body, indented=True)
    groups = tuple(group.strip() for group in match.group("args").split(",") if group.strip())
    return SphinxDirective(name, index, fence, tuple(flags), groups or ("default",))


def _deeper(line: str, indent: int) -> bool:
    """Whether ``line`` holds text indented more than ``indent`` columns."""
    text = line.lstrip(" \t")
    return bool(text) and width(line[: len(line) - len(text)]) > indent
