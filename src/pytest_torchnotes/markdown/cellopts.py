"""Cell options that notebook tools write at the top of a block, and the cells they keep from
running.

Quarto writes options as ``#| key: value`` comments (``#| eval: false``), R Markdown in the
braces of the info string (```` ```{python, eval=FALSE} ````), and MyST a ``:key: value`` line
or a ``---`` YAML block (``:tags: [skip-execution]``). Such a cell is not run by the tool that
publishes it, so it is not run here either, and a warning says so. MyST's option lines are not
Python: they are left out of the code (as blank lines, so that line numbers stay the note's).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pytest_torchnotes.markdown.blocks import Block, ParsedNote, SetupBlock
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.directives import Raises
from pytest_torchnotes.markdown.inforce import Options, options_by_line
from pytest_torchnotes.markdown.lexers import BodyLine, FenceLexeme

#: A Quarto cell option: ``#| eval: false``.
QUARTO_OPTION = re.compile(r"^[ \t]*#\|[ \t]*(?P<key>[\w.-]+)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$")

#: A MyST directive option: ``:tags: [hide-input]``.
MYST_OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):[ \t]*(?P<value>.*?)[ \t]*$")

#: A line of a MyST ``---`` option block: ``tags: [skip-execution]`` or ``- skip-execution``.
YAML_OPTION = re.compile(r"^[ \t]*(?:(?P<key>[\w-]+)[ \t]*:|-)[ \t]*(?P<value>.*?)[ \t]*$")

#: Jupytext's cell metadata in a Markdown notebook's info string: ```` ```python
#: tags=["raises-exception"] ````; group ``tags`` is the list's inside.
JUPYTEXT_TAGS = re.compile(r"(?:^|[ \t])tags=\[(?P<tags>[^\]]*)\]")

#: R Markdown's chunk option in the info string: ``{python, eval=FALSE}``.
RMARKDOWN_NO_EVAL = re.compile(r"[{\s,]eval[ \t]*=[ \t]*(?:FALSE|F|false|False)\b")

#: Values of Quarto's ``eval`` option that keep a cell from running.
FALSE_VALUES = frozenset({"false", "no", "off"})

#: Values of Quarto's ``error`` option that say the cell raises.
TRUE_VALUES = frozenset({"true", "yes", "on"})

#: MyST-NB tags of cells that are not run as they stand.
NOT_RUN_TAGS = frozenset({"skip-execution"})

#: The MyST-NB tag of a cell that runs and raises: its traceback is what the page shows, as
#: with Quarto's ``#| error: true``.
RAISES_TAG = "raises-exception"

#: MyST directives whose option lines open the body.
MYST_DIRECTIVE = re.compile(r"^\{[ \t]*(?:code-cell|code-block|code|sourcecode|jupyter-execute)\b")


def myst_option_lines(fence: FenceLexeme) -> list[BodyLine]:
    """The lines at the top of a MyST directive's body that are its options, not its code."""
    if MYST_DIRECTIVE.match(fence.info) is None:
        return []
    body = fence.body
    if body and body[0].text.strip() == "---":
        closing = next(
            (index for index in range(1, len(body)) if body[index].text.strip() == "---"), None
        )
        if closing is not None:
            return list(body[: closing + 1])
    options: list[BodyLine] = []
    for line in body:
        if MYST_OPTION.match(line.text) is None:
            break
        options.append(line)
    return options


def not_run(fence: FenceLexeme) -> str | None:
    """The option that keeps ``fence``'s cell from running, as written, or ``None``."""
    if RMARKDOWN_NO_EVAL.search(fence.info):
        return fence.info
    for line in fence.body:
        option = QUARTO_OPTION.match(line.text)
        if option is None:
            break
        if option.group("key") == "eval" and option.group("value").lower() in FALSE_VALUES:
            return line.text.strip()
    skipping = sorted(cell_tags(fence).keys() & NOT_RUN_TAGS)
    return f"tags: [{', '.join(skipping)}]" if skipping else None


def cell_tags(fence: FenceLexeme) -> dict[str, int]:
    """The MyST-NB tags of ``fence``'s cell, each with the 0-based line that writes it: an
    option line, or the opening line for Jupytext's metadata in the info string."""
    info = fence.info
    if not info.startswith("{") and "tags=" not in info:
        return {}  # most blocks: ```python
    tags = _tags(myst_option_lines(fence))
    jupytext = JUPYTEXT_TAGS.search(info)
    if jupytext is not None:
        for word in jupytext.group("tags").split(","):
            tags.setdefault(word.strip(" '\""), fence.open_line)
    return tags


@dataclass(frozen=True)
class ErrorOption(Raises):
    """Quarto's ``#| error: true`` or MyST-NB's ``raises-exception`` tag: the cell is
    expected to raise, any exception, as with the ``raises`` directive of type
    ``Exception``; ``option`` is the option as written."""

    option: str = "#| error: true"

    def describe(self) -> str:
        return f"an exception (its cell option `{self.option}`)"


def expected_error(fence: FenceLexeme) -> ErrorOption | None:
    """Quarto's ``#| error: true`` at the top of ``fence``'s cell, or MyST-NB's
    ``raises-exception`` tag, if it is there."""
    for line in fence.body:
        option = QUARTO_OPTION.match(line.text)
        if option is None:
            break
        if option.group("key") == "error" and option.group("value").lower() in TRUE_VALUES:
            return ErrorOption(line.line, line.line, "Exception", None, option=line.text.strip())
    tagged = cell_tags(fence).get(RAISES_TAG)
    if tagged is not None:
        return ErrorOption(tagged, tagged, "Exception", None, option=f"tags: [{RAISES_TAG}]")
    return None


def with_cell_options(options: Options, item: Block | SetupBlock) -> Options:
    """The options ``item`` runs with, from ``options`` (what its directives say): a block's
    ``#| error: true`` expects an exception, unless a ``raises`` directive says more."""
    if isinstance(item, Block) and options.raises is None:
        error = expected_error(item.fence)
        if error is not None:  # most blocks have none: ``options`` as it is, not a copy
            return replace(options, raises=error)
    return options


def run_options_by_line(note: ParsedNote) -> dict[int, Options]:
    """The options each block and setup comment of ``note`` runs with, by its 0-based first
    line: its directives and its cell options, for readers that do not run the note."""
    options = options_by_line(note)
    return {
        item.first_line: with_cell_options(options[item.first_line], item) for item in note.items
    }


def _tags(lines: Sequence[BodyLine]) -> dict[str, int]:
    tags: dict[str, int] = {}
    key = None
    for line in lines:
        option = MYST_OPTION.match(line.text) or YAML_OPTION.match(line.text)
        if option is None:
            continue
        key = option.group("key") or key
        if key == "tags":
            for word in option.group("value").strip("[]").split(","):
                tags.setdefault(word.strip(" '\""), line.line)
    return tags


def read(draft: BlockDraft, note: NoteContext) -> None:
    """Leave a MyST directive's option lines out of the block's code (as blank lines)."""
    del note
    options = {line.line for line in myst_option_lines(draft.fence)}
    if options and draft.code is None:
        draft.code_lines = [
            BodyLine(line.line, line.prefix, "") if line.line in options else line
            for line in draft.code_lines
        ]
