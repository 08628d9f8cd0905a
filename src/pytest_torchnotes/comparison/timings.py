"""Output that differs only in the timings it shows.

``torch.utils.benchmark``'s ``Measurement``, ``timeit`` and a training loop's ``took
0.53 s`` print durations that differ on every run and machine: the drift is no drift of
the code, and the failure names the directive that leaves such numbers uncompared.
"""

from __future__ import annotations

import re

from pytest_torchnotes.comparison.normalize import mask_addresses

#: A duration: a number and a unit of time (``2.43 us``, ``1.2ms``, ``3 seconds``).
TIMING = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?[ \t]*"
    r"(?:ns|us|µs|μs|ms|s|sec|secs|seconds?|nsec|usec|msec|min|minutes?)(?![\w/])"
)

#: What stands for a duration when two outputs are compared without them.
DURATION = "<duration>"


def only_timings_differ(expected: str, actual: str) -> bool:
    """Whether ``actual`` is ``expected`` but for the durations they show (and the
    addresses of objects, which the comparison masks anyway).

    >>> only_timings_differ("x + 1\\n  2.43 us\\n  1 measurement, 100 runs", "x + 1\\n  3.1 ms\\n"
    ...                     "  1 measurement, 100 runs")
    True
    >>> only_timings_differ("took 2 s, loss 0.5", "took 3 s, loss 0.4")
    False
    """
    if TIMING.search(expected) is None or expected == actual:
        return False
    return _without_timings(expected) == _without_timings(actual)


def _without_timings(text: str) -> list[str]:
    lines = TIMING.sub(DURATION, mask_addresses(text)).strip().split("\n")
    return [" ".join(line.split()) for line in lines]


def timing_hint(expected: str, actual: str, *, transcript: bool) -> str | None:
    """The line a block whose output differs only in its timings gains; ``None`` otherwise.
    The directive it names is one under which the block passes: ``compare structure``
    leaves numbers uncompared but not their units, so a timing that changed its unit
    (``0.8 us``, now ``1.2 ms``) is written ``...`` and compared with ``compare ellipsis``
    (an example of a transcript leaves its output uncompared: a line ``...`` there reads as
    a continuation prompt)."""
    if not only_timings_differ(expected, actual):
        return None
    found = TIMING.findall(expected)
    units = [_unit(timing) for timing in found]
    same_units = units == [_unit(timing) for timing in TIMING.findall(actual)]
    shown = f"only the timings its output shows ({found[0]}) differ, as they do on every run"
    if transcript and not same_units:
        return (
            f"{shown} and machine, their units too: add '# xdoctest: +IGNORE_WANT' at the end"
            " of the example's line to leave its output uncompared"
        )
    if not same_units:
        return (
            f"{shown} and machine, their units too: write ... for each timing and mark the"
            " block <!-- torchnotes: compare ellipsis -->"
        )
    ignore = (
        ", or add '# xdoctest: +IGNORE_WANT' at the end of the example's line" if transcript else ""
    )
    return (
        f"{shown} and machine: mark the block <!-- torchnotes: compare structure --> to leave"
        f" its numbers uncompared{ignore}"
    )


def _unit(timing: str) -> str:
    return timing.lstrip("0123456789.eE+- \t")
