"""The split form of an IPython transcript: prompts in one block, their output in the next fence.

There ``Out[n]:`` says which prompt a value belongs to, and the lines printed right above it
belong to the same prompt. Output with no ``Out[n]:`` line names no prompt: it is read only
after a transcript of one prompt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pytest_torchnotes.markdown.bodytext import body_text
from pytest_torchnotes.markdown.bracketed import closing_line, depth_change
from pytest_torchnotes.markdown.ipython import (
    IN_PROMPT,
    OUT_PROMPT,
    Cell,
    Issue,
    Transcript,
    strip_blank_end,
    traceback_starts,
    with_output,
)
from pytest_torchnotes.markdown.lexers import BodyLine, FenceLexeme, first_text
from pytest_torchnotes.notelines import shown


def starts_with_out(fence: FenceLexeme) -> bool:
    """Whether a fence's first non-blank line is an ``Out[n]:`` prompt."""
    if "Out[" not in body_text(fence.body):  # OUT_PROMPT's word: most blocks hold none
        return False
    first = first_text(fence.body)
    return OUT_PROMPT.match(first) is not None


def prints_then_out(fence: FenceLexeme, transcript: Transcript) -> bool:
    """Whether a fence holds what the prompts of ``transcript`` printed, then the
    ``Out[n]:`` line of one of them, as IPython shows a prompt that prints and gives a value
    (and no ``In [n]:`` prompt of its own).

    >>> from pytest_torchnotes.markdown.ipython import read_transcript
    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> text = "```python\\nIn [4]: print(1); 2\\n```\\n\\n```\\n1\\nOut[4]: 2\\n```\\n"
    >>> prompts, output = MarkdownLexer()(text).fences
    >>> prints_then_out(output, read_transcript(prompts.body)[0])
    True
    """
    numbers = {cell.number.strip() for cell in transcript.cells}
    for line in fence.body:
        if IN_PROMPT.match(line.text):
            return False
        out = OUT_PROMPT.match(line.text)
        if out is not None:
            return out.group("number").strip() in numbers
    return False


def read_split(transcript: Transcript, fence: FenceLexeme) -> tuple[Transcript, list[Issue]]:
    """The transcript with its output read from ``fence``, the fence after its prompts."""
    issues: list[Issue] = []
    cells = list(transcript.cells)
    taken: set[int] = set()
    for group in _groups(fence.body):
        out = next(
            (OUT_PROMPT.match(line.text) for line in group if OUT_PROMPT.match(line.text)), None
        )
        number = out.group("number").strip() if out is not None else ""
        target = next(
            (
                index
                for index, cell in enumerate(cells)
                if index not in taken and number and cell.number.strip() == number
            ),
            None,
        )
        if target is None and len(cells) == 1 and not taken:
            target = 0
        if target is None:
            issues.append((group[0].line, _unmatched(out, number, cells, taken)))
            continue
        taken.add(target)
        cell = replace(cells[target], insert_at=group[0].line, prefix=group[0].prefix)
        cells[target], found = with_output(cell, group)
        issues.extend(found)
    for index, cell in enumerate(cells):
        if index not in taken:
            cells[index] = replace(cell, insert_at=None)
    return Transcript(tuple(cells), transcript.code, fence), issues


def _unmatched(out: re.Match[str] | None, number: str, cells: list[Cell], taken: set[int]) -> str:
    mine = [index for index, cell in enumerate(cells) if number and cell.number.strip() == number]
    if mine and all(index in taken for index in mine):
        first = cells[mine[0]].output or cells[mine[0]].traceback
        return (
            f"a second output for In [{number}] (its output starts at line {shown(first[0].line)})"
        )
    if out is not None and number:
        return f"Out[{number}] has no In [{number}]: prompt in the block above to belong to"
    return (
        "output that names no In [n]: prompt: in a separate fence, output belongs to a prompt "
        "through its Out[n]: line (number the prompts, or write the output under each prompt)"
    )


def _groups(body: Sequence[BodyLine]) -> list[list[BodyLine]]:
    """The output of each prompt in a separate fence: lines up to a blank line or up to a
    second ``Out[n]:`` line; a traceback runs up to the next ``Out[n]:`` line. A blank line
    inside brackets the output left open, closed before the next ``Out[n]:`` line, is output
    (:mod:`.bracketed`: a 3-D tensor); a bracket left open above an ``Out[n]:`` line is
    not, as that line's value ends the output."""
    groups: list[list[BodyLine]] = []
    current: list[BodyLine] = []
    traceback = False
    depth = 0
    texts = [line.text for line in body]
    # Where the brackets open at a blank line close (the blank lines before it are output),
    # and whether a look for that failed since the last Out[n]: line: each line is looked
    # at a bounded number of times.
    closed, failed = -1, False
    for position, line in enumerate(body):
        text = line.text
        out = OUT_PROMPT.match(text) is not None
        failed = failed and not out
        if out and (traceback or any(OUT_PROMPT.match(seen.text) for seen in current)):
            groups.append(strip_blank_end(current))
            current, traceback, depth = [], False, 0
        if traceback:
            current.append(line)
        elif not text.strip():
            if depth > 0 and position > closed and not failed:
                found = closing_line(texts, position, depth, _is_out)
                closed, failed = (closed, True) if found is None else (found, False)
            if depth > 0 and position < closed:
                current.append(line)
                continue
            if current:
                groups.append(current)
            current, depth = [], 0
        else:
            current.append(line)
            # the value under Out[n]: ends the prompt's output: a bracket its printed lines
            # left open does not hold the next prompt's lines
            depth = (0 if out else depth) + depth_change(text.strip())
            traceback = traceback_starts(body, position)
    if current:
        groups.append(strip_blank_end(current))
    return [group for group in groups if group]


def _is_out(text: str) -> bool:
    return OUT_PROMPT.match(text) is not None
