"""Whether running notes on several pytest-xdist workers paid for the workers' start.

Each worker is a new Python process whose first note imports torch and warms it up
(seconds); a serial run pays that once. When the notes themselves take less time than
that, what the workers share out is less than what each of them pays first, and the run is
slower than a serial one: the torchnotes summary says so, when the run took longer than a
serial run of the same notes takes by what the workers measured.
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

    def advice(self, elapsed: float | None) -> str | None:
        """A line for the summary when running the notes serially would have been quicker:
        when ``elapsed``, the seconds from the workers' launch to the end of the run, is
        more than a serial run of the same notes takes, by what the workers measured.

        A serial run pays one worker's start too (it imports torch for its first note), so
        that estimate is one first note's start, the quickest worker's (what its first note
        took beyond a typical note's time), and every note's own time as the workers ran
        them. Workers that shared the cores ran their notes no quicker than a serial run
        would, so the estimate is no less than what a serial run takes (but for its
        collection), and the line is only shown when the workers really lost time.
        ``None`` for a serial run, one worker, or an unknown ``elapsed``.

        >>> starts = WorkerStarts()
        >>> for seconds, first in [(3.1, True), (3.3, True)] + [(0.1, False)] * 4:
        ...     starts.add(seconds, first)
        >>> print(starts.advice(elapsed=5.0))
        pytest-xdist: 2 workers took 5.0 s from their launch to the end of the run; the \
same notes run serially take about 3.6 s (one start of torch, 3.0 s, as the quickest \
worker's first note took it, and the notes' own 0.6 s as the workers ran them): notes \
this quick run faster without -n
        >>> starts.advice(elapsed=3.0) is None
        True
        """
        workers = len(self.firsts)
        if workers < 2 or elapsed is None:
            return None
        typical = statistics.median(self.durations)
        starts = [max(0.0, first - typical) for first in self.firsts]
        own = sum(self.durations) - sum(starts)
        serial = min(starts) + own
        if elapsed <= serial:
            return None
        return (
            f"pytest-xdist: {workers} workers took {elapsed:.1f} s from their launch to the end "
            f"of the run; the same notes run serially take about {serial:.1f} s (one start of "
            f"torch, {min(starts):.1f} s, as the quickest worker's first note took it, and the "
            f"notes' own {own:.1f} s as the workers ran them): notes this quick run faster "
            f"without -n"
        )
