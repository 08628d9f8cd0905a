"""Knobs of the interpreter and of the process."""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]
import builtins
import gc
import logging
import os
import random
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run.dictversion import VERSION
from pytest_torchnotes.run.knobs import (
    Knob,
    attribute_knob,
    captured_warnings,
    log_handlers,
    loggers,
)

#: ``signal.getsignal`` without the wrapper that makes ``SIG_DFL`` and ``SIG_IGN`` enum
#: members (an ``Enum`` call each), read some 40 times a note.
raw_getsignal = _signal.getsignal

#: Signals a note may install handlers for.
SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGALRM", "SIGUSR1", "SIGUSR2")
    if hasattr(signal, name)
)


def interpreter_knobs() -> list[Knob]:
    """The interpreter's state: working directory, ``sys`` settings and hooks, environment,
    builtins, warning filters, logging, umask, random state and signal handlers."""
    import warnings

    knobs = [
        Knob("working directory", os.getcwd, os.chdir),
        Knob("sys.path", lambda: list(sys.path), _restore_list(sys.path)),
        Knob("sys.argv", lambda: list(sys.argv), _restore_list(sys.argv)),
        Knob("environment variables", _environment, _restore_environment),
        attribute_knob("tempfile.tempdir", tempfile, "tempdir"),
        Knob("builtins", lambda: dict(vars(builtins)), _restore_mapping(vars(builtins))),
        attribute_knob("sys.displayhook", sys, "displayhook"),
        attribute_knob("sys.excepthook", sys, "excepthook"),
        attribute_knob("sys.unraisablehook", sys, "unraisablehook"),
        attribute_knob("sys.breakpointhook", sys, "breakpointhook"),
        attribute_knob("threading.excepthook", threading, "excepthook"),
        attribute_knob("sys.stdin", sys, "stdin"),
        Knob("recursion limit", sys.getrecursionlimit, sys.setrecursionlimit),
        Knob(
            "sys.tracebacklimit",
            lambda: getattr(sys, "tracebacklimit", None),
            _restore_tracebacklimit,
        ),
        Knob("sys.setswitchinterval", sys.getswitchinterval, sys.setswitchinterval),
        Knob("decimal context", _decimal_context, _set_decimal_context),
        Knob("trace function", sys.gettrace, sys.settrace),
        Knob("profile function", sys.getprofile, sys.setprofile),
        Knob("warning filters", lambda: list(warnings.filters), _restore_filters),
        Knob("logging root logger", _logging_state, _restore_logging),
        Knob("locale", _locale, _set_locale),
        Knob("umask", _umask, _set_umask),
        Knob("signal mask", _signal_mask, _set_signal_mask),
        Knob("random state", random.getstate, random.setstate),
        attribute_knob("os._exit", os, "_exit"),
    ]
    knobs.extend(
        Knob(
            f"signal handler {signal.Signals(signum).name}",
            lambda signum=signum: raw_getsignal(signum),  # type: ignore[misc]
            lambda saved, signum=signum: _set_signal(signum, saved),  # type: ignore[misc]
        )
        for signum in SIGNALS
    )
    return knobs


def _locale() -> str:
    """Every category of the C locale (``locale.setlocale(locale.LC_ALL, "de_DE")``)."""
    import locale

    return locale.setlocale(locale.LC_ALL)


def _set_locale(saved: str) -> None:
    import locale

    locale.setlocale(locale.LC_ALL, saved)


def _environment() -> dict[Any, Any]:
    """The environment as ``os.environ`` keeps it (encoded): copying it costs a fraction of
    decoding every variable. Read at every note's start and end: where the version of its
    dictionary can be read (:mod:`..dictversion`), a reading at the version of the reading
    before is that reading, which compares with itself at once."""
    global _last_environment
    data = getattr(os.environ, "_data", None)
    if not isinstance(data, dict):
        return dict(os.environ)
    if VERSION is None:
        return dict(data)
    version, last = VERSION(data), _last_environment
    if last is not None and last[0] is data and last[1] == version:
        return last[2]
    reading = dict(data)
    _last_environment = (data, version, reading)
    return reading


#: The environment's dictionary when last read, its version then, and that reading.
_last_environment: tuple[dict[Any, Any], int, dict[Any, Any]] | None = None


def _restore_environment(saved: dict[Any, Any]) -> None:
    data = getattr(os.environ, "_data", None)
    if isinstance(data, dict):
        decode = os.environ.decodekey
        decode_value = os.environ.decodevalue
        saved = {decode(key): decode_value(value) for key, value in saved.items()}
    for key in set(os.environ) - set(saved):
        del os.environ[key]
    for key, value in saved.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


def _restore_list(target: list[Any]) -> Callable[[list[Any]], None]:
    def restore(saved: list[Any]) -> None:
        target[:] = saved

    return restore


