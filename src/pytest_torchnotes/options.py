"""Every option of the plugin, as plain data: its ini key, its flag, its help.

Kept apart from their parsing (:mod:`pytest_torchnotes.settings`) so that registering the
options costs nothing in projects that never collect a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_torchnotes import defaults

#: Word in ``torchnotes_output_fence`` for a fence without an info string.
BARE = "bare"
#: Word in ``torchnotes_output_fence`` and ``torchnotes_output_label`` that turns them off.
NONE = "none"
#: Word for the built-in value of a pattern option.
DEFAULT = "default"
#: Words of ``torchnotes_cache``.
ON = "on"
OFF = "off"


@dataclass(frozen=True)
class Option:
    """One setting, with its ini key ``torchnotes_NAME`` and flag ``--torchnotes-NAME``."""

    name: str
    help: str
    #: pytest ini type: ``string``, ``linelist``, ``args`` or ``paths``.
    ini_type: str = "string"
    default: Any = None
    #: The command-line twin is a flag without a value.
    flag: bool = False
    #: The command-line twin may be given several times.
    repeat: bool = False
    #: The command-line twin when it is not ``--torchnotes-NAME``; ``""`` for none.
    flag_name: str | None = None

    @property
    def ini(self) -> str:
        return f"torchnotes_{self.name}"

    @property
    def cli(self) -> str:
        if self.flag_name is not None:
            return self.flag_name
        return f"--torchnotes-{self.name.replace('_', '-')}"


OPTIONS = (
    Option(
        "paths", "folders (or files) whose Markdown notes are collected", "paths", [], flag_name=""
    ),
    Option(
        "collect_all",
        "collect Markdown notes in every path given to pytest, not only under torchnotes_paths",
        default="false",
        flag=True,
        flag_name="--torchnotes",
    ),
    Option("patterns", "file name patterns of notes", "args", list(defaults.NOTE_PATTERNS)),
    Option(
        "compare",
        "default comparison: numeric, exact, ellipsis, structure or ignore, with optional "
        "rtol=X atol=Y",
        default=defaults.COMPARE,
    ),
    Option(
        "sanitize",
        "PATTERN => REPLACEMENT substitutions applied to expected and actual output",
        "linelist",
        [],
        repeat=True,
    ),
    Option(
        "languages",
        "languages of the fences run as Python blocks, whatever their case and however the "
        "info string wraps them (```{.python}, ```{python}, ```{code-cell} ipython3); "
        f"{BARE}: a fence without info string whose text reads as Python (>>>, import torch)",
        "args",
        list(defaults.LANGUAGES),
        repeat=True,
    ),
    Option(
        "output_fence",
        f"info strings of an output fence right after a block ({BARE} for a fence without "
        f"one, {NONE} to turn output fences off)",
        "args",
        list(defaults.OUTPUT_FENCES),
        repeat=True,
    ),
    Option(
        "output_label",
        f"regular expression of a label line between a block and its output fence ({DEFAULT} "
        f"for the built-in labels such as 输出： and Output:, {NONE} for no label)",
        default=DEFAULT,
    ),
    Option(
        "marker",
        f"regular expression of the line between code and expected output ({DEFAULT} for "
        "the built-in ======== output ========== marker)",
        default=DEFAULT,
    ),
    Option(
        "indented_output",
        "read the 4-space indented text right after a block as its output, as jupyter "
        "nbconvert --to markdown writes it",
        default="false",
        flag=True,
    ),
    Option(
        "indented_sessions",
        "run an indented code block whose first line is a >>> prompt (a docstring pasted as "
        "it is, its example under Example::) as a >>> transcript (false: warn of it instead)",
        default="true",
    ),
    Option(
        "comment_output",
        "read the comments at the end of a block, under a # Output: line or as #> lines, as "
        "its output (else they are only warned about)",
        default="false",
        flag=True,
    ),
    Option(
        "display",
        "show the value of a block's last bare expression, as Jupyter does",
        default="true",
    ),
    Option("seed", "seed for torch, random and numpy before each note", default=str(defaults.SEED)),
    Option(
        "setup",
        "code run at the start of every note, one statement per line",
        "linelist",
        [],
        repeat=True,
    ),
    Option("timeout", "time limit of a block in seconds (0: none)", default="120"),
    Option(
        "capture_fd",
        "also capture output written to file descriptor 1 (C++, child processes)",
        default="true",
    ),
    Option(
        "update",
        "rewrite the expected output of blocks whose output drifted, and fill empty output "
        "sections, in the notes themselves",
        default="false",
        flag=True,
    ),
    Option(
        "report",
        "write a report of every block to this file: .json (for torchnotes diff) or .md "
        "(for a pull request)",
        default="",
    ),
    Option(
        "strict_warnings",
        "fail a block that raises a warning no warns directive declares, or no longer raises "
        "one that is declared",
        default="false",
        flag=True,
    ),
    Option(
        "isolate_cwd",
        "run each note in a scratch directory holding copies of the files "
        "beside it, so files a note writes never land in the repository",
        default="true",
    ),
    Option(
        "magics",
        "blocks with IPython magics or shell escapes: run (leave out what only configures "
        "the notebook or runs a shell, run timed code once), skip or error",
        default=defaults.MAGICS,
    ),
    Option(
        "transcripts",
        "how >>> transcripts are checked: doctest (an example that shows no output must "
        "print nothing) or xdoctest, as PyTorch's docstrings are written (+ELLIPSIS and "
        "+NORMALIZE_WHITESPACE on, an example that shows no output not compared)",
        default=defaults.TRANSCRIPTS,
    ),
    Option(
        "cache",
        "keep each note's reading and its blocks' compiled code in pytest's cache between "
        "runs: on (an entry no run of the last "
        f"{defaults.CACHE_KEEP_RUNS} used is removed), off, or how many runs in a row may "
        "leave an entry unused before it is removed",
        default=ON,
    ),
    Option(
        "update_max_bytes",
        "largest expected output, in bytes, that --torchnotes-update writes into a note "
        "(0: no limit)",
        default=str(defaults.UPDATE_MAX_BYTES),
    ),
)


def option(name: str) -> Option:
    return next(candidate for candidate in OPTIONS if candidate.name == name)


def parse_bool(text: str) -> bool:
    """
    >>> parse_bool("Yes"), parse_bool("0")
    (True, False)
    """
    lowered = str(text).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{text!r} is not a boolean (use true or false)")
