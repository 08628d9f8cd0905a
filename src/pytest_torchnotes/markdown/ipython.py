"""IPython and Jupyter console transcripts: ``In [n]:`` prompts in a Python block.

A block whose first line starts with ``In [`` is a transcript copied from IPython::

    In [1]: x = torch.ones(2)
       ...: print(x.sum())
    tensor(2.)

    In [2]: x
    Out[2]: tensor([1., 1.])

Each prompt is one example, as a ``>>>`` prompt is: its code is the ``In`` line and the
``...:`` lines right after it; its output is what follows, up to a blank line or the next
prompt: printed lines, then the displayed value after ``Out[n]:`` (on the lines below it
when the value spans several, as IPython writes it). A traceback after a prompt says that
the example raises; it runs to the next prompt, blank lines included. The numbers in the
prompts are not checked. In the split form the block holds only prompts, and the next fence
holds the output, where ``Out[n]`` ties a value to ``In [n]`` (:mod:`.ipython_split`).

Line numbers are the note's (0-based, as :class:`BodyLine` has them).
"""

from __future__ import annotations

import doctest
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pytest_torchnotes.markdown.bodytext import body_text
from pytest_torchnotes.markdown.bracketed import continued_blanks
from pytest_torchnotes.markdown.ipython_continuation import goes_on_unprompted, unprompted_message
from pytest_torchnotes.markdown.leadin import first_line_after_lead_in
from pytest_torchnotes.markdown.lexers import BodyLine, FenceLexeme
from pytest_torchnotes.notelines import shown

#: An input prompt: ``In [3]: x = 1`` (``In [ ]:`` for a cell never run), or ``In[3]: x = 1``
#: as PyCharm's Python console writes it.
IN_PROMPT = re.compile(r"^[ \t]*In ?\[(?P<number>[ \d]*)\]:(?: |$)")

#: A continuation prompt: ``   ...: return x`` (older IPython writes ``....:``).
CONTINUATION = re.compile(r"^[ \t]*\.{3,}:(?: |$)")

#: The prompt of a displayed value: ``Out[3]: tensor([1.])``.
OUT_PROMPT = re.compile(r"^[ \t]*Out\[(?P<number>[ \d]*)\]:(?: |$)")


def is_in_prompt(text: str) -> bool:
    """Whether the line ``text`` starts with an ``In [n]:`` prompt."""
    return IN_PROMPT.match(text) is not None


def is_continuation(text: str) -> bool:
    """Whether the line ``text`` starts with a ``...:`` continuation prompt."""
    return CONTINUATION.match(text) is not None


#: The first line of a plain Python traceback.
TRACEBACK = re.compile(r"^Traceback \(most recent call last\):[ \t]*$")

#: IPython's traceback starts with a rule, then ``ValueError      Traceback (most recent...)``.
TRACEBACK_RULE = re.compile(r"^-{20,}[ \t]*$")
TRACEBACK_TITLE = re.compile(r"\bTraceback \(most recent call last\)[ \t]*$")

#: The line of a traceback that names the exception: ``ValueError: bad shape``.
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?::.*)?$")

#: What stands for a blank line of output, as in a ``>>>`` transcript.
BLANKLINE = "<BLANKLINE>"

#: A problem at a 0-based line.
Issue = tuple[int, str]


