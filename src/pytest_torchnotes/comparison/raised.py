"""The failure message of a block that raised (or did not raise) unexpectedly.

Besides the traceback, it names what the note can do about the likely causes: a traceback
written as output, a name only a notebook defines, a line that looks like an output marker.
"""

from __future__ import annotations

import re

from pytest_torchnotes.comparison.display import cut_line, cut_lines, excerpt
from pytest_torchnotes.comparison.failures import FailureContext, warning_lines, where
from pytest_torchnotes.comparison.missing import missing_hint
from pytest_torchnotes.comparison.onceperprocess import once_per_process_hint
from pytest_torchnotes.comparison.resultlines import result_line_hint
from pytest_torchnotes.comparison.saysraises import says_it_fails_hint
from pytest_torchnotes.comparison.torchdefaults import changed_defaults
from pytest_torchnotes.markdown.blocks import Block, SetupBlock
from pytest_torchnotes.markdown.layout import PRINTED_REPR
from pytest_torchnotes.markdown.marker import misspelt_marker, unmatched_marker
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run.errors import ErrorInfo
from pytest_torchnotes.run.results import BlockResult

#: Names a notebook defines that plain Python does not, with what a note can use instead.
NOTEBOOK_NAMES = {
    "name 'display' is not defined": (
        "display() is IPython's: a note runs as plain Python; print(x), or x as the block's"
        " last line, shows it (from IPython.display import display, where IPython is installed)"
    ),
    "name 'get_ipython' is not defined": (
        "get_ipython() exists only in IPython: a note runs as plain Python"
        " (mark the block <!-- torchnotes: skip needs IPython -->)"
    ),
    **{
        f"name {name!r} is not defined": (
            "import it in the note, or set torchnotes_setup (--torchnotes-setup) to the"
            " imports the notes take as done (PyTorch's docstring examples take `import"
            " torch`, `from torch import nn` and `import torch.nn.functional as F`)"
        )
        for name in ("torch", "nn", "F")
    },
}


def _shows_exception(block: Block | SetupBlock, type_name: str) -> bool:
    """Whether the block's expected output ends in the exception it raised, as a notebook
    export writes a cell's traceback among its outputs."""
    output = getattr(block, "output", None)
    if output is None or not type_name:
        return False
    name = type_name.rpartition(".")[2]
    return any(
        line.strip().startswith((f"{name}:", f"{type_name}:")) or line.strip() == name
        for line in output.text.splitlines()
    )


def _printed_output(item: Block | SetupBlock, type_name: str) -> str | None:
    """What a block whose first line reads as something PyTorch printed (``tensor([[...``,
    ``torch.Size([2])``) is, when it raised ``NameError`` or ``SyntaxError`` running it: the
    output of the block above in a fence tagged Python, as books without labels write it
    (``'tensor' may be torch.tensor`` would send the author the wrong way)."""
    if type_name not in ("NameError", "SyntaxError"):
        return None
    first = next((line.strip() for line in item.code.splitlines() if line.strip()), "")
    if not PRINTED_REPR.match(first):
        return None
    return (
        f"the block reads as what code printed ({first[:40]!r}), not as code: tag its fence "
        "```output to compare it as the output of the block above, or put a label line such "
        "as 输出： or Output: above it"
    )


#: What a block that started a debugger itself (``pdb.set_trace()``) is told: the debugger
#: read the end of the block's empty standard input and quit.
DEBUGGER_QUIT = (
    "a debugger (pdb.set_trace()) read the end of its input and quit: a note runs without a "
    "terminal to debug in; remove the call"
)


def _marker_hint(item: Block | SetupBlock, marker: re.Pattern[str]) -> list[str]:
    """A line of the block's code that looks like an output marker the configured marker does
    not match: the likely cause of its ``SyntaxError``."""
    position = unmatched_marker(item.code, marker)
    if position is None:
        misspelt = misspelt_marker(item.code)
        if misspelt is None:
            return []
        text = item.code.split("\n")[misspelt].strip()
        return [
            f"  line {shown(item.code_line + misspelt)} reads as the output marker with its word"
            f" misspelt: {text!r}; write ======== output ========== there, and what is under"
            " it is compared as the block's output"
        ]
    text = item.code.split("\n")[position].strip()
    return [
        f"  line {shown(item.code_line + position)} looks like an output marker: {text!r},"
        " but the configured marker does not match it: set torchnotes_marker"
        " (--torchnotes-marker) to a pattern that does"
    ]