def _restore_mapping(target: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def restore(saved: dict[str, Any]) -> None:
        for key in set(target) - set(saved):
            del target[key]
        for key, value in saved.items():
            if target.get(key, _MISSING) is not value:
                target[key] = value

    return restore


_MISSING = object()


def _logging_state() -> tuple[int, list[logging.Handler], int]:
    root = logging.getLogger()
    return root.level, list(root.handlers), root.manager.disable


def _restore_logging(saved: tuple[int, list[logging.Handler], int]) -> None:
    root = logging.getLogger()
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    logging.disable(saved[2])


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _set_umask(mask: int) -> None:
    os.umask(mask)


def _signal_mask() -> frozenset[int]:
    """The signals the main thread blocks (a note that blocks SIGINT would leave Ctrl-C to
    other threads, which cannot stop a block, for the rest of the session)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not on POSIX
        return frozenset()
    return frozenset(signal.pthread_sigmask(signal.SIG_BLOCK, ()))


def _set_signal_mask(mask: frozenset[int]) -> None:
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _set_signal(signum: int, handler: Any) -> None:
    signal.signal(signum, handler)


def _restore_tracebacklimit(saved: int | None) -> None:
    if saved is None:
        if hasattr(sys, "tracebacklimit"):
            del sys.tracebacklimit
    else:
        sys.tracebacklimit = saved


def _restore_filters(saved: list[Any]) -> None:
    import warnings

    warnings.filters[:] = saved  # type: ignore[index]
    warnings._filters_mutated()  # type: ignore[attr-defined]


def process_knobs() -> list[Knob]:
    """Interpreter and process settings; after the environment is restored, the time zone."""
    knobs = [
        Knob("garbage collection", gc.isenabled, _set_gc),
        Knob(
            "garbage collection thresholds",
            gc.get_threshold,
            lambda saved: gc.set_threshold(*saved),
        ),
        Knob("socket default timeout", socket.getdefaulttimeout, socket.setdefaulttimeout),
        Knob("threading trace function", _thread_hook("trace"), threading.settrace),
        Knob("threading profile function", _thread_hook("profile"), threading.setprofile),
        Knob("logger settings", loggers.read, loggers.restore),
        Knob("logger handlers", log_handlers.read, log_handlers.restore),
        Knob("logging.captureWarnings", captured_warnings.read, captured_warnings.restore),
        Knob("blocking standard file descriptors", _blocking, _restore_blocking),
    ]
    knobs.append(attribute_knob("sys.dont_write_bytecode", sys, "dont_write_bytecode"))
    # A name a note gives the main thread or process (``threading.current_thread().name =
    # "worker"``) would be every later note's, in what it prints and in its log records'
    # ``%(threadName)s`` and ``%(processName)s``.
    knobs.append(attribute_knob("main thread name", threading.main_thread(), "name"))
    process = sys.modules.get("multiprocessing.process")
    if process is not None and hasattr(process, "current_process"):
        knobs.append(
            Knob(
                "main process name",
                lambda: process.current_process().name,
                lambda saved: setattr(process.current_process(), "name", saved),
            )
        )
    if hasattr(sys, "getdlopenflags"):
        knobs.append(Knob("sys.setdlopenflags", sys.getdlopenflags, sys.setdlopenflags))
    if hasattr(sys, "get_int_max_str_digits"):
        knobs.append(
            Knob("int max str digits", sys.get_int_max_str_digits, sys.set_int_max_str_digits)
        )
    if hasattr(time, "tzset"):
        knobs.append(Knob("time zone", _time_zone, lambda saved: time.tzset()))
    return knobs


def _set_gc(enabled: bool) -> None:
    if enabled:
        gc.enable()
    else:
        gc.disable()


def _thread_hook(kind: str) -> Callable[[], Any]:
    """``threading.gettrace`` (``getprofile``), or the private variable before Python 3.10."""
    public = getattr(threading, f"get{kind}", None)
    if public is not None:
        return public  # type: ignore[no-any-return]
    return lambda: getattr(threading, f"_{kind}_hook", None)


#: Standard input, output and error: shared with pytest and with every later note.
STANDARD_FDS = (0, 1, 2)


def _blocking() -> tuple[bool | None, ...]:
    return tuple(_is_blocking(fd) for fd in STANDARD_FDS)


def _is_blocking(fd: int) -> bool | None:
    try:
        return os.get_blocking(fd)
    except OSError:
        return None  # closed


def _restore_blocking(saved: tuple[bool | None, ...]) -> None:
    for fd, blocking in zip(STANDARD_FDS, saved, strict=True):
        if blocking is not None:
            try:
                os.set_blocking(fd, blocking)
            except OSError:
                continue


def _time_zone() -> tuple[Any, ...]:
    return (time.tzname, time.timezone, time.altzone, time.daylight)


#: The settings of a :mod:`decimal` context (its flags change with any arithmetic).
DECIMAL_SETTINGS = ("prec", "rounding", "Emin", "Emax", "capitals", "clamp")


def _decimal_context() -> tuple[Any, ...] | None:
    """The settings and traps of the thread's :mod:`decimal` context, once it is imported
    (``decimal.getcontext().prec = 3``)."""
    decimal = sys.modules.get("decimal")
    if decimal is None:
        return None
    context = decimal.getcontext()
    traps = tuple(sorted((trap.__name__, on) for trap, on in context.traps.items()))
    return (*(getattr(context, name) for name in DECIMAL_SETTINGS), traps)


def _set_decimal_context(saved: tuple[Any, ...] | None) -> None:
    """A context made from ``saved``: the default one if the note imported decimal."""
    decimal: Any = sys.modules.get("decimal")
    if decimal is None:
        return
    if saved is None:
        decimal.setcontext(decimal.Context())
        return
    *settings, traps = saved
    by_name = {trap.__name__: trap for trap in decimal.getcontext().traps}
    decimal.setcontext(
        decimal.Context(
            **dict(zip(DECIMAL_SETTINGS, settings, strict=True)),
            traps=[by_name[name] for name, on in traps if on],
        )
    )
