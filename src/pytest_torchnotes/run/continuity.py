"""The state one note found, taken again as the next note's, when nothing ran between them.

A note's isolation reads every knob of global state (:mod:`.knobs`) when it opens, to put
it back when it closes. A note that changed none of it leaves the state as it found it: the
knobs read then are the state of the moment. When the next note follows at once, with
nothing but the session's own code between the two, reading them all again gives the same
values, and costs about as much as putting them back. So the runner may keep them
(:meth:`Continuity.leave`) and give them to the next note (:meth:`Continuity.take`).

Only when it is known that nothing else ran: the driver says so (the pytest plugin forgets
them when any other item runs, or a note item has fixtures, a ``torchnotes_namespace`` of
a ``conftest.py`` or hooks of one around it, :meth:`Continuity.forget`), and this module
checks what it can see itself:

- the previous note changed no state (nothing was put back or named after it) and left no
  thread running, a daemon thread included;
- the same Python threads run now as when it ended;
- the knobs are the same objects (:func:`.knobs.every_knob` made none anew);
- no guard was put on before the snapshot, in either note, but the writers every note gets.

The knobs that the session's code changes between two notes by itself are read again
every time (:data:`FRESH`): the environment (pytest's ``PYTEST_CURRENT_TEST``), the
warning filters (pytest's per item), the random states (pytest-randomly reseeds them),
the ``SIGALRM`` handler and interval timer (pytest-timeout), the hooks pytest sets around
an item.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from pytest_torchnotes.run.knobs import Knob

#: Knobs read at every note: what pytest and its common plugins change between two items.
FRESH = frozenset(
    {
        "environment variables",
        "warning filters",
        "random state",
        "torch CPU random state",
        "signal handler SIGALRM",
        "interval timers",
        "sys.excepthook",
        "sys.unraisablehook",
        "threading.excepthook",
        "logging root logger",
        "trace function",
        "profile function",
        "threading trace function",
        "threading profile function",
    }
)


class Continuity:
    """The knobs one note read when it opened, kept for the next when it changed nothing.

    Off until the driver turns it on (:attr:`enabled`): a runner driven by code that does
    not say what runs between notes reads every note's state afresh.
    """

    def __init__(self, enabled: bool = False) -> None:
        self.enabled = enabled
        self._knobs: Sequence[Knob] | None = None
        self._saved: list[Any] = []
        self._threads: frozenset[threading.Thread] = frozenset()
        #: How many notes took the previous note's knobs (for tests and measurements).
        self.taken = 0

    def forget(self) -> None:
        """Something else may have run: the next note reads the state afresh."""
        self._knobs = None
        self._saved = []

    def leave(self, knobs: Sequence[Knob], saved: list[Any], clean: bool) -> None:
        """A note ended; ``saved`` is what its ``knobs`` read when it opened. ``clean``:
        it changed no state, left no thread and put no guard on before its snapshot."""
        if not (self.enabled and clean):
            self.forget()
            return
        self._knobs, self._saved = knobs, saved
        self._threads = frozenset(threading.enumerate())

    def take(self, knobs: Sequence[Knob]) -> list[Any] | None:
        """What ``knobs`` read now, where the previous note's reading holds: its values, with
        the :data:`FRESH` knobs read again. ``None`` when the state must be read afresh."""
        kept, saved = self._knobs, self._saved
        self.forget()  # taken once: the note's own end decides whether it is left again
        if (
            not self.enabled
            or kept is None
            or len(kept) != len(knobs)
            or not all(old is new for old, new in zip(kept, knobs, strict=True))
            or frozenset(threading.enumerate()) != self._threads
        ):
            return None
        self.taken += 1
        return [
            knob.get() if knob.name in FRESH else value
            for knob, value in zip(knobs, saved, strict=True)
        ]
