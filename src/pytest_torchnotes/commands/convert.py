"""``torchnotes convert``: turn a Jupyter notebook into a note.

Markdown cells stay prose, code cells become Python blocks, and the text each cell printed
becomes the block's output section. What a note cannot hold (images, HTML, what IPython's
``display()`` showed, output a fence cannot keep) is left out with an HTML comment saying
so, never silently. A cell that ended in an error gets a ``raises`` directive; one that uses
IPython magics or shell escapes gets a ``skip`` directive; one whose output shows a GPU gets
``requires cuda`` (or ``mps``).

This module reads the notebook and writes the note, with its markdown and raw cells;
:mod:`pytest_torchnotes.commands.codecells` makes the block of each code cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

from pytest_torchnotes.commands.codecells import (
    ConversionError,
    code_cell,
    comment_safe,
    fenced,
    ipython_syntax,
    unify_newlines,
)
from pytest_torchnotes.comparison.normalize import strip_blank_lines
from pytest_torchnotes.notelines import shown

__all__ = [
    "PYTHON_LANGUAGES",
    "ConversionError",
    "convert",
    "ipython_syntax",
    "notebook_language",
    "notebook_to_note",
    "read_notebook",
]

#: Kernel languages whose notebooks can be converted (a notebook that names none is Python).
PYTHON_LANGUAGES = frozenset({"python", "python3", "ipython", "ipython3"})


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a Python notebook; raise :class:`ConversionError` naming ``path``."""
    invalid: dict[str, Any] = {}
    try:
        notebook: nbformat.NotebookNode = nbformat.read(  # type: ignore[no-untyped-call]
            path, as_version=4, capture_validation_error=invalid
        )
    except OSError as error:
        raise ConversionError(f"{path}: cannot read the notebook: {error.strerror}") from None
    except Exception as error:  # nbformat raises many kinds for a file that is not a notebook
        raise ConversionError(f"{path}: not a readable notebook: {error}") from None
    if "ValidationError" in invalid:
        reason = getattr(invalid["ValidationError"], "message", invalid["ValidationError"])
        raise ConversionError(f"{path}: not a valid notebook: {reason}")
    language = notebook_language(notebook)
    if language is not None and language.lower() not in PYTHON_LANGUAGES:
        raise ConversionError(f"{path}: the notebook's kernel language is {language!r}, not Python")
    return notebook


def notebook_language(notebook: nbformat.NotebookNode) -> str | None:
    """The language the notebook's kernel runs, ``None`` when the notebook does not say."""
    metadata = notebook.get("metadata", {})
    for key, entry in (("language_info", "name"), ("kernelspec", "language")):
        value = metadata.get(key, {}).get(entry)
        if isinstance(value, str) and value:
            return value
    return None


def notebook_to_note(notebook: nbformat.NotebookNode) -> str:
    """The note for ``notebook``: its cells in order, separated by blank lines."""
    parts: list[str] = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        source = _source(cell, number)
        if not source:
            continue
        kind = cell.get("cell_type")
        if kind == "markdown":
            parts.append(_markdown_cell(source, cell))
        elif kind == "raw":
            parts.append(fenced("text", source.split("\n")))
        elif kind == "code":
            parts.append(code_cell(source, cell.get("outputs", []), number))
    if not parts:
        raise ConversionError("nothing to convert: the notebook has no cell with text")
    return "\n\n".join(parts) + "\n"


def convert(notebook_path: Path, note_path: Path | None = None, *, force: bool = False) -> Path:
    """Write the note for the notebook at ``notebook_path``; return where it was written.

    The note goes to ``note_path`` (into it, when it is a folder; folders it needs are made),
    by default the notebook's path with a ``.md`` suffix. An existing file is only replaced
    with ``force``.
    """
    target = note_path if note_path is not None else notebook_path.with_suffix(".md")
    if target.is_dir():
        target = target / notebook_path.with_suffix(".md").name
    if target.resolve() == notebook_path.resolve():
        raise ConversionError(f"{target}: the note would replace the notebook itself")
    if target.exists() and not force:
        raise ConversionError(f"{target} already exists (use --force to overwrite it)")
    notebook = read_notebook(notebook_path)
    try:
        note = notebook_to_note(notebook)
    except ConversionError as error:
        raise ConversionError(f"{notebook_path}: {error}") from None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(note, encoding="utf-8", newline="\n")
    except OSError as error:
        raise ConversionError(f"{target}: cannot write the note: {error.strerror}") from None
    return target


def _markdown_cell(source: str, cell: nbformat.NotebookNode) -> str:
    """A markdown cell as prose. A fence it leaves open is closed at its end (it would
    swallow the next cell); attachments, which a note cannot hold, are named in a comment."""
    from pytest_torchnotes.markdown.lexers import QUOTE, MarkdownLexer

    lines = source.split("\n")
    for fence in MarkdownLexer()(source).fences:
        if fence.close_line is None:
            quotes = QUOTE.match(fence.prefix)
            quote = quotes.group().rstrip() + " " if quotes and quotes.group() else ""
            lines += [
                f"{quote}{fence.fence}",
                f"<!-- the {fence.fence} fence at line {shown(fence.open_line)} of this cell was "
                "never closed: closed here -->",
            ]
            break  # an open fence runs to the end of the cell: there is no other after it
    names = sorted(cell.get("attachments", {}) or {})
    if names:
        lines.append(
            f"<!-- attachment{'s' * (len(names) > 1)} of this cell not kept: "
            f"{comment_safe(', '.join(names))} (a note keeps text only) -->"
        )
    return "\n".join(lines)


def _source(cell: nbformat.NotebookNode, number: int) -> str:
    """The cell's text without blank lines around it; refuse what a note cannot hold."""
    text = unify_newlines(cell.get("source", ""))
    for character, name in (("\r", "a carriage return"), ("\x00", "a NUL character")):
        if character in text:
            raise ConversionError(f"cell {number} holds {name}, which a note cannot keep")
    return "\n".join(strip_blank_lines(text.split("\n")))
