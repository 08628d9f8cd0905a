"""The handlers of the named loggers, as one knob.

A note that gives a library's logger a handler (``logging.getLogger("mylib").addHandler(
logging.StreamHandler(sys.stdout))``, ``logging.config.dictConfig``) would leave it to every
later note: their messages would print twice, into their compared output. (The root logger's
handlers are a knob of their own.)

Reading which handlers each of the ~220 loggers torch makes holds would cost every note a
walk of them all. ``logging`` keeps a weak reference to every handler alive
(``logging._handlerList``), appended when a handler is made and removed when it is freed: a
note that makes a handler, or takes one off that nothing else holds, changes that list. The
knob reads the list (its references, compared by identity) at every note, and the handlers
of each logger only when the list is not the one of the last such walk.

A note that moves a handler that was already there from one logger to another, or only
takes one off (``logging.getLogger("torch").removeHandler(h)``), changes no handler's life:
while a note whose code names a handler runs (:data:`exact`), each reading walks the
loggers and readings are compared by the handlers of each logger, and a logger that had
none gets none back.
"""

from __future__ import annotations

import logging
import operator
from typing import Any

#: Where ``logging`` keeps a weak reference to each live handler (``None``: not in this
#: Python).
HANDLER_REFS: list[Any] | None = getattr(logging, "_handlerList", None)


#: Whether the note running names a handler (``addHandler``, ``removeHandler``,
#: ``.handlers``): set by the sandbox before the note's state is read.
exact = False

#: The words of a note's code that make its readings :data:`exact`.
HANDLER_WORDS = ("andler",)


class HandlerReading:
    """The live handlers at one moment and, for the loggers that had any, which;
    ``exact``: read by a walk of the loggers at that moment."""

    __slots__ = ("by_logger", "exact", "refs")

    def __init__(
        self,
        refs: tuple[Any, ...],
        by_logger: dict[logging.Logger, tuple[Any, ...]],
        exact: bool = False,
    ):
        self.refs = refs
        self.by_logger = by_logger
        self.exact = exact

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HandlerReading):
            return NotImplemented
        # By identity: no handler's __eq__ runs.
        if not _same_objects(self.refs, other.refs):
            return False
        if not (self.exact or other.exact):
            return True
        mine, theirs = self.by_logger, other.by_logger
        return mine.keys() == theirs.keys() and all(
            _same_objects(handlers, theirs[logger]) for logger, handlers in mine.items()
        )

    __hash__ = None  # type: ignore[assignment]


#: The last walk of the loggers, which a reading of the same live handlers takes.
_walked: HandlerReading | None = None


def read() -> HandlerReading:
    global _walked
    refs = tuple(HANDLER_REFS or ())
    walked = _walked
    if exact:
        _walked = HandlerReading(refs, _handlers_by_logger(), exact=True)
        return _walked
    if walked is not None and _same_objects(refs, walked.refs):
        return walked
    _walked = HandlerReading(refs, _handlers_by_logger())
    return _walked


def restore(saved: HandlerReading) -> None:
    """Give each logger the handlers it had; take a handler made since (a live one that
    ``saved`` does not know) off a logger made since."""
    global _walked
    _walked = None  # the walk after the note holds the note's handlers: let them go
    known = {id(ref) for ref in saved.refs}
    for logger in _loggers():
        handlers = logger.handlers
        before = saved.by_logger.get(logger)
        if before is not None:
            if not _same_objects(tuple(handlers), before):
                handlers[:] = before
        elif handlers and saved.exact:
            handlers.clear()  # it had none: one moved here is taken off too
        elif handlers:
            handlers[:] = [h for h in handlers if _made_before(h, known)]


def _made_before(handler: Any, known: set[int]) -> bool:
    return any(id(ref) in known and ref() is handler for ref in HANDLER_REFS or ())


def _handlers_by_logger() -> dict[logging.Logger, tuple[Any, ...]]:
    return {logger: tuple(logger.handlers) for logger in _loggers() if logger.handlers}


def _loggers() -> list[logging.Logger]:
    return [
        logger
        for logger in list(logging.root.manager.loggerDict.values())
        if isinstance(logger, logging.Logger)
    ]


def _same_objects(now: tuple[Any, ...], then: tuple[Any, ...]) -> bool:
    return len(now) == len(then) and all(map(operator.is_, now, then))
