"""Knobs of settings the standard library and numpy keep behind a setter and a getter, which
a note sets for the process and would leave to every later note: the stack size of new
threads (``threading.stack_size(32768)``: a later note's threads could overflow it), the
class of new loggers (``logging.setLoggerClass``: a later note's loggers would be of a class
the note defined), the factory of log records, and numpy's error callback
(``numpy.seterrcall``: a later note that sets ``numpy.seterr(all="call")`` would call the
earlier note's function), the largest field ``csv`` reads (``csv.field_size_limit(10)``) and
its dialects, and the opener of ``urllib.request.urlopen`` (``install_opener``: every later
note's download, ``torch.hub``'s too, would go through the note's opener, its headers and
proxies)."""

from __future__ import annotations

import csv
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


def _set_field_size_limit(saved: int) -> None:
    csv.field_size_limit(saved)


def _csv_dialects() -> dict[str, Any]:
    return {name: csv.get_dialect(name) for name in csv.list_dialects()}


def _set_csv_dialects(saved: dict[str, Any]) -> None:
    for name in csv.list_dialects():
        if name not in saved:
            csv.unregister_dialect(name)
    for name, dialect in saved.items():
        csv.register_dialect(name, dialect)


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
    knobs.append(Knob("csv.field_size_limit", csv.field_size_limit, _set_field_size_limit))
    knobs.append(Knob("csv.register_dialect", _csv_dialects, _set_csv_dialects))
    request = sys.modules.get("urllib.request")
    if request is not None and hasattr(request, "_opener"):
        knobs.append(
            Knob("urllib.request.install_opener", lambda: request._opener, request.install_opener)
        )
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        knobs.append(Knob("numpy.seterrcall", numpy.geterrcall, numpy.seterrcall))
    return knobs
