"""The ``>>>`` transcript convention: each example's output stands under its prompt.

The lexer part tells a transcript from plain code (its first line of text starts with
``>>>``, after the lines doctest reads as prose before it: :mod:`.leadin`) and finds a line
doctest would take for prose; the parser part marks the block as a transcript
(:attr:`~.blocks.Block.doctest`) and reports what doctest would not run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from pytest_torchnotes.markdown.bodytext import body_text
from pytest_torchnotes.markdown.bracketed import continued_blanks
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.continuation import unprompted_continuation
from pytest_torchnotes.markdown.cutoff_output import cut_off_message, reads_as_output
from pytest_torchnotes.markdown.docstring_prose import is_prose, opens_indented_prose
from pytest_torchnotes.markdown.indented_continuation import prompted
from pytest_torchnotes.markdown.ipython import first_prompt
from pytest_torchnotes.markdown.leadin import LEAD_IN
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.notelines import shown

#: What starts each example of a transcript.
PROMPT = ">>>"

#: A prompt that holds only xdoctest's ``+SKIP`` or ``-SKIP``: the examples below it, up to
#: the other, do not run (:mod:`pytest_torchnotes.run.xdoctest`).
SKIP_LINE = re.compile(r"\s*>>>\s*#\s*xdoctest\s*:\s*(?P<sign>[+-])SKIP\b", re.IGNORECASE)


def is_doctest(body: Sequence[BodyLine]) -> bool:
    """Whether the first line of text of a fence body is a ``>>>`` prompt, after the lines
    doctest reads as prose before it: comment lines and the command that starts the session
    (``# Dot product`` over ``torch.inner``'s first prompt, ``$ python``: :mod:`.leadin`),
    and words that are not Python (a docstring's ``Example::`` or ``.. code-block:: python``
    over its example, :mod:`.docstring_prose`): no Python a ``>>>`` line can follow."""
    # Only a line with a prompt makes a transcript: a body without one is plain code,
    # told without compiling its first line as a sentence would be (every block of a
    # note is asked, and most hold no prompt).
    if PROMPT not in body_text(body):
        return False
    prose = False
    for line in body:
        text = line.text.strip()
        if not text or LEAD_IN.match(line.text):
            prose = False
            continue
        if text.startswith(PROMPT):
            return True
        prose = is_prose(text, continuing=prose)
        if not prose:
            return False
    return False


def detect(draft: BlockDraft, note: NoteContext) -> None:
    """Mark a ``>>>`` transcript: the conventions after this one read it differently."""
    draft.doctest = is_doctest(draft.body)


def check(draft: BlockDraft, note: NoteContext) -> None:
    """Refuse a transcript doctest would not run as written."""
    if not draft.doctest:
        return
    opening = draft.fence.open_line
    unfinished = unprompted_continuation(draft.body)
    if unfinished is not None:
        prompt, line = unfinished
        draft.reject(
            note,
            line.line,
            f"line {shown(line.line)} goes on with the unfinished statement of the >>> prompt "
            f"at line {shown(prompt.line)} without a prompt (as IDLE writes it): doctest "
            "runs that prompt's line alone and reads this one as the prompt's expected output "
            "(write ... before each line that continues a statement)",
        )
        return
    for output in cut_off_output(draft.body):
        note.problem(output.line, cut_off_message(opening), "warning")
    stray = not_behind_a_prompt(draft.body)
    if stray is not None:
        draft.reject(
            note,
            stray.line,
            f"code not behind a >>> prompt in the transcript at line {shown(opening)}: "
            "doctest takes it for prose and never runs it (put >>> before it, or, if it is "
            "output, write <BLANKLINE> for the blank line above it)",
        )
        return
    mixed = first_prompt(draft.body)
    if mixed is not None:
        draft.reject(
            note, mixed.line, "an In [n]: prompt in a >>> transcript: use one kind of prompt"
        )
        return
    if draft.options.raises is not None:
        draft.reject(
            note,
            opening,
            "raises does not apply to a >>> block: write the traceback in the transcript",
        )


def not_behind_a_prompt(body: Sequence[BodyLine]) -> BodyLine | None:
    """The first line of a transcript that follows a blank line without a ``>>>`` prompt
    (a comment, and words that are not Python, :mod:`.docstring_prose`, aside) and starts
    code: doctest would take it for prose and never run it. A blank line inside an output
    whose brackets are still open is not one (:mod:`.bracketed`), nor is output a blank line
    cut off from its prompt (:func:`cut_off_output`)."""
    return next((line for line, output in _strays(body) if not output), None)


def cut_off_output(body: Sequence[BodyLine]) -> list[BodyLine]:
    """The first line of each paragraph after a blank line, without a ``>>>`` prompt, that
    is no Python (:mod:`.cutoff_output`): output doctest reads as prose."""
    return [line for line, output in _strays(body) if output]


def _strays(body: Sequence[BodyLine]) -> Iterator[tuple[BodyLine, bool]]:
    """Each paragraph doctest reads as prose and that is not words: its first line, and
    whether it reads as output rather than code. None under ``# xdoctest: +SKIP``, where
    nothing runs either way."""
    after_blank = prose = skipping = False
    # The indentation of a prose line whose more indented lines are prose too (an RST
    # literal block or directive body), while they go on.
    indented_prose: int | None = None
    inside = continued_blanks([line.text for line in body])
    inside |= in_open_strings(body)
    stray_ends = -1
    for index, line in enumerate(body):
        text = line.text.strip()
        if index in inside or index <= stray_ends:
            continue
        if not text:
            after_blank, prose = True, False
        elif text.startswith(PROMPT):
            after_blank = prose = False
            indented_prose = None
            skip = SKIP_LINE.match(line.text)
            skipping = skip.group("sign") == "+" if skip else skipping
        elif indented_prose is not None and _indentation(line.text) > indented_prose:
            continue
        elif after_blank and not text.startswith("#"):
            indented_prose = None
            prose = is_prose(text, continuing=prose)
            if not prose and not skipping:
                stray_ends = _paragraph_end(body, index)
                paragraph = [stray.text for stray in body[index : stray_ends + 1]]
                yield line, reads_as_output(paragraph)
            elif opens_indented_prose(text):
                indented_prose = _indentation(line.text)


def in_open_strings(body: Sequence[BodyLine]) -> frozenset[int]:
    """The indexes of the lines of a transcript that xdoctest reads as the text of a
    triple-quoted string a prompt left open (:func:`.indented_continuation.prompted`); most
    transcripts hold no triple quote, which one search over each line finds.

    >>> body = [BodyLine(n, "", t) for n, t in enumerate([">>> s = \'\'\'", "", "a", "\'\'\'"])]
    >>> sorted(in_open_strings(body))
    [1, 2, 3]
    """
    texts = [line.text for line in body]
    code = "\n".join(texts)
    if '"""' not in code and "'''" not in code:
        return frozenset()
    written = prompted(code).split("\n")
    return frozenset(
        index for index, (text, read) in enumerate(zip(texts, written, strict=True)) if text != read
    )


def _paragraph_end(body: Sequence[BodyLine], start: int) -> int:
    """Index of the last line of the paragraph that starts at ``start``: before a blank
    line or a prompt."""
    end = start
    while end + 1 < len(body) and body[end + 1].text.strip():
        if body[end + 1].text.strip().startswith(PROMPT):
            break
        end += 1
    return end


def _indentation(text: str) -> int:
    return len(text) - len(text.lstrip())
