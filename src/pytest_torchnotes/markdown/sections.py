"""Output sections cut out of a note's text, and the prefix new output lines are written with."""

from __future__ import annotations

from pytest_torchnotes.markdown import directives as d
from pytest_torchnotes.markdown.blocks import Alternative, OutputSection
from pytest_torchnotes.markdown.lexers import QUOTE, BodyLine, FenceLexeme, width
from pytest_torchnotes.markdown.lexing.fence_content import content_end, content_start


def fence_section(fenced: FenceLexeme) -> OutputSection:
    """The whole body of the closed output fence ``fenced``."""
    assert fenced.close_line is not None
    return OutputSection(
        "fence",
        fenced.body,
        content_start(fenced),
        content_end(fenced),
        content_prefix(fenced, None),
        fenced.fence,
    )


def alternative(directive: d.Output, lines: list[str]) -> Alternative:
    """The expected output of an ``output`` directive, for the versions it names."""
    body = directive.body
    quotes = QUOTE.match(lines[directive.line])
    indent = quotes.group() if quotes else ""
    prefix = next((line.prefix for line in body if line.text.strip()), indent)
    section = OutputSection("comment", body, directive.line + 1, directive.end_line, prefix, "-->")
    return Alternative(directive.requirements, section, directive.line)


def content_prefix(fence: FenceLexeme, after: BodyLine | None) -> str:
    """The prefix new output lines need: that of an existing content line (after the line
    ``after`` when given) when there is one, else the opening fence's prefix with its list
    marker turned into spaces."""
    found: BodyLine | None
    if after is not None:
        after_line = after.line
        found = next(
            (line for line in fence.body if line.line > after_line and line.text.strip()), after
        )
    else:
        found = next((line for line in fence.body if line.text.strip()), None)
    if found is not None:
        return found.prefix
    quotes = QUOTE.match(fence.prefix)
    quote = quotes.group() if quotes else ""
    return quote + " " * width(fence.prefix[len(quote) :])
