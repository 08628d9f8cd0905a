"""Expected output that ends in a traceback: the block is expected to raise.

Read as doctest reads a traceback: the header line, then frames that are not compared (any
indented lines, or ``...``), then the exception, from the first line that starts with a
letter, digit or ``_`` to the end. The exception's type is compared as Python writes it
(``torch.OutOfMemoryError``, ``RuntimeError``: qualified unless it is a built-in), its
message by the comparison rules of the block. What stands before the header is what the
block printed before raising.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The first line of a traceback (doctest also reads Python 2's ``innermost last``).
TRACEBACK_HEADER = re.compile(r"^Traceback \((?:most recent call last|innermost last)\):[ \t]*$")

#: The first line of the exception after the frames (doctest's rule: it starts with a
#: letter, digit or ``_``), with the exception's type and message.
EXCEPTION_LINE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::(?P<message>.*))?$")

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
    lines = text.split("\n")
    headers = [index for index, line in enumerate(lines) if TRACEBACK_HEADER.match(line)]
    if not headers:
        return None
    first = next(
        (index for index in range(headers[-1] + 1, len(lines)) if re.match(r"\w", lines[index])),
        None,
    )
    if first is None:
        return None
    match = EXCEPTION_LINE.match(lines[first])
    if match is None:
        return None
    message = "\n".join([(match.group("message") or "").removeprefix(" "), *lines[first + 1 :]])
    return ExpectedRaise(
        "\n".join(lines[: headers[0]]),
        match.group("type"),
        message.rstrip(),
        headers[-1],
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
