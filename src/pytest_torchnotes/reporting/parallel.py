"""Whether running notes on several pytest-xdist workers paid for the workers' start.

Each worker is a new Python process whose first note imports torch and warms it up
(seconds); a serial run pays that once. When the notes themselves take less time than
that, what the workers share out is less than what each of them pays first, and the run is
slower than a serial one: the torchnotes summary says so.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class WorkerStarts:
    """How long each note took, and which notes were the first of their worker."""

    durations: list[float] = field(default_factory=list)
    firsts: list[float] = field(default_factory=list)
    #: For each first note whose start is known: the seconds from the workers' launch to it.
    waits: list[tuple[float, float]] = field(default_factory=list)

    def add(self, seconds: float, first: bool, waited: float | None = None) -> None:
        """A note that took ``seconds``; ``first`` when its worker imported torch for it,
        ``waited`` the seconds from the launch of the workers to its start."""
        self.durations.append(seconds)
        if first:
            self.firsts.append(seconds)
            if waited is not None and waited >= 0:
                self.waits.append((waited, seconds))

    def measured_start(self) -> float | None:
        """A worker's start, as ``-n auto`` counts it: the seconds from the launch of the
        workers to their first note (a new process, pytest, the notes collected), and what
        that note took beyond a typical note's time (importing torch), on average over the
        workers; ``None`` when no worker's first note has a known start.

        >>> starts = WorkerStarts()
        >>> for seconds, first, waited in [(3.1, True, 2.0), (3.1, True, 4.0)] + [
        ...     (0.1, False, None)
        ... ] * 4:
        ...     starts.add(seconds, first, waited)
        >>> starts.measured_start()
        6.0
        """
        if not self.waits:
            return None
        typical = statistics.median(self.durations)
        return sum(waited + max(0.0, first - typical) for waited, first in self.waits) / len(
            self.waits
        )

    def advice(self) -> str | None:
        """A line for the summary when the workers' start cost more than they shared out.

        A worker's start is what its first note took beyond a typical note's time.

        >>> starts = WorkerStarts()
        >>> for seconds, first in [(3.1, True), (3.1, True)] + [(0.1, False)] * 4:
        ...     starts.add(seconds, first)
        >>> print(starts.advice())
        pytest-xdist: each of 2 workers took 3.0 s to import torch and start its first \
note, more than running the notes shared among them saved (they ran 0.6 s in all): \
notes this quick run faster without -n
        """
        workers = len(self.firsts)
        if workers < 2:
            return None
        typical = statistics.median(self.durations)
        start = sum(first - typical for first in self.firsts) / workers
        work = sum(self.durations) - start * workers
        saved = work * (1 - 1 / workers)  # what sharing the notes out saves, at best
        if saved >= start:
            return None
        return (
            f"pytest-xdist: each of {workers} workers took {start:.1f} s to import torch and "
            f"start its first note, more than running the notes shared among them saved "
            f"(they ran {work:.1f} s in all): notes this quick run faster without -n"
        )
