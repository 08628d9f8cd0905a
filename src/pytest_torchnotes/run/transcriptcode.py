"""The Python of a ``>>>`` transcript, example by example, for what reads a block's code
as Python (the names a block binds, :mod:`.followon`): a transcript does not parse as it is
written, its prompts and its output lines in it."""

from __future__ import annotations

import re

#: A line that starts an example (``>>> x = 1``, or a bare ``>>>``), and one that goes on
#: with it (``...     return x``), after any indentation: the prompt, and the code after it.
PROMPT_LINE = re.compile(r"^[ \t]*(?P<prompt>>>>|\.\.\.)(?: |$)(?P<code>.*)$")


def examples_code(text: str) -> list[str]:
    """The source of each example of the transcript ``text``, its output left out.

    >>> examples_code(">>> class C:\\n...     x = 1\\n>>> C.x\\n1\\n>>> y = 2")
    ['class C:\\n    x = 1', 'C.x', 'y = 2']
    """
    examples: list[list[str]] = []
    going_on = False
    for line in text.split("\n"):
        found = PROMPT_LINE.match(line)
        if found is not None and found.group("prompt") == ">>>":
            examples.append([found.group("code")])
            going_on = True
        elif found is not None and going_on:
            examples[-1].append(found.group("code"))
        else:
            going_on = False  # output, up to the next prompt
    return ["\n".join(lines) for lines in examples]