@dataclass(frozen=True)
class Cell:
    """One ``In [n]:`` prompt: its code, and the output written for it."""

    #: What stands between the brackets of the prompt (``"3"``, or ``" "`` for ``In [ ]:``).
    number: str
    #: The prompt line and its ``...:`` lines.
    code: tuple[BodyLine, ...]
    #: The code without its prompts.
    source: str
    #: Printed lines and the displayed value, as written (the lines update mode rewrites).
    output: tuple[BodyLine, ...] = ()
    #: The traceback written after the output, when the example is expected to raise.
    traceback: tuple[BodyLine, ...] = ()
    #: The output to compare with: printed lines, then the value without ``Out[n]:``.
    want: str = ""
    #: The exception expected (``ValueError: bad shape``), as doctest's ``exc_msg``.
    exc_msg: str | None = None
    #: 0-based line where output is written when the cell has none (``None``: nowhere).
    insert_at: int | None = None
    #: What goes before a new line of output (block quote markers, list indentation).
    prefix: str = ""

    @property
    def first_line(self) -> int:
        """0-based line of the ``In`` prompt."""
        return self.code[0].line

    @property
    def prompt(self) -> str:
        return f"In [{self.number}]"

    def example(self) -> doctest.Example:
        """The cell as the example of a ``>>>`` transcript (``lineno``: the note line)."""
        return doctest.Example(self.source, self.want, self.exc_msg, lineno=self.code[0].line)

    def read(self) -> tuple[str, str, str | None]:
        """What the cell says, line numbers aside: code, output, exception."""
        return (self.source, self.want, self.exc_msg)


@dataclass(frozen=True)
class Transcript:
    """The cells of an IPython transcript, and where their output is written."""

    cells: tuple[Cell, ...]
    #: The block's code without prompts, one line per line of the block (output lines blank),
    #: so that line numbers stay the note's.
    code: str
    #: The fence that holds the output in the split form, ``None`` when under the prompts.
    output_fence: FenceLexeme | None = None

    @property
    def prompts_only(self) -> bool:
        """Whether no output is written under the prompts: its output may follow it."""
        return not any(cell.output or cell.traceback for cell in self.cells)


def is_transcript(body: Sequence[BodyLine]) -> bool:
    """Whether a block's first non-blank line is an ``In [n]:`` prompt, after the lines that
    start a session (:mod:`.leadin`: ``$ ipython``, comments), which are not read."""
    text = body_text(body)
    if "In[" not in text and "In [" not in text:  # IN_PROMPT's words: most blocks hold none
        return False
    first = first_line_after_lead_in(body)
    return first is not None and IN_PROMPT.match(first) is not None


def first_prompt(body: Sequence[BodyLine]) -> BodyLine | None:
    """The first ``In [n]:`` line of a block (a ``>>>`` transcript must have none)."""
    return next((line for line in body if IN_PROMPT.match(line.text)), None)


@dataclass
class _Draft:
    number: str
    code: list[BodyLine]
    source: list[str]
    output: list[BodyLine] = field(default_factory=list)


def read_transcript(body: Sequence[BodyLine]) -> tuple[Transcript, list[Issue]]:
    """The cells of a transcript whose output is written under each prompt."""
    drafts: list[_Draft] = []
    issues: list[Issue] = []
    code = [""] * len(body)
    state = "stray"  # code | output | traceback | ended (by a blank line) | stray
    # A blank line inside brackets the output left open is output (a 3-D tensor).
    inside = continued_blanks([line.text for line in body], is_in_prompt, is_continuation)
    for position, line in enumerate(body):
        text = line.text
        prompt = IN_PROMPT.match(text)
        continuation = CONTINUATION.match(text)
        if prompt is not None:
            drafts.append(_Draft(prompt.group("number"), [line], [text[prompt.end() :]]))
            code[position], state = text[prompt.end() :], "code"
        elif state == "traceback":
            drafts[-1].output.append(line)
        elif text.lstrip().startswith(">>>"):
            issues.append(
                (line.line, "a >>> prompt in an IPython transcript: use one kind of prompt")
            )
            state = "stray"
        elif continuation is not None and state == "code":
            drafts[-1].code.append(line)
            drafts[-1].source.append(text[continuation.end() :])
            code[position] = text[continuation.end() :]
        elif continuation is not None:
            issues.append(
                (line.line, "a ...: line with no In [n]: prompt right above it, so no example")
            )
            state = "stray"
        elif position in inside and state == "output":
            drafts[-1].output.append(line)
        elif not text.strip():
            state = "ended" if state in ("code", "output") else state
        elif state == "code" and goes_on_unprompted(drafts[-1].source, text):
            draft = drafts[-1]
            issues.append((line.line, unprompted_message(line.line, draft.number, draft.code[0])))
            state = "stray"
        elif state in ("code", "output"):
            drafts[-1].output.append(line)
            state = "traceback" if traceback_starts(body, position) else "output"
        elif state == "ended":
            issues.append((line.line, _not_behind_a_prompt(text, drafts[-1])))
            state = "stray"
    cells = []
    for draft in drafts:
        output = strip_blank_end(draft.output)
        insert_at = output[0].line if output else draft.code[-1].line + 1
        cell = Cell(draft.number, tuple(draft.code), "\n".join(draft.source) + "\n")
        cell = replace(cell, insert_at=insert_at, prefix=draft.code[0].prefix)
        cell, found = with_output(cell, output)
        cells.append(cell)
        issues.extend(found)
    return Transcript(tuple(cells), "\n".join(code)), issues


