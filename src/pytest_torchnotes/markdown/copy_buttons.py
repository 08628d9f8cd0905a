"""The label of a page's copy button pasted with the code: ``python复制代码import torch``.

A blog post saved from CSDN, Juejin or cnblogs, or an answer copied from a chat page,
carries the text of the code block's toolbar into the fence: the language and the copy
button's label (``复制代码``, ``Copy code``) before the first line of code, on the same line
or on one of their own. That text is no code, and Python stops on it (``NameError: name
'python复制代码import'``). The block is read without it, and the note gets one warning that
names the lines to delete, for a reader of the page sees it too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.lexing.lines import BodyLine
from pytest_torchnotes.words import and_more

#: The toolbar's text at the start of a block's first line: a language name (``python``,
#: ``ini``, ``c++``) and the button's label, or the label alone on the line.
TOOLBAR = re.compile(
    r"^[ \t]*(?:[A-Za-z][\w+#.-]{0,15}[ \t]*(?:复制代码|Copy code)[ \t]*"
    r"|(?:复制代码|Copy code)[ \t]*$)"
)


def read(draft: BlockDraft, note: NoteContext) -> None:
    """Leave the copy button's label out of the block's code (its text from the first line,
    or that line, when it holds nothing else)."""
    if draft.code is not None:
        return
    lines = draft.code_lines
    if not lines:
        return
    # nearly every block: its first line holds neither label (two substring tests, run on
    # every block, so written out)
    if lines[0].text.strip():
        first = 0
    else:
        first = next((index for index, line in enumerate(lines) if line.text.strip()), -1)
    text = lines[first].text
    if first < 0 or ("复制代码" not in text and "Copy code" not in text):
        return
    toolbar = TOOLBAR.match(text)
    if toolbar is None:
        return
    kept = BodyLine(lines[first].line, lines[first].prefix, text[toolbar.end() :])
    draft.code_lines = [*lines[:first], kept, *lines[first + 1 :]]
    note.copy_buttons.append((lines[first].line, text[: toolbar.end()].strip()))


def copy_button_warning(labels: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """``(0-based line, message)``: one warning for the blocks read without the copy
    button's label; ``labels`` holds ``(0-based line, the toolbar's text)``."""
    if not labels:
        return None
    line, text = labels[0]
    others = and_more(len(labels), "block", where="")
    return (
        line,
        f"the block's first line starts with `{text}`{others}, a copy button's label pasted "
        "with the code from a web page: it is run without it; delete it from the note, as "
        "readers see it too",
    )
