"""An ``In [n]:`` statement continued on lines without IPython's ``...:`` prompt.

IPython writes ``...:`` before each line that goes on with the statement of an ``In [n]:``
prompt. Pasted from elsewhere (a notebook cell copied under one prompt, an editor that
dropped the prompts), the rest of an unclosed bracket or of a ``def`` stands with no prompt
at all, and a transcript reads such a line as the prompt's output: the prompt's code runs
alone and fails to compile, and the failure blamed the code. The line is named instead,
with what to write.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.markdown.continuation import unfinished
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.notelines import shown


def goes_on_unprompted(source: Sequence[str], text: str) -> bool:
    """Whether the line ``text``, with no prompt, right under the code ``source`` of a
    prompt, goes on with its statement: the statement is unfinished (an open bracket, a
    ``def`` line), so the line cannot be its output.

    >>> goes_on_unprompted(["x = torch.tensor([[1, 2],"], "          [3, 4]])")
    True
    >>> goes_on_unprompted(["print(x)"], "tensor([1.])")
    False
    """
    return bool(text.strip()) and unfinished("\n".join(source))


def unprompted_message(line: int, number: str, prompt: BodyLine) -> str:
    """What the note is told of ``line`` (0-based), which goes on with the statement of the
    prompt ``In [number]:`` on ``prompt`` without a ``...:`` prompt."""
    return (
        f"line {shown(line)} goes on with the unfinished statement of In [{number}] at "
        f"line {shown(prompt.line)} without IPython's ...: prompt: the transcript would run "
        "that prompt's line alone and read this one as its output (write    ...: before each "
        "line that continues a statement)"
    )
