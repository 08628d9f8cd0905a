"""The settings of every logger (``disabled``, ``level``, ``propagate``), read as one knob.

torch has some 220 loggers once ``torch._dynamo`` is imported, and the knob is read at the
end of every note. A reading keeps the loggers' names and the loggers in the logging
manager's order, and their settings in the same order. When the manager holds the very
entries of the reading before (compared as a list, by identity, in C), the names and
loggers are that reading's and only the settings are read, by one ``attrgetter`` mapped
over them; two readings of the same names compare as two lists of settings. Otherwise the
manager is walked as before, and readings of other names compare as dictionaries by name,
as they always did.

Where a dictionary's version can be read (:mod:`..dictversion`), the manager at the version
of the reading before holds that reading's entries without listing them: only the settings
are read.
"""

from __future__ import annotations

import logging
import operator
from typing import Any

from pytest_torchnotes.run.dictversion import VERSION

#: A logger's settings that ``logging.config.dictConfig`` and libraries change, read in one
#: call.
SETTINGS = operator.attrgetter("disabled", "level", "propagate")


class LoggerSettings:
    """The loggers of the logging manager and their settings at one moment."""

    __slots__ = ("entries", "loggers", "manager", "names", "settings", "version")

    def __init__(
        self,
        entries: list[Any],
        names: list[str],
        loggers: list[logging.Logger],
        manager: object = None,
        version: int | None = None,
    ) -> None:
        #: Every entry of the manager (placeholders too), in its order.
        self.entries = entries
        #: The manager's dictionary read, and its version then (``None``: not known).
        self.manager = manager
        self.version = version
        self.names = names
        self.loggers = loggers
        self.settings: list[tuple[bool, int, bool]] = list(map(SETTINGS, loggers))

    def by_name(self) -> dict[str, tuple[bool, int, bool]]:
        """The settings of each logger, by its name."""
        return dict(zip(self.names, self.settings, strict=True))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LoggerSettings):
            return NotImplemented
        if self.names is other.names or self.names == other.names:
            return self.settings == other.settings
        return self.by_name() == other.by_name()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LoggerSettings({self.by_name()!r})"


#: The reading before, whose names and loggers the next reading takes when the manager
#: holds the same entries.
_last: LoggerSettings | None = None


def read() -> LoggerSettings:
    """The settings of every logger now."""
    global _last
    manager = logging.root.manager.loggerDict
    version = None if VERSION is None else VERSION(manager)
    last = _last
    if (
        last is not None
        and version is not None
        and last.manager is manager
        and last.version == version
    ):  # the same dictionary at the same version: the same entries
        reading = LoggerSettings(last.entries, last.names, last.loggers, manager, version)
        _last = reading
        return reading
    entries = list(manager.values())
    if last is not None and _same_objects(entries, last.entries):
        reading = LoggerSettings(last.entries, last.names, last.loggers, manager, version)
    else:
        pairs = [
            (name, logger)
            for name, logger in list(manager.items())
            if isinstance(logger, logging.Logger)
        ]
        names = [name for name, _ in pairs]
        loggers = [logger for _, logger in pairs]
        reading = LoggerSettings(entries, names, loggers, manager, version)
    _last = reading
    return reading


def _same_objects(now: list[Any], then: list[Any]) -> bool:
    """Whether ``now`` holds the very objects of ``then``, in its order (by identity, in
    C: an entry a note put there is never asked whether it equals another)."""
    return len(now) == len(then) and all(map(operator.is_, now, then))


def restore(saved: LoggerSettings) -> None:
    """Put back the settings of the loggers ``saved`` read (a logger made since is left as
    it is)."""
    loggers = logging.root.manager.loggerDict
    for name, (disabled, level, propagate) in saved.by_name().items():
        logger = loggers.get(name)
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled
            logger.propagate = propagate
            if logger.level != level:
                logger.setLevel(level)
