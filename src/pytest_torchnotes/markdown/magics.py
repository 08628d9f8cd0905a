"""IPython magics and shell escapes in a Python block: what runs and what is left out.

Notes exported from notebooks keep lines such as ``%matplotlib inline``, ``%time f(x)`` or
``!pip install x`` that are not Python. :func:`prepare` turns such a block's code into code
that compiles, line for line: each magic line becomes one line of Python at the same place,
so that tracebacks keep the note's line numbers. Only lines that are not Python are magics:
``x = 7 % 4``, a ``%`` continuing an expression or a ``!`` inside a string stay code.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

from pytest_torchnotes.notelines import shown

#: A line magic, cell magic or shell escape, also on the right of an assignment.
MAGIC = re.compile(r"^[ \t]*(?:[\w.]+[ \t]*=[ \t]*)?(?P<word>%%?\w+|!(?!=)[^\s=]*)")

#: IPython's help syntax: ``?torch.tensor``, ``torch.tensor??``.
HELP = re.compile(r"^[ \t]*(?P<word>\?{1,2}[\w.]+|[\w.]+\?{1,2})[ \t]*$")

#: The options of ``%timeit`` and ``%%timeit`` before the statement: ``-n 10 -r 3 -q``.
TIMEIT_OPTIONS = re.compile(r"(?:[ \t]*-(?:[nrp][ \t]*\d+|[qoct])(?=[ \t]|$))*[ \t]*")

#: What IPython prints when it times code: ``%time`` (``CPU times: ...``, ``Wall time: ...``,
#: and the compile and parse times of slow code) and ``%timeit`` (``1.2 ms ± 4.5 µs per loop
#: (mean ± std. dev. of 7 runs, 1,000 loops each)``, older ``1000 loops, best of 3: ...``).
TIMING_LINE = re.compile(
    r"^[ \t]*(?:CPU times: .*|Wall time: .*|Compiler time: .*|Parser[ \t]*: .*"
    r"|[\d.,]+ ?\S+ ± [\d.,]+ ?\S+ per loop \(.*\)"
    r"|[\d,]+ loops?, best of \d+: .* per loop"
    r"|The slowest run took .* times longer than the fastest\..*)[ \t]*$"
)

#: What became of a magic line.
#: Display or configuration magics: left out, the rest of the block runs.
DROPPED = "dropped"
#: ``%time`` and ``%timeit`` (line or cell): their statement runs once, untimed.
TIMED = "timed"
#: Shell escapes and package managers: not run, the rest of the block runs.
SHELL = "shell"
#: Anything else: the block is not run.
NOT_RUN = "not run"

#: Line magics that only set up how a notebook shows things or reloads modules.
CONFIGURATION = frozenset(
    {
        "matplotlib",
        "config",
        "load_ext",
        "reload_ext",
        "unload_ext",
        "autoreload",
        "aimport",
        "pylab",
    }
)

#: Line magics that run a shell command or a package manager.
SHELL_MAGICS = frozenset({"pip", "conda", "mamba", "sx", "system"})

#: Values of ``torchnotes_magics``: run blocks with magics as described here, skip them, or
#: fail them.
RUN = "run"
SKIP = "skip"
ERROR = "error"
MODES = (RUN, SKIP, ERROR)


@dataclass(frozen=True)
class Magic:
    """One line of a block that is IPython, not Python."""

    #: 0-based line in the block's code.
    offset: int
    #: ``%matplotlib``, ``%%time``, ``!pip``, ``torch.tensor?``.
    word: str
    #: :data:`DROPPED`, :data:`TIMED`, :data:`SHELL` or :data:`NOT_RUN`.
    kind: str
    #: Why it is not run, for :data:`NOT_RUN`.
    why: str = ""

    def describe(self) -> str:
        """``IPython magic %matplotlib``, ``shell escape !pip``, ``IPython help x?``."""
        if self.word.startswith("!"):
            return f"shell escape {self.word}"
        if self.word.startswith("%"):
            return f"IPython magic {self.word}"
        return f"IPython help {self.word}"

    def note(self, line: int) -> str:
        """What the block's report says about it, at 0-based note line ``line``."""
        at = f"line {shown(line)}: {self.describe()}"
        if self.kind == DROPPED:
            return f"{at} left out (it only configures the notebook)"
        if self.kind == SHELL:
            return f"{at} not run"
        if self.kind == TIMED:
            return f"{at} ran its code once; timing lines not compared"
        return f"{at} {self.why}"


@dataclass(frozen=True)
class Prepared:
    """A block's code with its magics turned into Python, line for line."""

    code: str
    magics: tuple[Magic, ...]
    #: Whether the value of the last expression may be displayed (``%%timeit`` shows none,
    #: nor does a ``%timeit`` line that ends the block).
    display: bool = True

    @property
    def not_run(self) -> Magic | None:
        """The first magic that keeps the block from running."""
        return next((magic for magic in self.magics if magic.kind == NOT_RUN), None)

    @property
    def timed(self) -> bool:
        """Some code is timed: IPython's timing lines in the expected output are not compared."""
        return any(magic.kind == TIMED for magic in self.magics)

    def notes(self, code_line: int) -> list[str]:
        """One note per magic line; ``code_line`` is the 0-based note line of the code."""
        return [magic.note(code_line + magic.offset) for magic in self.magics]


