"""What torch lets a process set once: a block that raised because the session's process
had set it already.

A note runs in a process that earlier notes ran in. ``torch.set_num_interop_threads`` takes
effect only before any inter-op parallel work, and only once: the same note that passes
alone, or as a script, fails after a note that called it or ran inter-op work, for a reason
its own code does not show. The hint says so, and what runs it as the note means. Read only
when a block raised.
"""

from __future__ import annotations

import re

from pytest_torchnotes.pytestargs import note_argument

#: What torch raises where it was set already, and the hint for each.
ONCE_PER_PROCESS = (
    (
        re.compile(r"cannot set number of interop threads after parallel work has started"),
        "torch takes the number of inter-op threads once per process, before any inter-op"
        " parallel work, and the session's process had set it or run such work before: an"
        " earlier block, an earlier note of the session or torchnotes_setup. Where an earlier"
        " note did, the note run alone ({command}) sets it; to give every note the same number,"
        " set it once in torchnotes_setup (--torchnotes-setup='import torch;"
        " torch.set_num_interop_threads(N)') and take the call out of the notes",
    ),
)


def once_per_process_hint(message: str, note: str) -> str | None:
    """The hint for an exception's ``message`` that says torch was set already, in the
    note at path ``note``.

    >>> hint = once_per_process_hint("Error: cannot set number of interop threads after"
    ...     " parallel work has started or set_num_interop_threads called", "notes/a b.md")
    >>> hint[:40], "(pytest 'notes/a b.md')" in hint
    ('torch takes the number of inter-op threa', True)
    >>> once_per_process_hint("something else", "notes/a.md") is None
    True
    """
    for pattern, hint in ONCE_PER_PROCESS:
        if pattern.search(message):
            argument, remark = note_argument(note)
            return hint.format(command=f"pytest {argument}{remark}")
    return None