def _not_behind_a_prompt(text: str, cell: _Draft) -> str:
    where = (
        f"the blank line that ends the output of In [{cell.number}] "
        f"at line {shown(cell.code[0].line)}"
    )
    out = OUT_PROMPT.match(text)
    if out is not None:
        return (
            f"Out[{out.group('number')}] without an In [n]: prompt: it follows {where} "
            "(remove the blank line, or write <BLANKLINE> for a blank line of output)"
        )
    return (
        f"text not behind an In [n]: prompt: it follows {where}, so it is neither code nor "
        "output (put In [n]: before it, or write <BLANKLINE> for a blank line of output)"
    )


def traceback_starts(body: Sequence[BodyLine], position: int) -> bool:
    text = body[position].text
    if TRACEBACK.match(text):
        return True
    after = body[position + 1].text if position + 1 < len(body) else ""
    return TRACEBACK_RULE.match(text) is not None and TRACEBACK_TITLE.search(after) is not None


def strip_blank_end(lines: list[BodyLine]) -> list[BodyLine]:
    kept = list(lines)
    while kept and not kept[-1].text.strip():
        kept.pop()
    return kept


def with_output(cell: Cell, lines: Sequence[BodyLine]) -> tuple[Cell, list[Issue]]:
    """``cell`` with ``lines`` read as its output: printed lines, ``Out[n]:`` and the value,
    and a traceback."""
    issues: list[Issue] = []
    start = next(
        (position for position in range(len(lines)) if traceback_starts(lines, position)),
        len(lines),
    )
    printed, traceback = tuple(lines[:start]), tuple(lines[start:])
    where = f"{cell.prompt} at line {shown(cell.first_line)}"
    want: list[str] = []
    value = False
    for line in printed:
        out = OUT_PROMPT.match(line.text)
        if out is not None and value:
            issues.append((line.line, f"a second Out[n]: line for {where}"))
        if out is not None:
            value = True
            rest = line.text[out.end() :]
            if rest.strip():
                want.append(rest)
        else:
            want.append(line.text)
    exc_msg = None
    if traceback:
        exc_msg = _exception(traceback)
        if exc_msg is None:
            issues.append(
                (
                    traceback[0].line,
                    f"the traceback after {where} has no line that "
                    "names the exception (ValueError: message) to compare",
                )
            )
        if value:
            issues.append(
                (
                    traceback[0].line,
                    f"{where} shows an Out[n]: value and a traceback",
                )
            )
    insert_at = traceback[0].line if traceback and not printed else cell.insert_at
    text = "".join(line + "\n" for line in want)
    found = replace(
        cell,
        output=printed,
        traceback=traceback,
        want=text,
        exc_msg=exc_msg,
        insert_at=insert_at,
        prefix=lines[0].prefix if lines else cell.prefix,
    )
    return found, issues


def _exception(traceback: Sequence[BodyLine]) -> str | None:
    """The exception a traceback ends with, from its last line that names one."""
    lines = strip_blank_end(list(traceback))
    for position in range(len(lines) - 1, 0, -1):
        if EXCEPTION_LINE.match(lines[position].text):
            return "".join(line.text + "\n" for line in lines[position:])
    return None
