"""The interpreter's own output streams, lent to a note as stand-ins.

``sys.__stdout__`` is the stream pytest's terminal writes the whole session's report to.
A block that closed it (``sys.__stdout__.close()``, as a script may before it exits) left
pytest no stream to write to: the session ended with ``ValueError: I/O operation on closed
file`` and no report. ``sys.__stderr__`` is where the time limit writes when pytest's
faulthandler plugin is off.

So while a note whose code names them runs, ``sys.__stdout__`` and ``sys.__stderr__`` are
stand-ins on the same file descriptors that write straight through: what the note writes
there goes where it went (file descriptor 1 is captured for the block), and what it closes
is its own stand-in. The session's own streams are put back after the note.
"""

from __future__ import annotations

import io
import sys
from typing import Any

#: What a note's code says when it names one of them.
WORD = "__std"

#: The streams lent, and the mode of their descriptor.
STREAMS = (("__stdout__", "w"), ("__stderr__", "w"))


def names_one(code: str) -> bool:
    """Whether ``code`` may reach ``sys.__stdout__`` or ``sys.__stderr__``."""
    return WORD in code


class StdStreamsGuard:
    """Between :meth:`start` and :meth:`restore`, stand-ins for the streams of
    :data:`STREAMS`."""

    def __init__(self) -> None:
        self._saved: list[tuple[str, Any]] = []

    def start(self) -> None:
        for name, mode in STREAMS:
            original = getattr(sys, name, None)
            try:
                descriptor = original.fileno()  # type: ignore[union-attr]
            except (AttributeError, OSError, ValueError):  # None, or no descriptor
                continue
            stand_in = io.TextIOWrapper(
                io.FileIO(descriptor, mode, closefd=False),
                encoding=original.encoding,  # type: ignore[union-attr]
                errors=original.errors,  # type: ignore[union-attr]
                write_through=True,
            )
            self._saved.append((name, original))
            setattr(sys, name, stand_in)

    def restore(self) -> list[str]:
        """Put the session's streams back; nothing of the note's is named (a stand-in it
        closed or replaced was its own)."""
        for name, original in reversed(self._saved):
            setattr(sys, name, original)
        self._saved = []
        return []
