"""Freeing a note's objects under its time limit.

A note's objects are freed when it ends, outside any of its blocks: a ``__del__`` that
never returns (a loop, a wait on a thread that has gone) would hang the session there, with
no block's time limit to stop it. They are freed under the note's limit instead; the
finalizer that runs past it is interrupted (Python ignores what a ``__del__`` raises) and
the note is told so.

A finalizer may fork (a ``__del__`` that runs a child process): the child came back from
freeing into the session's own code and ran the rest of the session beside it, while the
parent waited for it until the limit. It ends once the objects are freed, as a script's
child forked at exit ends when the interpreter is done.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run.timers import BlockTimeout, TimeLimit

#: What :attr:`NoteResult.freeing` says when freeing the note's objects ran past the limit.
PAST_LIMIT = (
    "freeing the note's objects did not finish within {seconds:g} s (a __del__ or weakref "
    "finalizer that does not return): it was interrupted"
)

#: Bound at import: a note may replace them.
_GETPID = os.getpid
_EXIT = os._exit


def free_within(limit: TimeLimit, seconds: float | None, free: Callable[[], None]) -> str | None:
    """Call ``free`` under ``limit`` set to ``seconds``; say why it did not finish, if so.

    ``BlockTimeout`` raised in a finalizer reaches ``sys.unraisablehook``: it is taken there
    (it is the session's, not the note's); what else a finalizer raises goes on to the hook
    that was set.
    """
    interrupted: list[BaseException] = []
    hook = sys.unraisablehook

    def unraisable(info: Any) -> None:
        if isinstance(info.exc_value, BlockTimeout):
            interrupted.append(info.exc_value)
        else:
            hook(info)

    sys.unraisablehook = unraisable
    pid = _GETPID()
    try:
        limit.start(seconds, "freeing the note's objects")
        try:
            free()
        finally:
            if _GETPID() != pid:  # a child a finalizer forked: never back to the session
                _EXIT(0)
            limit.stop()
    except BlockTimeout as error:
        interrupted.append(error)
    finally:
        sys.unraisablehook = hook
        # The hard limit's timer stays armed: the note's run disarms it once it is over,
        # or leaves it armed for a note that follows at once (run/faulttimer.py).
        limit.close(disarm=False)
    return PAST_LIMIT.format(seconds=seconds) if interrupted and seconds else None
