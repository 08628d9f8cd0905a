"""What starts and ends CommonMark's blocks, read a line at a time: the tags that open an
HTML block of types 6 and 7, the ``<pre>`` and ``<script>`` blocks of type 1 and their
closing tags, list items, block quotes, headings, thematic breaks, setext underlines and
link reference definitions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

#: CommonMark's type 6 tag names (the spec's 0.31 list, with ``source``, which GitHub's
#: 0.29 still has).
BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|"
    "optgroup|option|p|param|search|section|source|summary|table|tbody|td|tfoot|th|thead|"
    "title|tr|track|ul"
)


#: The start of an HTML block of type 6: ``<div``, ``</details>``, ``<summary>``, at most
#: three spaces in; it may interrupt a paragraph.
BLOCK_TAG_LINE = re.compile(rf"^ {{0,3}}</?(?:{BLOCK_TAGS})(?:[ \t]|/?>|$)", re.IGNORECASE)


#: An attribute of an open tag, as CommonMark writes it.
_ATTRIBUTE = (
    r"[ \t]+[A-Za-z_:][A-Za-z0-9_.:-]*"
    r"(?:[ \t]*=[ \t]*(?:[^ \t\"'=<>`]+|'[^']*'|\"[^\"]*\"))?"
)


#: The start of an HTML block of type 7: one complete open or closing tag alone on its
#: line (not ``script``, ``style``, ``pre`` or ``textarea``, whose blocks end otherwise);
#: it may not interrupt a paragraph.
TAG_LINE = re.compile(
    r"^ {0,3}(?:<(?!(?:script|style|pre|textarea)\b)[A-Za-z][A-Za-z0-9-]*"
    rf"(?:{_ATTRIBUTE})*[ \t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*$",
    re.IGNORECASE,
)


#: The start of a list item: its marker (group 1) and the spaces up to its content (group 2).
LIST_ITEM = re.compile(r"^( {0,3}(?:[-+*]|[0-9]{1,9}[.)]))( {1,4})(?=\S)")


#: A line that ends the block above it: an ATX heading or a thematic break.
ONE_LINE_BLOCK = re.compile(
    r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$)"
)


#: A setext heading's underline: under a paragraph line, it makes that paragraph a heading.
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")


#: A link reference definition on one line, ``[label]: url "title"``: not a paragraph.
LINK_REFERENCE = re.compile(
    r"^ {0,3}\[(?:[^\[\]\\]|\\.)+\]:[ \t]*(?:<[^<>\n]*>|[^ \t<][^ \t]*)"
    r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*$"
)


#: The title of a link reference definition on a line of its own, under the definition.
LINK_TITLE = re.compile(r"^[ \t]*(?:\"[^\"]*\"|'[^']*'|\([^()]*\))[ \t]*$")


#: The start of an HTML block of type 1, which lasts until the line that holds its closing
#: tag (:data:`RAW_END`), blank lines and all; it may interrupt a paragraph.
RAW_START = re.compile(r"^ {0,3}<(?:pre|script|style|textarea)(?=[ \t>]|$)", re.IGNORECASE)


#: What ends an HTML block of type 1, anywhere on a line.
RAW_END = re.compile(r"</(?:pre|script|style|textarea)>", re.IGNORECASE)


#: A block-quote marker at the start of a line's content.
QUOTE_MARKER = re.compile(r" {0,3}> ?")


def raw_end(
    lines: Mapping[int, str] | Sequence[str], index: int, end: int, after: int
) -> int | None:
    """The line, from ``index`` (from column ``after`` on it) to ``end`` (excluded), that
    holds the closing tag of the ``<pre>`` or ``<script>`` block line ``index`` opens."""
    if RAW_END.search(lines[index], after):
        return index
    for line in range(index + 1, end):
        if RAW_END.search(lines[line]):
            return line
    return None
