"""Knobs of settings the standard library and numpy keep behind a setter and a getter, which
a note sets for the process and would leave to every later note: the stack size of new
threads (``threading.stack_size(32768)``: a later note's threads could overflow it), the
class of new loggers (``logging.setLoggerClass``: a later note's loggers would be of a class
the note defined), the factory of log records, and numpy's error callback
(``numpy.seterrcall``: a later note that sets ``numpy.seterr(all="call")`` would call the
earlier note's function)."""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

from pytest_torchnotes.run.knobs import Knob


def _logger_class() -> tuple[Any, Any]:
    return logging.getLoggerClass(), logging.Logger.manager.loggerClass


def _set_logger_class(saved: tuple[Any, Any]) -> None:
    default, manager = saved
    logging.setLoggerClass(default)
    logging.Logger.manager.loggerClass = manager


def _set_stack_size(saved: int) -> None:
    threading.stack_size(saved)


def setter_knobs() -> list[Knob]:
    knobs = [
        Knob("threading.stack_size", threading.stack_size, _set_stack_size),
        Knob("logging.setLoggerClass", _logger_class, _set_logger_class),
        Knob(
            "logging.setLogRecordFactory",
            logging.getLogRecordFactory,
            logging.setLogRecordFactory,
        ),
    ]
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        knobs.append(Knob("numpy.seterrcall", numpy.geterrcall, numpy.seterrcall))
    return knobs
