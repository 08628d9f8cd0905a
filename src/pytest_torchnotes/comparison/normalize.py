"""Normalisation of printed output: small pure ``str -> str`` steps, each idempotent.

The same pipeline runs on the expected text written in a note and on what the block
printed, so neither side is favoured.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pytest_torchnotes.comparison.terminal import as_terminal_shows

Step = Callable[[str], str]

#: ANSI escape sequences: colours (CSI ... m), cursor moves, OSC titles.
ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")

#: An object's memory address as Python and torch print it: after ``at``, at the end of a
#: repr (``<Foo object at 0x7f3a2c1b5e50>``, ``<function f at 0x7f3a>``), or of 8 hex digits
#: or more elsewhere (a 32- or 64-bit pointer), or as a note abbreviates it (``at 0x7f...``).
#: Any other hex value is compared like any other text: ``0x3f800000``, and ``found at
#: 0x10`` in output about offsets, which no address prints as.
MEMORY_ADDRESS = re.compile(
    r"\bat 0x(?:[0-9a-fA-F]+(?=>)|[0-9a-fA-F]{8,}\b(?:\.\.\.)?|[0-9a-fA-F]*\.\.\.)"
)

#: The same object as IPython's ``Out[n]:`` shows it, without "object":
#: ``<torch._C.Generator at 0x7f3a2c1b5e50>``.
IPYTHON_OBJECT = re.compile(r"<([A-Za-z_][\w.]*) at (?=0x|\.\.\.)")

#: Carriage returns that end a line.
CRLF = re.compile(r"\r+\n")

#: Runs of spaces and tabs.
HORIZONTAL_SPACE = re.compile(r"[ \t]+")

#: Trailing spaces and tabs before a newline or the end.
TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def unify_newlines(text: str) -> str:
    """``\\r\\n`` (and ``\\r\\r\\n`` from a twice-converted file) becomes ``\\n``.

    >>> unify_newlines("a\\r\\nb")
    'a\\nb'
    """
    return CRLF.sub("\n", text) if "\r" in text else text


def strip_ansi(text: str) -> str:
    """Remove ANSI colour and cursor codes.

    >>> strip_ansi("\\x1b[31mred\\x1b[0m")
    'red'
    """
    while "\x1b" in text:  # until nothing is left: removing one code can complete another
        stripped = ANSI_ESCAPE.sub("", text)
        if stripped == text:
            break
        text = stripped
    return text


def strip_trailing_whitespace(text: str) -> str:
    """Drop spaces and tabs at the end of every line.

    >>> strip_trailing_whitespace("a  \\nb\\t")
    'a\\nb'
    """
    return TRAILING_SPACE.sub("", text)


def strip_blank_edges(text: str) -> str:
    """Drop blank lines at the start and the end.

    >>> strip_blank_edges("\\n\\na\\n\\nb\\n\\n")
    'a\\n\\nb'
    """
    return "\n".join(strip_blank_lines(text.split("\n")))


def drop_blank_lines(text: str) -> str:
    """Drop every blank line, for output whose blank lines cannot be told from layout.

    >>> drop_blank_lines("a\\n\\n  \\nb\\n")
    'a\\nb'
    """
    return "\n".join(line for line in text.split("\n") if line.strip())


def strip_blank_lines(lines: list[str]) -> list[str]:
    """Drop blank lines at the start and the end of a list of lines.

    >>> strip_blank_lines(["", " ", "a", "", "b", ""])
    ['a', '', 'b']
    """
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def collapse_spaces(text: str) -> str:
    """Every run of spaces and tabs becomes one space (torch re-aligns its columns).

    >>> collapse_spaces("tensor([ 1,  10])")
    'tensor([ 1, 10])'
    """
    return HORIZONTAL_SPACE.sub(" ", text)


def mask_addresses(text: str) -> str:
    """Object addresses differ on every run; replace them with ``at 0x...``. IPython shows
    ``<Foo at 0x...>`` where ``repr()`` gives ``<Foo object at 0x...>``: both read alike.

    >>> mask_addresses("<Foo object at 0x7f3a2c1b5e50>, <Foo at 0x7f...>, 0x3f800000")
    '<Foo object at 0x...>, <Foo object at 0x...>, 0x3f800000'
    >>> mask_addresses("data at 0x55d0c0ffee00, byte 3 at 0x10")
    'data at 0x..., byte 3 at 0x10'
    """
    if "0x" not in text and " at ..." not in text:
        return text
    return MEMORY_ADDRESS.sub("at 0x...", IPYTHON_OBJECT.sub(r"<\1 object at ", text))


@dataclass(frozen=True)
class Sanitizer:
    """A user-supplied substitution, ``PATTERN => REPLACEMENT``, run on both sides."""

    pattern: re.Pattern[str]
    replacement: str

    def __call__(self, text: str) -> str:
        return self.pattern.sub(self.replacement, text)


def parse_sanitizer(line: str) -> Sanitizer:
    """Parse ``PATTERN => REPLACEMENT``; raise ``ValueError`` with the reason.

    >>> parse_sanitizer(r"\\d+ ms => N ms")(\"took 12 ms\")
    'took N ms'
    """
    pattern, arrow, replacement = line.partition("=>")
    if not arrow:
        raise ValueError(f"{line!r}: expected PATTERN => REPLACEMENT")
    try:
        compiled = re.compile(pattern.strip())
    except re.error as error:
        raise ValueError(
            f"{pattern.strip()!r} is not a valid regular expression: {error}"
        ) from None
    return Sanitizer(compiled, replacement.strip())


#: What every comparison mode does first: terminal semantics and invisible differences.
BASE_STEPS: tuple[Step, ...] = (
    unify_newlines,
    as_terminal_shows,
    strip_ansi,
    mask_addresses,
    strip_trailing_whitespace,
    strip_blank_edges,
)


def normalize(text: str, steps: Sequence[Step] = BASE_STEPS) -> str:
    """Run ``text`` through ``steps`` in order.

    >>> normalize("\\n tensor([1])  \\r\\n\\n")
    ' tensor([1])'
    """
    for step in steps:
        text = step(text)
    return text
