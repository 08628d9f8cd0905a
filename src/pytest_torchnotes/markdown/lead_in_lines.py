"""A sentence of prose that leads into a block's output: ``and obtained:``, ``This gives:``,
``我们得到``, ``输出为``.

Authors seldom write a label on a line of its own; they finish a sentence into the output
below it. Such a line is short, and it ends in a colon (ASCII or full-width) or in the verb
that introduces what follows (``we get``, ``gives``, ``得到``, ``为``). Whether it is read
as a label is decided with what stands around it (:func:`.layout.read_as_output`): the only
line between a block and a bare or text fence whose first line reads as printed output.
Anything less sure is a warning, never a read: a sentence leading into code (``Then we
define a helper:``) must not make that code expected output.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.wrappers import HEADING

#: A short sentence (not a heading, a row of table cells, a block quote or a fence), maybe
#: in bold or italics: what is before its end.
_SENTENCE = r"^[ \t]*(?![#|>`~])(?=\S).{0,59}?"
_END = r"[ \t]*[*_]{0,2}[ \t]*[:：]?[ \t]*$"

#: A short sentence ending in a colon.
COLON_LINE = re.compile(rf"{_SENTENCE}[:：]{_END}")

#: A short sentence ending in the verb that says output follows, with or without a colon.
OUTPUT_VERB_LINE = re.compile(
    rf"{_SENTENCE}(?:\b(?:we[ \t]+(?:get|got|obtain|see|have)|obtained|gives?|gave|yields?"
    r"|returns?|prints?|outputs?|shows?|results?[ \t]+in|is[ \t]+printed)"
    rf"|得到|输出|輸出|打印|返回|为|是|如下){_END}",
    re.IGNORECASE,
)


#: Words that name printed output, in a heading or a table's header: ``Output``, ``结果``.
NAMES_OUTPUT = re.compile(
    r"(?i)\b(?:output|outputs|result|results|prints?|printed)\b|输出|结果|打印|輸出|結果"
)

#: The last character of a lead-in (its colon, or its verb's last letter): most prose
#: lines end otherwise (in a full stop), and are told apart by it alone.
FINAL_CHARACTERS = frozenset(":：tnedsw得到出印回为是下")


def _may_lead_in(text: str) -> bool:
    """The cheap test before the regular expressions: short, and the right last character."""
    end = text.rstrip(" \t*_")
    return 0 < len(end) <= 64 and end[-1] in FINAL_CHARACTERS


def is_lead_in(text: str) -> bool:
    """Whether the line ``text`` leads into what follows it.

    >>> [is_lead_in(line) for line in ("and obtained:", "we get", "我们得到", "输出为")]
    [True, True, True, True]
    >>> [is_lead_in(line) for line in ("# Output:", "A remark.", "x" * 80 + ":")]
    [False, False, False]
    """
    if not _may_lead_in(text):
        return False
    return COLON_LINE.match(text) is not None or OUTPUT_VERB_LINE.match(text) is not None


def says_output_follows(text: str) -> bool:
    """Whether the line ``text`` says that what follows it is output: a lead-in that ends
    in such a verb, not only in a colon (``Install it:`` may lead into a command).

    >>> [says_output_follows(line) for line in ("which gives:", "结果为", "Install it:")]
    [True, True, False]
    """
    return _may_lead_in(text) and OUTPUT_VERB_LINE.match(text) is not None


def heading_leads_in(line: str, title: str) -> bool:
    """Whether ``line``, whose text is ``title``, is a heading that reads as a lead-in
    (``#### check output``, ``### 运行得到``): a heading that says output follows names
    what stands under it, as the sentence does, and starts no section of its own.

    >>> heading_leads_in("#### check output", "check output")
    True
    >>> heading_leads_in("## Training loop", "Training loop")
    False
    """
    return HEADING.match(line) is not None and is_lead_in(title)


def heading_names_output(line: str, title: str) -> bool:
    """Whether ``line``, whose text is ``title``, is a heading that names output
    (``#### Output of the loop``, ``## 运行结果展示``): what stands under it is output.

    >>> heading_names_output("## Output of the loop", "Output of the loop")
    True
    >>> heading_names_output("## Next step", "Next step")
    False
    """
    return HEADING.match(line) is not None and NAMES_OUTPUT.search(title) is not None
