"""An exception whose ``str()`` does not return.

Describing what a block raised calls the exception's ``__str__`` (and those of the
exceptions it was raised from) after the block, outside its time limit: one that loops
would hang the session there. It is described under the block's limit instead, and past
it the failure names the exception's class, its traceback and that its text could not be
read.
"""

from __future__ import annotations

import dataclasses
import os
import traceback
from collections.abc import Callable

from pytest_torchnotes.run.errors import ErrorInfo, class_names, describe_error, type_name_of
from pytest_torchnotes.run.timers import BlockTimeout, TimeLimit

#: The message of an exception whose text could not be read within the limit.
UNREAD = "<the str() of {name} did not return within {seconds:g} s>"

#: Bound at import: a note may replace them. A ``__str__`` that forks (the child would come
#: back into the session's code) ends its child with status 1, as a script's child ends
#: after printing the exception that ended it.
_GETPID = os.getpid
_EXIT = os._exit


class _StandIn(Exception):
    """Carries the traceback of the exception whose text could not be read."""


def describe_within(
    limit: TimeLimit,
    seconds: float | None,
    describe: Callable[[BaseException], ErrorInfo],
    error: BaseException,
    place: tuple[str, str],
) -> ErrorInfo:
    """``describe(error)`` under ``limit`` set to ``seconds``; past it, what can be said
    without calling any of the exception's methods. ``place`` is the note's file name and
    where the block is (``notes/x.md:7: block 2``)."""
    filename, where = place
    if isinstance(error, BlockTimeout):  # the limit's own: nothing of the block's to call
        return describe(error)
    stuck = error
    spawned = limit.spawned  # what the block started, which starting the limit forgets
    limit.start(seconds, f"{where}: describing its exception")
    limit.spawned = spawned
    pid = _GETPID()
    try:
        try:
            # Read first, apart: ``traceback`` swallows whatever a ``__str__`` raises,
            # the time limit's exception too, and would call it again.
            for link in chain(error):
                stuck = link
                try:
                    str(link)
                except BlockTimeout:
                    raise
                except BaseException:  # the description says it failed
                    pass
            stuck = error
            return describe(error)
        finally:
            if _GETPID() != pid:  # a child the text's __str__ forked: never back to the session
                _EXIT(1)
            limit.stop()
    except BlockTimeout:
        return unread(error, stuck, filename, seconds or 0.0)


def chain(error: BaseException) -> list[BaseException]:
    """``error`` and the exceptions it was raised from or during, each once."""
    seen: list[BaseException] = []
    todo = [error]
    while todo:
        link = todo.pop()
        if any(link is other for other in seen):
            continue
        seen.append(link)
        todo.extend(e for e in (link.__cause__, link.__context__) if e is not None)
    return seen


def unread(error: BaseException, stuck: BaseException, filename: str, seconds: float) -> ErrorInfo:
    """The failure of a block whose exception's text could not be read (``stuck``'s, which
    is ``error`` or one it was raised from): its class, its traceback (walked without calling
    the exception) and its line in the note."""
    message = UNREAD.format(name=type(stuck).__name__, seconds=seconds)
    stand_in = _StandIn(message).with_traceback(error.__traceback__)
    info = describe_error(stand_in, filename)
    type_name = type_name_of(error)
    own_line = "".join(traceback.format_exception_only(stand_in))
    text = info.traceback.removesuffix(own_line) + f"{type_name}: {message}\n"
    return dataclasses.replace(
        info, type_name=type_name, names=class_names(error), message=message, traceback=text
    )
