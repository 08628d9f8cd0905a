"""``torchnotes convert``: a notebook's code cell as a block.

The text the cell printed becomes the block's output section under the output marker; what
a fence cannot keep is left out with a comment saying why. The cell's directive says what
its stored run shows: ``raises`` for an error, ``skip`` for IPython syntax, ``requires`` for
output computed on a GPU.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import nbformat

from pytest_torchnotes.comparison.normalize import strip_ansi, strip_blank_lines
from pytest_torchnotes.markdown.directives import RAISES
from pytest_torchnotes.markdown.magics import HELP, MAGIC
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER

#: The line written between a block's code and its output.
MARKER_LINE = "======== output =========="

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


def code_cell(code: str, outputs: Sequence[nbformat.NotebookNode], number: int) -> str:
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
    block = fenced("python", lines)
    if directive is not None:
        block = f"<!-- torchnotes: {directive} -->\n{block}"
    device = DEVICE_OUTPUT.search(found.printed)
    if device is not None:
        name = device.group("name")
        block = (
            f"<!-- torchnotes: requires {name}; the stored output was computed on "
            f"{'a CUDA device' if name == 'cuda' else 'an MPS device'} -->\n{block}"
        )
    comments = [f"<!-- {comment_safe(reason)} -->" for reason in found.dropped]
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
    text = strip_ansi(unify_newlines(found.printed))
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
        return f"skip {comment_safe(magic)} is not Python"
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
    lines = [line.strip() for line in strip_ansi(unify_newlines(value)).split("\n")]
    first = next((line for line in lines if line), "")
    # what is left is a substring of the message, which is how raises matches it
    return COMMENT_END.split(first, maxsplit=1)[0].strip()


def comment_safe(text: str) -> str:
    return COMMENT_END.sub("", text)


def fenced(language: str, lines: Sequence[str]) -> str:
    """``lines`` in a backtick fence longer than any backtick line among them."""
    longest = max(
        (len(match.group(1)) for line in lines if (match := BACKTICK_LINE.match(line))),
        default=2,
    )
    fence = "`" * max(3, longest + 1)
    return "\n".join([f"{fence}{language}", *lines, fence])


def unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n")
