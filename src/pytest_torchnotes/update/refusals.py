"""Output that cannot be written into a note, the lines it is written as, and what a person
can do when update refuses.

Output is written as a terminal shows it (:func:`written_lines`); each check returns why the
output cannot be written, naming what fixes it, or ``None``. The layout of a ``>>>`` or IPython
transcript cannot show every output, and a note is never written with output that the next run
would read as something else: :data:`TRANSCRIPT_FIX` and :data:`IPYTHON_FIX` say what to do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pytest_torchnotes.comparison.normalize import (
    normalize,
    strip_ansi,
    strip_blank_edges,
    strip_trailing_whitespace,
)
from pytest_torchnotes.comparison.terminal import as_terminal_shows
from pytest_torchnotes.markdown.labeled_python import reads_as_code
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.markdown.lexing.lines import width
from pytest_torchnotes.markdown.lexing.template_tags import CLOSING as CLOSING_TAG

#: How output is written into a note: what a terminal shows, without trailing spaces.
WRITTEN_STEPS = (
    as_terminal_shows,
    strip_ansi,
    strip_trailing_whitespace,
    strip_blank_edges,
)


def written_lines(actual: str) -> list[str]:
    """The lines of ``actual`` as they are written into a note.

    >>> written_lines("\\n50%\\r100%  \\n\\x1b[32mok\\x1b[0m\\n\\n")
    ['100%', 'ok']
    >>> written_lines("|\\b/\\b-\\bdone\\n")
    ['done']
    """
    text = normalize(actual.replace("\r\n", "\n"), WRITTEN_STEPS)
    return text.split("\n") if text else []


#: A line that may close a fence, read as the lexer reads one (``markdown/lexing/fences``):
#: spaces and tabs, a run of backticks or tildes, nothing but spaces and tabs after it.
#: A no-break space is no indentation: ``"\xa0```"`` is text.
CLOSING_FENCE = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*$")

#: A line that would open a fence where it stands: the same indentation, an info string.
OPENING_FENCE = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")

#: How far in a closing fence may stand, in columns from its container's content: CommonMark
#: allows three spaces; a tab counts to its tab stop, a no-break space is not indentation.
MAX_FENCE_INDENT = 3


def _fence_run(pattern: re.Pattern[str], line: str, fence: str, prefix: str) -> str | None:
    """The run of ``fence``'s character that ``pattern`` finds at the start of ``line``
    (written after ``prefix``), at most :data:`MAX_FENCE_INDENT` columns in, or ``None``.

    >>> [_fence_run(CLOSING_FENCE, line, "```", "") for line in ("   ````", "\\t```")]
    ['````', None]
    >>> [_fence_run(CLOSING_FENCE, line, "```", "") for line in ("\\xa0```", "``", "~~~")]
    [None, None, None]
    """
    found = pattern.match(line)
    if found is None or found.group("fence")[0] != fence[0]:
        return None
    if width(prefix + found.group("indent")) - width(prefix) > MAX_FENCE_INDENT:
        return None  # indented code in the fence, as CommonMark reads it
    return found.group("fence")


def _info(line: str) -> str:
    """What follows the run of backticks a line starts with (a backtick there makes the
    line inline code, no fence)."""
    return line.lstrip(" \t").lstrip("`")


def unsafe_reason(
    lines: Sequence[str], fence: str, marker: re.Pattern[str], prefix: str = ""
) -> str | None:
    """Why ``lines`` cannot be written inside a fence opened with ``fence``, each after
    ``prefix`` (the block quote's or list item's), if they cannot. A line closes the fence
    when it would close it as CommonMark, and the lexer, read it: a run of the fence's
    character at least as long, nothing after it but spaces and tabs, at most three columns
    in; ``"\\t```"``, ``"    ```"`` and ``"\\xa0```"`` are text. After a comment's ``#``
    (output written as comments, ``prefix`` ``# ``) no line is a fence or a marker."""
    commented = bool(prefix.lstrip(" \t>"))  # what a block quote or list item leaves
    for line in lines:
        stripped = line.strip()
        if commented:
            if "\x00" in line:
                return NUL_IN_OUTPUT
            continue
        if not fence:  # indented output: a fence-looking line in it is text
            if marker.match(line):
                return f"a line of the output ({stripped!r}) reads as an output marker{MARKER_FIX}"
            if "\x00" in line:
                return NUL_IN_OUTPUT
            continue
        if fence == "-->":
            if "-->" in line or "--!>" in line:
                return f"a line of the output ({stripped!r}) would close the comment{COMMENT_FIX}"
            continue
        # output in a string that ends the block (markdown/string_output)
        if fence in ('"""', "'''") and (fence in line or "\\" in line):
            return (
                f"a line of the output ({stripped!r}) would end or escape the string that"
                " holds it: write the output in a ```output fence instead"
            )
        if fence[0] == "{":  # a template tag of a static site (lexing/template_tags)
            if CLOSING_TAG.match(line):
                return (
                    f"a line of the output ({stripped!r}) would close the block's template tag"
                    f" {fence}: write the output in a ```output fence instead"
                )
            if marker.match(line):
                return f"a line of the output ({stripped!r}) reads as an output marker{MARKER_FIX}"
            if "\x00" in line:
                return NUL_IN_OUTPUT
            continue
        closing = _fence_run(CLOSING_FENCE, line, fence, prefix)
        if closing is not None and len(closing) >= len(fence):
            return (
                f"a line of the output ({stripped!r}) would close the block's fence: open and"
                f" close the block with {fence[0] * (len(closing) + 1)} instead"
            )
        opening = _fence_run(OPENING_FENCE, line, fence, prefix) if fence[0] == "`" else None
        if opening is not None and len(opening) >= len(fence) and "`" not in _info(line):
            return (
                f"a line of the output ({stripped!r}) starts like a fence: open and close the"
                f" block with {fence[0] * (len(opening) + 1)} instead"
            )
        if marker.match(line):
            return f"a line of the output ({stripped!r}) reads as an output marker{MARKER_FIX}"
        if "\x00" in line:
            return NUL_IN_OUTPUT
    return None


#: The directive that keeps a block running but compares nothing of its output.
COMPARE_IGNORE = "<!-- torchnotes: compare ignore -->"

#: What to do about output that would close the HTML comment of an ``output`` directive.
COMMENT_FIX = (
    f": an HTML comment cannot hold it; print it differently, or mark the block {COMPARE_IGNORE}"
)

#: What to do about output with a line that reads as the output marker.
MARKER_FIX = f": print it differently, or mark the block {COMPARE_IGNORE}"


#: Why output with a NUL character is not written: a note that holds one cannot be read.
NUL_IN_OUTPUT = (
    "the output contains a NUL character, which a note cannot hold: print its repr() "
    "instead, or mark the block <!-- torchnotes: compare ignore -->"
)


def check_raw_output(actual: str) -> str | None:
    """Output that must not be written at all, whatever the fence."""
    if re.search(r"\r(?!\n)", actual):
        return (
            "the output contains a bare carriage return (\\r, a progress bar?); write the "
            "expected text by hand (it is compared as a terminal shows it) or mark the block "
            "<!-- torchnotes: compare ignore -->"
        )
    return None


#: Option that allows update to write larger output.
MAX_BYTES_OPTION = "--torchnotes-update-max-bytes (ini: torchnotes_update_max_bytes)"


def too_big(lines: Sequence[str], max_bytes: int) -> str | None:
    """Why output of ``lines`` is too big to write into a note, if it is.

    >>> too_big(["x" * 60, "y" * 60], 100)
    'the new output is 121 bytes (2 lines), more than the 100 bytes that \
--torchnotes-update-max-bytes (ini: torchnotes_update_max_bytes) allows; raise it to write it, \
or print less'
    """
    size = sum(len(line.encode("utf-8", errors="replace")) + 1 for line in lines) - 1
    if not max_bytes or size <= max_bytes:
        return None
    count = f"{len(lines):,} line" + ("" if len(lines) == 1 else "s")
    return (
        f"the new output is {size:,} bytes ({count}), more than the {max_bytes:,} bytes that "
        f"{MAX_BYTES_OPTION} allows; raise it to write it, or print less"
    )


#: What to do about output a ``>>>`` transcript cannot show.
TRANSCRIPT_FIX = (
    "doctest cannot show that output; print it differently, write the example as a ```python"
    f" block with its output in a fence after it, or mark the block {COMPARE_IGNORE}"
)

#: What to do about output an IPython transcript cannot show.
IPYTHON_FIX = (
    "an IPython transcript cannot show that output; print it differently, write the cell as"
    " a ```python block with its output in a fence after it, or mark the block"
    f" {COMPARE_IGNORE}"
)


def with_fix(reason: str, fix: str) -> str:
    """``reason`` followed by what to do about it.

    >>> with_fix("a line reads as a >>> prompt", "print it differently")
    'a line reads as a >>> prompt: print it differently'
    """
    return f"{reason}: {fix}"


#: A line that opens or closes a fence, whatever its indentation.
FENCE_LINE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})")


