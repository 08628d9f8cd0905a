"""``torchnotes convert``: turn a Jupyter notebook into a note.

Markdown cells stay prose, code cells become Python blocks, and the text each cell printed
becomes the block's output section. What a note cannot hold (images, HTML, what IPython's
``display()`` showed, output a fence cannot keep) is left out with an HTML comment saying
so, never silently. A cell that ended in an error gets a ``raises`` directive; one that uses
IPython magics or shell escapes gets a ``skip`` directive; one whose output shows a GPU gets
``requires cuda`` (or ``mps``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from pytest_torchnotes.comparison.normalize import strip_ansi, strip_blank_lines
from pytest_torchnotes.markdown.directives import RAISES
from pytest_torchnotes.markdown.magics import HELP, MAGIC
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER
from pytest_torchnotes.notelines import shown

#: The line written between a block's code and its output.
MARKER_LINE = "======== output =========="

#: Kernel languages whose notebooks can be converted (a notebook that names none is Python).
PYTHON_LANGUAGES = frozenset({"python", "python3", "ipython", "ipython3"})

#: A line that would close a backtick fence of its length or shorter.
BACKTICK_LINE = re.compile(r"^[ \t]*(`{3,})[ \t]*$")

#: What would end an HTML comment early (``--!>`` ends one in HTML5 browsers).
COMMENT_END = re.compile(r"--!?>")

#: A tensor or device in stored output that lives on a GPU: ``device='cuda:0'``,
#: ``device(type='mps', index=0)``.
DEVICE_OUTPUT = re.compile(r"device(?:=|\(type=)'(?P<name>cuda|mps)\b")


class ConversionError(ValueError):
    """A notebook that cannot be turned into a note; the message says why."""


@dataclass
class _Outputs:
    """What a code cell's stored outputs contribute to its block."""

    #: What the cell printed to stdout and displayed as its value, as plain Python prints it.
    printed: str = ""
    #: ``(ename, evalue)`` of the error the cell ended with.
    error: tuple[str, str] | None = None
    #: Why each kind of output was left out, one comment each.
    dropped: list[str] = field(default_factory=list)

    def drop(self, reason: str) -> None:
        if reason not in self.dropped:
            self.dropped.append(reason)


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
            parts.append(_fenced("text", source.split("\n")))
        elif kind == "code":
            parts.append(_code_cell(source, cell.get("outputs", []), number))
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
            f"{_comment_safe(', '.join(names))} (a note keeps text only) -->"
        )
    return "\n".join(lines)


def _source(cell: nbformat.NotebookNode, number: int) -> str:
    """The cell's text without blank lines around it; refuse what a note cannot hold."""
    text = _unify_newlines(cell.get("source", ""))
    for character, name in (("\r", "a carriage return"), ("\x00", "a NUL character")):
        if character in text:
            raise ConversionError(f"cell {number} holds {name}, which a note cannot keep")
    return "\n".join(strip_blank_lines(text.split("\n")))


def _code_cell(code: str, outputs: Sequence[nbformat.NotebookNode], number: int) -> str:
    code_lines = code.split("\n")
    for line in code_lines:
        if OUTPUT_MARKER.match(line):
            raise ConversionError(
                f"cell {number}: the code line {line.strip()!r} would be read as the output "
                "marker of the block"
            )
    found = _outputs(outputs)
    directive = _directive(code, found, number)
    output_lines = _output_lines(found)
    lines = list(code_lines)
    if output_lines:
        lines += ["", MARKER_LINE, *output_lines]
    block = _fenced("python", lines)
    if directive is not None:
        block = f"<!-- torchnotes: {directive} -->\n{block}"
    device = DEVICE_OUTPUT.search(found.printed)
    if device is not None:
        name = device.group("name")
        block = (
            f"<!-- torchnotes: requires {name}; the stored output was computed on "
            f"{'a CUDA device' if name == 'cuda' else 'an MPS device'} -->\n{block}"
        )
    comments = [f"<!-- {_comment_safe(reason)} -->" for reason in found.dropped]
    return "\n".join([block, *comments])


