"""Expected output that ends in a traceback: the block is expected to raise.

Read as doctest reads a traceback: the header line, then frames that are not compared (any
indented lines, or ``...``), then the exception, from the first line that starts with a
letter, digit or ``_`` to the end. The exception's type is compared as Python writes it
(``torch.OutOfMemoryError``, ``RuntimeError``: qualified unless it is a built-in), its
message by the comparison rules of the block. What stands before the header is what the
block printed before raising.

A notebook's export and a post pasted from Jupyter write IPython's traceback instead: a
rule, ``RuntimeError      Traceback (most recent call last)``, frames that name the cell
(``Cell In[3], line 1``, ``<ipython-input-3-...> in <module>``, ``File ~/x.py:5, in f()``)
with an arrow at the line (``----> 1 b.matmul(a)``), then the exception. Its header is the
rule and title, or, where only the end was pasted, the first frame line; the frame lines
that start with a letter are frames, not the exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The first line of a traceback (doctest also reads Python 2's ``innermost last``).
TRACEBACK_HEADER = re.compile(r"^Traceback \((?:most recent call last|innermost last)\):[ \t]*$")

#: The first line of the exception after the frames (doctest's rule: it starts with a
#: letter, digit or ``_``), with the exception's type and message.
EXCEPTION_LINE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::(?P<message>.*))?$")

#: IPython's title line: ``RuntimeError      Traceback (most recent call last)``.
IPYTHON_TITLE = re.compile(r"^[A-Za-z_][\w.]*[ \t]+Traceback \(most recent call last\)[ \t]*$")

#: The rule IPython writes above its title.
IPYTHON_RULE = re.compile(r"^-{20,}[ \t]*$")

#: A line of an IPython frame that starts with a letter, digit or ``<``: where the frame is
#: (``Cell In[3], line 1``, ``Input In [3], in <cell line: 1>()``, ``<ipython-input-3-ab>
#: in <module>``, ``File ~/site-packages/torch/nn/modules/module.py:1501, in f(x)``, and as
#: IPython 7 wrote a file on Windows: ``C:\Users\me\torch\nn\module.py in forward(self, x)``).
IPYTHON_FRAME = re.compile(
    r"^(?:Cell In\[\d+\], line \d+|Input In \[\d+\]|<ipython-input-[^>]*>"
    r"|File [^\n]*:\d+(?:, in .*)?$|[A-Za-z]:[\\/][^\n]* in [\w<][^\n]*\(.*\)$)"
)

#: The arrow at the line of an IPython frame: ``----> 1 b.matmul(a)``.
IPYTHON_ARROW = re.compile(r"^-{2,}>[ \t]*\d+")

#: The name of an exception, where no header says that a traceback starts.
EXCEPTION_NAME = re.compile(r"(?:Error|Exception|Exit|Interrupt|Iteration|Warning)$")

#: What every traceback read here holds: its header or IPython's title (``Traceback (``),
#: or, where only the end of IPython's traceback was pasted, an arrow (``->``) or a frame
#: line of :data:`IPYTHON_FRAME` (``In[``, ``In [``, ``<ipython-input-``, ``File ``, a
#: drive's ``:\\`` or ``:/``). Every block's expected output is asked whether it is a
#: traceback; text that holds none of these is not, told without reading it line by line.
TRACEBACK_HINTS = ("Traceback (", "->", "In[", "In [", "<ipython-input-", "File ", ":\\", ":/")

#: Any of :data:`TRACEBACK_HINTS`: one search, which costs less than a test for each.
ANY_TRACEBACK_HINT = re.compile("|".join(map(re.escape, TRACEBACK_HINTS)))

#: The line written for the frames by ``--torchnotes-update``: doctest's ellipsis.
FRAMES = "  ..."


@dataclass(frozen=True)
class ExpectedRaise:
    """A traceback in expected output."""

    #: What the block prints before it raises.
    printed: str
    #: As written: ``RuntimeError``, ``torch.OutOfMemoryError``.
    type_name: str
    #: The message, every line of it (``""`` for none).
    message: str
    #: 0-based positions, in the section's lines, of the (last) header and of the exception.
    header: int
    exception: int

    def describe(self) -> str:
        first = self.message.strip().split("\n")[0]
        return f"{self.type_name}: {first}" if first else self.type_name


def read_traceback(text: str) -> ExpectedRaise | None:
    """The exception ``text`` expects, when it holds a traceback.

    Of a chained traceback (``During handling of the above exception...``) the last
    exception is compared, the one the block raises.

    >>> expected = read_traceback('''before
    ... Traceback (most recent call last):
    ...   File "<stdin>", line 1, in <module>
    ... ValueError: bad
    ... value''')
    >>> expected.printed, expected.type_name, expected.message
    ('before', 'ValueError', 'bad\\nvalue')
    >>> read_traceback("Traceback is a word") is None
    True
    """
    return read_lines(text) if may_hold_traceback(text) else None


def read_lines(text: str) -> ExpectedRaise | None:
    """:func:`read_traceback` of any ``text``, read line by line whatever it holds."""
    lines = text.split("\n")
    headers = [index for index, line in enumerate(lines) if TRACEBACK_HEADER.match(line)]
    if not headers:
        return _ipython_traceback(lines)
    first = next(
        (index for index in range(headers[-1] + 1, len(lines)) if re.match(r"\w", lines[index])),
        None,
    )
    if first is None:
        return None
    return _expected(lines, headers[0], headers[-1], first)


def may_hold_traceback(text: str) -> bool:
    """Whether ``text`` holds one of :data:`TRACEBACK_HINTS`, as every traceback does.

    >>> may_hold_traceback("tensor([1, 2])"), may_hold_traceback("----> 1 f()")
    (False, True)
    """
    return ANY_TRACEBACK_HINT.search(text) is not None


def _ipython_traceback(lines: list[str]) -> ExpectedRaise | None:
    """The exception of IPython's traceback in ``lines``, whole or only its end.

    >>> pasted = ["----> 1 b.matmul(a)", "", "RuntimeError: mat1 and mat2 shapes"]
    >>> expected = _ipython_traceback(pasted)
    >>> expected.type_name, expected.header, expected.exception
    ('RuntimeError', 0, 2)
    >>> _ipython_traceback(["---> 1 step", "done"]) is None
    True
    """
    titles = [index for index, line in enumerate(lines) if IPYTHON_TITLE.match(line)]
    # a chained exception ("During handling of the above exception, ...") writes a title
    # for each: what stands before the first was printed, the last names what was raised
    title = titles[-1] if titles else None
    start: int | None
    if titles:
        # the rule above the first title, maybe a blank line away (an export's indented
        # output writes a blank line between any two lines)
        above = next(
            (index for index in range(titles[0] - 1, -1, -1) if lines[index].strip()), None
        )
        start = above if above is not None and IPYTHON_RULE.match(lines[above]) else titles[0]
    else:
        start = next(
            (
                index
                for index, line in enumerate(lines)
                if IPYTHON_ARROW.match(line) or IPYTHON_FRAME.match(line)
            ),
            None,
        )
    if start is None:
        return None
    first = next(
        (
            index
            for index in range(max(start, title or 0) + 1, len(lines))
            if re.match(r"\w", lines[index]) and not IPYTHON_FRAME.match(lines[index])
        ),
        None,
    )
    if first is None:
        return None
    expected = _expected(lines, start, start, first)
    if expected is None or (title is None and not EXCEPTION_NAME.search(expected.type_name)):
        return None
    return expected


def _expected(lines: list[str], start: int, header: int, first: int) -> ExpectedRaise | None:
    """The traceback whose first header is at ``start``, its last at ``header``, and whose
    exception starts at ``first``; ``None`` when that line names no exception."""
    match = EXCEPTION_LINE.match(lines[first])
    if match is None:
        return None
    message = "\n".join([(match.group("message") or "").removeprefix(" "), *lines[first + 1 :]])
    return ExpectedRaise(
        "\n".join(lines[:start]),
        match.group("type"),
        message.rstrip(),
        header,
        first,
    )


def exception_text(type_name: str, message: str) -> str:
    """The exception's last line as Python writes it.

    >>> exception_text("KeyError", "'a'"), exception_text("StopIteration", "")
    ("KeyError: 'a'", 'StopIteration')
    """
    return f"{type_name}: {message}" if message else type_name


def as_traceback(printed: str, type_name: str, message: str) -> str:
    """Output and exception written as expected output: what was printed, the header, the
    frames as ``  ...``, the exception.

    >>> print(as_traceback("3\\n", "ValueError", "bad"))
    3
    Traceback (most recent call last):
      ...
    ValueError: bad
    """
    head = printed.rstrip("\n")
    lines = [head] if head else []
    lines += ["Traceback (most recent call last):", FRAMES, exception_text(type_name, message)]
    return "\n".join(lines)


def raised_exception(type_name: str, message: str) -> str:
    """An exception as a transcript's traceback (``>>>`` or IPython) writes it, so that it
    reads back as what was raised: doctest compares the type without its module.

    >>> raised_exception("torch.OutOfMemoryError", "CUDA out of memory")
    'OutOfMemoryError: CUDA out of memory\\n'
    >>> raised_exception("StopIteration", "")
    'StopIteration\\n'
    """
    return exception_text(type_name.split(".")[-1], message) + "\n"
