"""Files a block opens that a line above it, not run, would have written.

A post that extends torch with C builds a library in a shell escape and loads it in the next
block::

    !gcc -O3 -shared -o my_lib.so -fPIC my_lib.c

    lib = ctypes.CDLL('./my_lib.so')

Shell escapes are not run, nor are ``%%writefile`` cells (nor a block a directive skips), so
the block that opens the file raises ``OSError`` or ``FileNotFoundError``. That failure follows
from the first line not run that names the file, and says so, rather than reading as drift of
its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pytest_torchnotes.markdown.magics import NOT_RUN, SHELL, prepare

#: Exceptions that say a file is not there.
FILE_ERRORS = frozenset({"FileNotFoundError", "OSError"})

#: The file in the message of such an exception: ``[Errno 2] No such file or directory:
#: 'data.csv'`` (``open``, ``torch.load``), ``./my_lib.so: cannot open shared object file``
#: (``ctypes.CDLL``), ``The provided filename scriptmodule.pt does not exist``
#: (``torch.jit.load``'s ``ValueError``).
MISSING_FILE = re.compile(
    r"No such file or directory: '(?P<quoted>[^']+)'"
    r"|(?:^|[ \t])(?P<bare>[^\s:]+): cannot open shared object file"
    r"|^The provided filename (?P<provided>[^\n]+) does not exist$",
    re.MULTILINE,
)


#: The relative path of a file a block did not find: ``[Errno 2] No such file or directory:
#: 'weights.pt'``, ``The provided filename scriptmodule.pt does not exist``.
MISSING_RELATIVE_FILE = re.compile(
    r"\[Errno 2\] No such file or directory: '(?![/~\\])[^']+'"
    r"|^The provided filename (?![/~\\])[^\n]+ does not exist$",
    re.MULTILINE,
)

#: Why a block of a note run in a scratch copy of its folder may not find a file another
#: note wrote, and what to do about it: said when no line of its own note explains it.
SCRATCH_HINT = (
    "notes run in a scratch copy of their folder (torchnotes_isolate_cwd, on by default): a file"
    " that another note writes is not in this note's copy; write it in this note, or run the"
    " notes in their own folder with --torchnotes-isolate-cwd=false"
)


def scratch_hint(message: str) -> str:
    """What a block that did not find the relative file of ``message`` is told: that another
    note's file is not in its scratch copy, and, as the option does not help there, what to
    do when no note writes it (a docstring's example names a file it never made).

    >>> scratch_hint("[Errno 2] No such file or directory: 'tensors.pt'").endswith(
    ...     "or mark the block <!-- torchnotes: skip needs 'tensors.pt' -->")
    True
    """
    name = missing_file(message) or "the file"
    return (
        f"{SCRATCH_HINT}; if no note writes {name!r} (an example that only names a file), make"
        " it in a block above or a setup comment, or mark the block"
        f" <!-- torchnotes: skip needs {name!r} -->"
    )


def missing_file(message: str) -> str | None:
    """The name (without its folder) of the file the message says is not there.

    >>> missing_file("[Errno 2] No such file or directory: 'data/train.csv'")
    'train.csv'
    >>> missing_file("./my_lib.so: cannot open shared object file: No such file or directory")
    'my_lib.so'
    >>> missing_file("The provided filename models/scriptmodule.pt does not exist")
    'scriptmodule.pt'
    >>> missing_file("bad value") is None
    True
    """
    match = MISSING_FILE.search(message)
    if match is None:
        return None
    path = match.group("quoted") or match.group("bare") or match.group("provided")
    name = os.path.basename(path.rstrip("/"))
    return name or None


def mentions(line: str, name: str) -> bool:
    """Whether ``line`` names the file ``name``, alone or at the end of a path.

    >>> mentions("!gcc -o ./build/my_lib.so my_lib.c", "my_lib.so")
    True
    >>> mentions("!gcc -o my_lib.so.1 my_lib.c", "my_lib.so")
    False
    """
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", line) is not None


@dataclass(frozen=True)
class Writer:
    """A line not run that names a file: what it is, at a 0-based note line."""

    line: int
    #: ``the shell escape !gcc``, ``block 2``.
    label: str
    #: Why it did not run, as a follow-on's message says it.
    why: str


@dataclass(frozen=True)
class Seen:
    """A block a note ran, or did not: read for its lines not run only when a later block
    misses a file."""

    code: str
    #: 0-based note line of its first line of code.
    code_line: int
    #: Why it was skipped; ``None`` when it ran.
    skipped: str | None
    #: ``block 2``.
    label: str

    def not_run(self) -> list[tuple[int, str, str, str]]:
        return not_run_lines(self.code, self.code_line, self.skipped, self.label)


def not_run_lines(
    code: str, code_line: int, skipped: str | None, label: str
) -> list[tuple[int, str, str, str]]:
    """The lines of a block that did not run, as ``(0-based note line, text, label, why)``:
    every line of a block that was skipped (``skipped`` is why), else its shell escapes and
    the magics that are not run."""
    lines = code.split("\n")
    if skipped is not None:
        why = f"which was skipped: {skipped}"
        return [(code_line + offset, text, label, why) for offset, text in enumerate(lines)]
    prepared = prepare(code)
    if prepared is None:
        return []
    return [
        (
            code_line + magic.offset,
            lines[magic.offset],
            f"the {magic.describe()}",
            "which is not run",
        )
        for magic in prepared.magics
        if magic.kind in (SHELL, NOT_RUN)
    ]


def writer(name: str, above: Sequence[Seen]) -> Writer | None:
    """The first line not run of the blocks ``above`` a block that names the file ``name``:
    where a note first names a file is where it makes it (``%%writefile demo.c``), the lines
    after read it (``!cc -o libdemo.so demo.c``)."""
    found = [
        (line, label, why)
        for block in above
        for line, text, label, why in block.not_run()
        if mentions(text, name)
    ]
    if not found:
        return None
    line, label, why = min(found)
    return Writer(line, label, why)
