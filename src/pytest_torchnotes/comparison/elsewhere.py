"""Expected lines that the block wrote somewhere other than stdout.

A notebook shows what a cell wrote to stderr and the warnings it raised among its output, so
notes copied from one often hold them. Only stdout is compared: when lines of the expected
output that the block did not print are lines it wrote to stderr, or the text of a warning
it raised, the failure says so rather than leave the diff unexplained.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pytest_torchnotes.words import plural

#: Longest expected line quoted in the message.
QUOTED = 60

#: A line of a tqdm progress bar, which tqdm writes to stderr, redrawn with ``\r``:
#: ``epoch 1:  40%|████      | 2/5 [00:01<00:02, 1.50it/s, loss=0.3]``, or with no total,
#: ``3it [00:00, 1500.12it/s]``. Its counts and rates change from run to run, so an expected
#: bar is matched with any bar the block wrote to stderr.
PROGRESS_BAR = re.compile(
    r"(?:^|: *)(?:\d{1,3}%\|[^|]*\| *[\d.]+[kMGT]?/[\d.]+[kMGT]?|[\d.]+[kMGT]?it) \[[\d:?]+"
)


def written_elsewhere(
    expected: str, actual: str, stderr: str, warnings: Iterable[str] = ()
) -> list[str]:
    """The lines of ``expected`` that are not in ``actual`` (stdout) but that are a line of
    ``stderr`` or hold the text of one of ``warnings`` (``Category: message``).

    >>> written_elsewhere("a\\nb\\n/x.py:2: UserWarning: w", "b", "a\\n", ["UserWarning: w"])
    ['a', '/x.py:2: UserWarning: w']
    >>> written_elsewhere("a", "a", "a\\n")
    []
    >>> bar = "100%|##########| 3/3 [00:00<00:00, 1500.12it/s]"
    >>> written_elsewhere(bar + "\\nok", "ok", "\\r 33%|###  | 1/3 [00:00<00:01, 2.10it/s]")
    ['100%|##########| 3/3 [00:00<00:00, 1500.12it/s]']
    >>> written_elsewhere(bar, "", "no bar here\\n")
    []
    """
    printed = {line.strip() for line in actual.splitlines()}
    written = {line.strip() for line in stderr.splitlines() if line.strip()}
    texts = [text for text in warnings if text]
    bars = any(PROGRESS_BAR.search(line) for line in written)
    found = []
    for line in expected.splitlines():
        text = line.strip()
        if not text or text in printed:
            continue
        if text in written or any(warning in text for warning in texts):
            found.append(text)
        elif bars and PROGRESS_BAR.search(text):
            found.append(text)  # the bar as the note's run drew it, not as this one did
    return found


def elsewhere_lines(lines: list[str]) -> list[str]:
    """What a failure message says of ``lines`` (:func:`written_elsewhere`).

    >>> print(elsewhere_lines(["a", "b"])[0][:54])
      expected 'a' (and 1 more line) went to stderr or was
    """
    if not lines:
        return []
    first = lines[0] if len(lines[0]) <= QUOTED else lines[0][: QUOTED - 1] + "…"
    more = f" (and {plural(len(lines) - 1, 'more line')})" if len(lines) > 1 else ""
    return [
        f"  expected {first!r}{more} went to stderr or was raised as a warning, not printed "
        "to stdout: only stdout is compared, so leave such lines out of the expected output "
        "(a warning can be declared with <!-- torchnotes: warns CATEGORY: MESSAGE -->)"
    ]
