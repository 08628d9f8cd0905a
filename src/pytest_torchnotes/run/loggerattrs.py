"""Attributes a note gives loggers: ``logging.getLogger("x").big = tensor``, ``log =
logging.getLogger(__name__); log.state = {...}``. Loggers live as long as the process: what a
note hangs on one (a tensor, a model) would keep its memory for the rest of the session, and
every later note would find it there.

A note is watched only when its code names ``getLogger`` and sets some attribute through a
name or a call (what :mod:`.classattrs` and :mod:`.opaqueattrs` find): the names each logger
holds in its ``__dict__`` are read when the note starts (about 220 loggers once torch is
imported), and what a logger holds after the note beyond them is taken off. An attribute
the logger held before and the note changed is left as the note set it.
"""

from __future__ import annotations

import logging

#: What a note's code names when it reaches a logger.
WORD = "getLogger"


def names_loggers(code: str) -> bool:
    return WORD in code


class LoggerAttributeGuard:
    """Read the attribute names of every logger; :meth:`restore` takes off those added."""

    def __init__(self) -> None:
        self.saved = {id(logger): frozenset(vars(logger)) for logger in _loggers()}

    def restore(self) -> list[str]:
        changed = []
        for logger in _loggers():
            before = self.saved.get(id(logger), _FRESH)
            added = vars(logger).keys() - before
            for name in sorted(added):
                del vars(logger)[name]
                changed.append(f"logging.getLogger({logger.name!r}).{name}")
        return changed


def _loggers() -> list[logging.Logger]:
    return [
        logging.root,
        *(
            logger
            for logger in list(logging.root.manager.loggerDict.values())
            if isinstance(logger, logging.Logger)
        ),
    ]


#: What a logger made by ``logging.getLogger`` holds in its ``__dict__`` (a logger made
#: while the note ran holds no more than that of its own).
_FRESH = frozenset(vars(logging.Logger("_")).keys() | {"manager", "_cache"})