def _raised_line(item: Block | SetupBlock, line_index: int | None) -> str | None:
    """The line of the block's code that it raised on, if it raised in its own code."""
    position = None if line_index is None else line_index - item.code_line
    lines = item.code.split("\n")
    if position is None or not 0 <= position < len(lines):
        return None
    return lines[position]


#: The name a ``NameError`` is about.
UNDEFINED_NAME = re.compile(r"name '(?P<name>\w+)' is not defined")


def _result_line(item: Block | SetupBlock, error: ErrorInfo) -> str | None:
    """What the line a block raised on is, when it writes what code gives after an arrow."""
    line = _raised_line(item, error.line_index)
    if line is None:
        return None
    undefined = UNDEFINED_NAME.search(error.message) if error.type_name == "NameError" else None
    name = None if undefined is None else undefined.group("name")
    return result_line_hint(line, shown(error.line_index or 0), name)


def _says_it_fails(item: Block | SetupBlock, error: ErrorInfo) -> str | None:
    """What to do where the line a block raised on says, in its comment, that it fails."""
    line = _raised_line(item, error.line_index)
    if line is None or error.type_name in ("SyntaxError", "IndentationError"):
        return None
    return says_it_fails_hint(line, shown(error.line_index or 0), error.type_name)


def render_exception(result: BlockResult, context: FailureContext, headline: str) -> str:
    """The message for a block that raised (or did not raise) unexpectedly."""
    lines = [cut_line(f"{where(context, result.item)}: {headline}")]
    error = result.error
    if error is not None and _shows_exception(result.item, error.type_name):
        lines.append(
            f"  the expected output shows this {error.type_name}, but a traceback is not output:"
            f" put <!-- torchnotes: raises {error.type_name} --> above the block and take the"
            " traceback out of its output (--torchnotes-update does)"
        )
    printed = _printed_output(result.item, error.type_name) if error is not None else None
    # an arrow's value is what the line raised on (`tensor` of `>> tensor([0.5])` is no
    # missing name: 'tensor' may be torch.tensor would send the author the wrong way)
    arrow = _result_line(result.item, error) if error is not None else None
    if printed is not None:
        lines.append(f"  {printed}")
    elif arrow is not None:
        lines.append(f"  {arrow}")
    elif error is not None and error.type_name == "NameError" and error.message in NOTEBOOK_NAMES:
        lines.append(f"  {NOTEBOOK_NAMES[error.message]}")
    elif error is not None and (
        missing := missing_hint(
            error.type_name, error.message, error.traceback, result.item.heading
        )
    ):
        lines.append(f"  {missing}")
    if error is not None and (once := once_per_process_hint(error.message, context.path)):
        lines.append(f"  {once}")
    if error is not None and (expected := _says_it_fails(result.item, error)):
        lines.append(f"  {expected}")
    changed = changed_defaults() if error is not None else None
    if changed is not None and f"  {changed}" not in lines:
        lines.append(f"  {changed}")
    if error is not None and error.type_name == "SyntaxError" and arrow is None:
        lines.extend(_marker_hint(result.item, context.marker))
    if error is not None and error.type_name == "bdb.BdbQuit":
        lines.append(f"  {DEBUGGER_QUIT}")
    if error is not None and error.hint:
        lines.append(f"  {error.hint}")
    if error is not None and error.traceback:
        lines.extend(cut_lines(error.traceback.rstrip("\n").split("\n")))
    lines.extend(excerpt("stdout before the error", result.actual))
    lines.extend(excerpt("stderr", result.stderr))
    lines.extend(warning_lines(result))
    lines.append(f"On torch {context.torch_version}.")
    return "\n".join(lines)