def _outputs(outputs: Iterable[nbformat.NotebookNode]) -> _Outputs:
    found = _Outputs()
    for output in outputs:
        kind = output.get("output_type")
        data = output.get("data", {})
        if kind == "stream":
            # stderr is never compared by the plugin, so it is left out without a comment
            if output.get("name") == "stdout":
                found.printed += output.get("text", "")
        elif kind == "execute_result" and "text/plain" in data:
            # the plugin writes the repr of a block's last expression right after its stdout
            found.printed += data["text/plain"] + "\n"
        elif kind in ("execute_result", "display_data"):
            rich = sorted(mime for mime in data if mime != "text/plain")
            if rich:
                found.drop(
                    f"{', '.join(rich)} output of this cell not kept: a note keeps text only"
                )
            else:
                found.drop(
                    "display() output of this cell not kept: only IPython shows it, "
                    "plain Python does not print it"
                )
        elif kind == "error":
            found.error = (output.get("ename", ""), output.get("evalue", ""))
    return found


def _output_lines(found: _Outputs) -> list[str]:
    """The lines to write under the marker; none, and a comment why, when a fence cannot
    hold them."""
    text = strip_ansi(_unify_newlines(found.printed))
    if "\r" in text:
        found.drop(
            "printed output of this cell not kept: it rewrites lines with carriage returns, "
            "which a note cannot keep"
        )
        return []
    if "\x00" in text:
        found.drop("printed output of this cell not kept: it holds NUL characters")
        return []
    lines = strip_blank_lines([line.rstrip() for line in text.split("\n")])
    if any(OUTPUT_MARKER.match(line) for line in lines):
        found.drop(
            "printed output of this cell not kept: a line of it would be read as the output marker"
        )
        return []
    return lines


def _directive(code: str, found: _Outputs, number: int) -> str | None:
    """The directive the block needs, without its comment: ``skip ...`` or ``raises ...``."""
    magic = ipython_syntax(code)
    if magic is not None:
        return f"skip {_comment_safe(magic)} is not Python"
    if found.error is None:
        return None
    name, value = found.error
    if name == "KeyboardInterrupt":
        return "skip the stored run of this cell was interrupted (KeyboardInterrupt)"
    match = RAISES.fullmatch(name)
    if match is None or match.group("pattern") is not None:
        raise ConversionError(
            f"cell {number}: it ended in an error named {name!r}, which a raises directive "
            "cannot name"
        )
    message = _error_message(value)
    return f"raises {name}: {message}" if message else f"raises {name}"


def ipython_syntax(code: str) -> str | None:
    """What in ``code`` is IPython rather than Python (``IPython magic %timeit``), if any.

    Code that compiles is Python, so a ``%`` continuing an expression or a ``!`` inside a
    string is never taken for IPython syntax.

    >>> ipython_syntax("%timeit torch.ones(3)")
    'IPython magic %timeit'
    >>> ipython_syntax("x = (7\\n% 4)") is None
    True
    """
    try:
        with warnings.catch_warnings():
            # a SyntaxWarning about the cell's code is for its author, not for this command
            warnings.simplefilter("ignore")
            compile(code, "<cell>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        pass
    else:
        return None
    for line in code.split("\n"):
        match = MAGIC.match(line)
        if match is not None:
            word = match.group("word")
            kind = "shell escape" if word.startswith("!") else "IPython magic"
            return f"{kind} {word}"
        match = HELP.match(line)
        if match is not None:
            return f"IPython help {match.group('word')}"
    return None


def _error_message(value: str) -> str:
    """The part of an error's message that a directive can hold and still find in it."""
    lines = [line.strip() for line in strip_ansi(_unify_newlines(value)).split("\n")]
    first = next((line for line in lines if line), "")
    # what is left is a substring of the message, which is how raises matches it
    return COMMENT_END.split(first, maxsplit=1)[0].strip()


def _comment_safe(text: str) -> str:
    return COMMENT_END.sub("", text)


def _fenced(language: str, lines: Sequence[str]) -> str:
    """``lines`` in a backtick fence longer than any backtick line among them."""
    longest = max(
        (len(match.group(1)) for line in lines if (match := BACKTICK_LINE.match(line))),
        default=2,
    )
    fence = "`" * max(3, longest + 1)
    return "\n".join([f"{fence}{language}", *lines, fence])


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n")
