"""Writing the output of a ``>>>`` example so that the next run reads the same example back.

doctest reads a transcript by its layout: lines right after a prompt that start with ``...``
continue its code, output that starts with ``Traceback (`` is an expected exception, a
``>>>`` line or a blank line ends the output, and ``<BLANKLINE>`` stands for a blank line.
Output that would read otherwise is not written; :func:`reread` checks the whole transcript
after the edit, so that no case is missed.
"""

from __future__ import annotations

import doctest
from collections.abc import Callable, Sequence

from pytest_torchnotes.markdown.bracketed import blanks_kept
from pytest_torchnotes.markdown.continuation import examples_of
from pytest_torchnotes.markdown.ipython import IN_PROMPT
from pytest_torchnotes.update.refusals import TRANSCRIPT_FIX, with_fix
from pytest_torchnotes.update.rewrite import RewriteError

#: What doctest writes for a blank line of output.
BLANKLINE = "<BLANKLINE>"


def want_reason(lines: Sequence[str]) -> str | None:
    """Why ``lines`` of output cannot be written as the want of a ``>>>`` example, if so.

    >>> want_reason(["...", "done"])
    "the first line of the output ('...') starts with ... and would read as code of the example"
    >>> want_reason(["ok", "... and more"]) is None
    True
    """
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            return f"a line of the output ({line!r}) reads as a >>> prompt"
        if IN_PROMPT.match(line):  # a transcript with both kinds of prompt is not run
            return f"a line of the output ({line!r}) reads as an In [n]: prompt"
        if number == 0 and stripped.startswith("..."):
            return (
                f"the first line of the output ({line!r}) starts with ... and would read as "
                "code of the example"
            )
        if number == 0 and line.startswith("Traceback ("):
            return (
                f"the output starts with {line!r} and would read as an exception the example raises"
            )
        if BLANKLINE in line:
            return f"a line of the output ({line!r}) holds {BLANKLINE}, which reads as a blank line"
    return None


def as_want(lines: list[str]) -> list[str]:
    """Lines of a doctest want: a blank line is ``<BLANKLINE>``, but for one inside brackets
    the output still has open, written blank as torch prints it (:mod:`.bracketed` reads it
    back); raise :class:`RewriteError` for output that would read as something else, saying
    what to do about it.

    >>> as_want(["tensor([[[0],", "", "         [1]]])", "", "done"])
    ['tensor([[[0],', '', '         [1]]])', '<BLANKLINE>', 'done']
    """
    reason = want_reason(lines)
    if reason is not None:
        raise RewriteError(with_fix(reason, TRANSCRIPT_FIX))
    kept = blanks_kept(lines)
    return [line if line.strip() or n in kept else BLANKLINE for n, line in enumerate(lines)]


def reread(
    code_lines: Sequence[str],
    index: int,
    original: Sequence[doctest.Example],
    passes: Callable[[doctest.Example], bool],
    raises: bool = False,
) -> str | None:
    """Why the transcript ``code_lines`` (the block after the edit of example ``index``) does
    not read back as the examples of ``original``, the edited one passing, if it does not.
    ``raises``: the edit writes the exception of the example, which must read back as one."""
    try:
        examples = examples_of("\n".join(code_lines))
    except ValueError as error:
        return f"the transcript would no longer parse: {error}"
    if [_read(example, i == index) for i, example in enumerate(examples)] != [
        _read(example, i == index) for i, example in enumerate(original)
    ]:
        return "the output would change the examples the transcript holds"
    if raises and examples[index].exc_msg is None:
        return "the exception would no longer read as one the example raises"
    if not raises and examples[index].exc_msg is not None:
        return "the output would read as an exception the example raises"
    if not passes(examples[index]):
        return "the output would not read back as what the example prints"
    return None


def _read(example: doctest.Example, edited: bool) -> tuple[object, ...]:
    """What must stay the same of an example: its code, and but for the edited example,
    its output (line numbers move with the length of the new output)."""
    if edited:
        return (example.source, example.indent, example.options)
    return (example.source, example.indent, example.options, example.want, example.exc_msg)