def label_output_reason(lines: Sequence[str]) -> str | None:
    """Why indented output under a label line cannot hold ``lines``, if it cannot: there an
    indented fence is a fence (mkdocs containers indent theirs) and an HTML comment a
    comment, maybe a directive, not text as right after the block.

    >>> label_output_reason(["    ok", "    ```"])
    "a line of the output ('```') would read as a code fence under the label line: put the \
output in an output fence, or mark the block <!-- torchnotes: compare ignore -->"

    No output at all is refused too: the label line would be left over the next fence, and
    label that as the block's output.
    """
    if not any(line.strip(" \t\r>") for line in lines):
        return (
            "the block prints nothing, and without its indented output the label line above"
            " it would label what follows as the block's output: delete the label line and"
            f" the output by hand, or mark the block {COMPARE_IGNORE}"
        )
    for line in lines:
        if FENCE_LINE.match(line):
            what = "a code fence"
        elif "<!--" in line:
            what = "an HTML comment"
        else:
            continue
        return (
            f"a line of the output ({line.strip()!r}) would read as {what} under the"
            " label line: put the output in an output fence, or mark the block"
            f" {COMPARE_IGNORE}"
        )
    return None


def code_fence_reason(lines: Sequence[str]) -> str | None:
    """Why ``lines`` cannot be written into a fence tagged like the blocks that a label makes
    output (it holds no code), if they cannot: they would read as code, and the next run
    would run the fence as a block of its own.

    >>> code_fence_reason(["tensor([1, 2])"]) is None
    True
    >>> code_fence_reason(["In [7]: x"])
    "the output ('In [7]: x') would read as code in the fence tagged like the block under its \
label, a block of its own: tag that fence ```output, or mark the block \
<!-- torchnotes: compare ignore -->"
    """
    if not reads_as_code([BodyLine(line, "", text) for line, text in enumerate(lines)]):
        return None
    first = next(line for line in lines if line.strip())
    return (
        f"the output ({first.strip()!r}) would read as code in the fence tagged like the block"
        f" under its label, a block of its own: tag that fence ```output, or mark the block"
        f" {COMPARE_IGNORE}"
    )


def comments_reason(want: str) -> str | None:
    """Why the expected output of a ``>>>`` example is not rewritten when it is only comment
    lines: PyTorch's notes write comments right under a prompt as prose, which doctest reads
    as what it prints, and an update would delete them.

    >>> comments_reason("# x and y are broadcastable\\n") is not None
    True
    >>> comments_reason("tensor([1])\\n# not only comments\\n") is None
    True
    """
    lines = [line for line in want.splitlines() if line.strip()]
    if not lines or not all(line.lstrip().startswith("#") for line in lines):
        return None
    return (
        "its expected output is only comment lines, which read as prose the author wrote "
        "and would be deleted: put a blank line between the prompt's code and the comments "
        "(doctest reads them as what it prints)"
    )
