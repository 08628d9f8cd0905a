"""A line indented less than the ``>>>`` prompt above it: prose that ends the example.

A Google-style docstring heads each part of its example with a line of its own, indented
less than the prompts under it, and often with no blank line before it
(``torch.utils.data.datapipes``: ``Single Iterator Constraint Example:`` right under the
output of the example above). xdoctest reads such a line as text that ends the output;
doctest refuses the whole transcript (``inconsistent leading whitespace``). :func:`unindented`
gives doctest the transcript with those lines blank, so that it reads them as xdoctest does;
the lines keep their numbers, and being prose they hold nothing to run. A line of code so
indented is left as it is, and doctest's refusal names it.
"""

from __future__ import annotations

from pytest_torchnotes.markdown.docstring_prose import is_prose

#: doctest's prompt.
PROMPT = ">>>"


def unindented(code: str) -> str:
    """The transcript ``code`` with each line of words (:mod:`.docstring_prose`) that follows
    an example, without a blank line between them, and is indented less than the example's
    prompt, blank. Code so indented is left for doctest to refuse: it would not run.

    >>> unindented("    >>> 1\\n    1\\nMore:\\n    >>> 2\\n    2")
    '    >>> 1\\n    1\\n\\n    >>> 2\\n    2'
    >>> unindented(">>> 1\\n1\\nMore:")
    '>>> 1\\n1\\nMore:'
    """
    lines = code.split("\n")
    indent: int | None = None
    for index, line in enumerate(lines):
        text = line.lstrip()
        if not text:
            indent = None
        elif text.startswith(PROMPT):
            indent = len(line) - len(text)
        elif indent is not None and len(line) - len(text) < indent and is_prose(text):
            lines[index] = ""
            indent = None
    return "\n".join(lines)
