"""The failure message of a block that raised (or did not raise) unexpectedly.

Besides the traceback, it names what the note can do about the likely causes: a traceback
written as output, a name only a notebook defines, a line that looks like an output marker.
"""

from __future__ import annotations

import re

from pytest_torchnotes.comparison.display import cut_line, cut_lines, excerpt
from pytest_torchnotes.comparison.failures import FailureContext, warning_lines, where
from pytest_torchnotes.comparison.missing import missing_hint
from pytest_torchnotes.comparison.torchdefaults import changed_defaults
from pytest_torchnotes.markdown.blocks import Block, SetupBlock
from pytest_torchnotes.markdown.layout import PRINTED_REPR
from pytest_torchnotes.markdown.marker import unmatched_marker
from pytest_torchnotes.markdown.otherlanguages import other_language
from pytest_torchnotes.notelines import shown
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


#: The relative path of a file a block did not find: ``[Errno 2] No such file or directory:
#: 'weights.pt'``.
MISSING_RELATIVE_FILE = re.compile(r"\[Errno 2\] No such file or directory: '(?![/~\\])[^']+'")

#: Why a block may not find a file another note wrote, and what to do about it.
SCRATCH_HINT = (
    "notes run in a scratch copy of their folder (torchnotes_isolate_cwd, on by default): a file"
    " that another note writes is not in this note's copy; write it in this note, or run the"
    " notes in their own folder with --torchnotes-isolate-cwd=false"
)


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
        return []
    text = item.code.split("\n")[position].strip()
    return [
        f"  line {shown(item.code_line + position)} looks like an output marker: {text!r},"
        " but the configured marker does not match it: set torchnotes_marker"
        " (--torchnotes-marker) to a pattern that does"
    ]


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
    if printed is not None:
        lines.append(f"  {printed}")
    elif error is not None and error.type_name == "NameError" and error.message in NOTEBOOK_NAMES:
        lines.append(f"  {NOTEBOOK_NAMES[error.message]}")
    elif error is not None and (missing := missing_hint(error.type_name, error.message)):
        lines.append(f"  {missing}")
    changed = changed_defaults() if error is not None else None
    if changed is not None and f"  {changed}" not in lines:
        lines.append(f"  {changed}")
    if error is not None and error.type_name == "SyntaxError":
        lines.extend(_marker_hint(result.item, context.marker))
        if printed is None and (language := other_language(result.item.code)) is not None:
            lines.append(
                f"  the block is not Python: {language}, or mark it "
                "<!-- torchnotes: skip why --> if it is not meant to run"
            )
    if error is not None and error.type_name == "bdb.BdbQuit":
        lines.append(f"  {DEBUGGER_QUIT}")
    if error is not None and error.hint:
        lines.append(f"  {error.hint}")
    if error is not None and MISSING_RELATIVE_FILE.search(error.message):
        lines.append(f"  {SCRATCH_HINT}")
    if error is not None and error.traceback:
        lines.extend(cut_lines(error.traceback.rstrip("\n").split("\n")))
    lines.extend(excerpt("stdout before the error", result.actual))
    lines.extend(excerpt("stderr", result.stderr))
    lines.extend(warning_lines(result))
    lines.append(f"On torch {context.torch_version}.")
    return "\n".join(lines)