def prepare(code: str) -> Prepared | None:
    """The block's code with its magics made Python, or ``None`` when it has none.

    >>> prepared = prepare("%matplotlib inline\\nx = 7 % 4\\n%time y = x + 1")
    >>> print(prepared.code)
    pass
    x = 7 % 4
    y = x + 1
    >>> [(magic.offset, magic.word, magic.kind) for magic in prepared.magics]
    [(0, '%matplotlib', 'dropped'), (2, '%time', 'timed')]
    >>> prepare("s = '''\\n%matplotlib inline\\n'''") is None
    True
    """
    if "%" not in code and "!" not in code and "?" not in code:
        return None  # what MAGIC or HELP matches holds one: most blocks hold none
    lines = code.split("\n")
    candidates = [
        index for index, line in enumerate(lines) if MAGIC.match(line) or HELP.match(line)
    ]
    if not candidates or _compiles(code):
        return None
    first = next(index for index, line in enumerate(lines) if line.strip())
    magics: dict[int, Magic] = {}
    replaced: dict[int, str] = {}
    display = True
    if lines[first].startswith("%%"):
        magic, replaced[first] = _cell_magic(first, lines[first])
        if magic.kind == NOT_RUN:
            return Prepared(code, (magic,), display=False)
        magics[first] = magic
        display = magic.word != "%%timeit"
        candidates.remove(first)
    for index in candidates:
        magics[index], replaced[index] = _line_magic(index, lines[index])
    trial = [replaced.get(index, line) for index, line in enumerate(lines)]
    # A line that compiles as written is Python (inside a string, continuing an expression).
    for index in candidates:
        attempt = [*trial[:index], lines[index], *trial[index + 1 :]]
        if _compiles("\n".join(attempt)):
            trial = attempt
            del magics[index]
    prepared = "\n".join(trial)
    if not magics:
        return None
    if not _compiles(prepared) and any(magic.kind == NOT_RUN for magic in magics.values()):
        # With a syntax error elsewhere, a line that looks like an unknown magic may be
        # Python after all (in a string): the block's own syntax error is reported. Known
        # magics are left out first, so that the error names the line at fault.
        return None
    last = max(index for index, line in enumerate(trial) if line.strip())
    ends_timeit = last in magics and magics[last].word == "%timeit"
    return Prepared(
        prepared,
        tuple(magic for _, magic in sorted(magics.items())),
        display=display and not ends_timeit,
    )


def _cell_magic(index: int, line: str) -> tuple[Magic, str]:
    """What a ``%%`` line at the top of a block stands for, and the Python line for it."""
    word, _, rest = line.rstrip().partition(" ")
    if word == "%%time":
        if rest.strip():
            why = "has code after it on its line, which IPython refuses: the block is not run"
            return Magic(index, word, NOT_RUN, why), "pass"
        return Magic(index, word, TIMED), "pass"
    if word == "%%tab":
        return Magic(index, word, DROPPED), "pass"  # d2lbook's framework tab: see tabs.py
    if word == "%%timeit":
        setup = rest[TIMEIT_OPTIONS.match(rest).end() :]  # type: ignore[union-attr]
        return Magic(index, word, TIMED), setup.strip() or "pass"
    return Magic(index, word, NOT_RUN, "is not Python: the block is not run"), "pass"


def _line_magic(index: int, line: str) -> tuple[Magic, str]:
    """What a line magic, shell escape or help line stands for, and the Python line for it."""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    help_line = HELP.match(line)
    if help_line is not None:
        word = help_line.group("word")
        return Magic(index, word, NOT_RUN, "is not Python: the block is not run"), indent + "pass"
    match = MAGIC.match(line)
    assert match is not None
    word = match.group("word")
    head, rest = line[: match.start("word")], line[match.end("word") :]
    assigned = head.strip() != ""
    name = word.lstrip("%")
    if word.startswith("%%"):
        why = "is a cell magic, which only the first line of a block may hold: the block is not run"
        return Magic(index, word, NOT_RUN, why), indent + "pass"
    if name == "time" and rest.strip():
        return Magic(index, word, TIMED), head + rest.strip()
    if name == "timeit" and not assigned:
        statement = rest[TIMEIT_OPTIONS.match(rest).end() :].strip()  # type: ignore[union-attr]
        if statement:
            return Magic(index, word, TIMED), indent + statement
    elif not assigned and name in CONFIGURATION:
        return Magic(index, word, DROPPED), indent + "pass"
    elif not assigned and (word.startswith("!") or name in SHELL_MAGICS):
        return Magic(index, word, SHELL), indent + "pass"
    return Magic(index, word, NOT_RUN, "is not Python: the block is not run"), indent + "pass"


def _compiles(code: str) -> bool:
    try:
        with warnings.catch_warnings():
            # a SyntaxWarning about the block is for its run to report, not for this check
            warnings.simplefilter("ignore")
            compile(code, "<block>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def as_run(code: str) -> tuple[str, ast.Module] | None:
    """The code of a block as it runs, with its IPython magics made Python (``%matplotlib
    inline`` above the imports of a notebook's first cell), and its tree; ``None`` when it
    does not parse.

    >>> code, tree = as_run("%matplotlib inline\\nimport torch")
    >>> code.splitlines()[1], type(tree.body[1]).__name__
    ('import torch', 'Import')
    """
    for candidate in (code, getattr(prepare(code), "code", None)):
        if candidate is None:
            continue
        try:
            return candidate, ast.parse(candidate)
        except (SyntaxError, ValueError):
            continue
    return None
