"""More global state a note can change and leave behind: torch's hooks, modes and flags, and
settings of the interpreter and the process.

Each is a :class:`~pytest_torchnotes.run.isolation.Knob`, read before a note and put back after
it. Private torch functions are looked up when the knobs are made; a knob whose functions a
torch version lacks is left out, so older versions still run.
"""

from __future__ import annotations

import gc
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run.isolation import Knob


def torch_knobs() -> list[Knob]:
    import torch

    makers: list[Callable[[Any], Knob]] = [
        _module_hooks,
        _function_modes,
        _dispatch_modes,
        _saved_tensor_hooks,
        _saved_tensor_hooks_disabled,
        _autocast,
        _flush_denormal,
        _warn_always,
        _multithreading,
    ]
    knobs = [knob for knob in (_made(make, torch) for make in makers) if knob is not None]
    for module, flag in BACKEND_FLAGS:
        backend = getattr(torch.backends, module, None)
        if backend is not None and hasattr(backend, flag):
            knobs.append(_attribute(f"torch.backends.{module}.{flag}", backend, flag))
    return knobs


#: Flags of ``torch.backends`` modules, kept where this torch has them.
BACKEND_FLAGS = (("mkldnn", "enabled"), ("mkldnn", "deterministic"), ("opt_einsum", "enabled"))


def _made(make: Callable[[Any], Knob], torch: Any) -> Knob | None:
    try:
        return make(torch)
    except (AttributeError, TypeError, RuntimeError):
        return None  # not in this torch version


def _attribute(name: str, owner: object, attribute: str) -> Knob:
    return Knob(
        name,
        lambda: getattr(owner, attribute),
        lambda saved: setattr(owner, attribute, saved),
    )


#: Module-level registries of ``torch.nn.modules.module`` that global hooks go into.
MODULE_HOOKS = (
    "_global_forward_hooks",
    "_global_forward_pre_hooks",
    "_global_backward_hooks",
    "_global_backward_pre_hooks",
    "_global_forward_hooks_with_kwargs",
    "_global_forward_hooks_always_called",
    "_global_module_registration_hooks",
    "_global_parameter_registration_hooks",
    "_global_buffer_registration_hooks",
)


def _module_hooks(torch: Any) -> Knob:
    module = torch.nn.modules.module
    registries = {name: vars(module)[name] for name in MODULE_HOOKS if name in vars(module)}
    if not registries:
        raise AttributeError("no global module hooks")

    def get() -> tuple[Any, ...]:
        return (
            getattr(module, "_global_is_full_backward_hook", None),
            {name: dict(registry) for name, registry in registries.items()},
        )

    def put(saved: tuple[Any, dict[str, dict[Any, Any]]]) -> None:
        if hasattr(module, "_global_is_full_backward_hook"):
            module._global_is_full_backward_hook = saved[0]
        for name, registry in registries.items():
            registry.clear()  # the same dictionaries: torch's code holds them
            registry.update(saved[1][name])

    return Knob("torch global module hooks", get, put)


def _function_modes(torch: Any) -> Knob:
    C = torch._C
    stack = torch.overrides._get_current_function_mode_stack

    def put(saved: list[Any]) -> None:
        while C._len_torch_function_stack():
            C._pop_torch_function_stack()
        for mode in saved:
            C._push_on_torch_function_stack(mode)

    return Knob("torch function modes", stack, put)


def _dispatch_modes(torch: Any) -> Knob:
    from torch.utils import _python_dispatch

    C = torch._C
    C._pop_torch_dispatch_stack  # noqa: B018 -- fail here, not after a note, where missing

    def put(saved: list[Any]) -> None:
        while C._len_torch_dispatch_stack():
            C._pop_torch_dispatch_stack(None)
        for mode in saved:
            C._push_on_torch_dispatch_stack(mode)

    return Knob("torch dispatch modes", _python_dispatch._get_current_dispatch_mode_stack, put)


def _saved_tensor_hooks(torch: Any) -> Knob:
    autograd = torch._C._autograd

    def get() -> Any:
        return autograd._top_saved_tensors_default_hooks(False)

    def put(saved: Any) -> None:
        for _ in range(10_000):
            top = get()
            if top is None or (saved is not None and top == saved):
                return
            autograd._pop_saved_tensors_default_hooks()

    autograd._pop_saved_tensors_default_hooks  # noqa: B018
    return Knob("torch saved-tensor hooks", get, put)


def _saved_tensor_hooks_disabled(torch: Any) -> Knob:
    autograd = torch._C._autograd

    def put(saved: str | None) -> None:
        if saved is None:
            autograd._saved_tensors_hooks_enable()
        else:
            autograd._saved_tensors_hooks_disable(saved)

    return Knob(
        "torch saved-tensor hooks disabled",
        autograd._saved_tensors_hooks_get_disabled_error_message,
        put,
    )


#: Devices whose autocast state is kept (each only where this torch knows it).
AUTOCAST_DEVICES = ("cpu", "cuda")


def _autocast(torch: Any) -> Knob:
    devices = []
    for device in AUTOCAST_DEVICES:
        try:
            torch.is_autocast_enabled(device)
            torch.get_autocast_dtype(device)
        except (TypeError, RuntimeError):
            continue
        devices.append(device)
    if not devices:
        raise AttributeError("no per-device autocast state")

    def nesting() -> int:
        depth: int = torch.autocast_increment_nesting() - 1
        torch.autocast_decrement_nesting()
        return depth

    def get() -> tuple[Any, ...]:
        return (
            tuple((torch.is_autocast_enabled(d), torch.get_autocast_dtype(d)) for d in devices),
            torch.is_autocast_cache_enabled(),
            nesting(),
        )

    def put(saved: tuple[Any, ...]) -> None:
        for device, (enabled, dtype) in zip(devices, saved[0], strict=True):
            torch.set_autocast_enabled(device, enabled)
            torch.set_autocast_dtype(device, dtype)
        torch.set_autocast_cache_enabled(saved[1])
        while nesting() > saved[2]:
            if torch.autocast_decrement_nesting() == 0:
                torch.clear_autocast_cache()

    return Knob("torch autocast", get, put)


def _flush_denormal(torch: Any) -> Knob:
    """torch can set flushing of denormal numbers but not tell it: a denormal that reads
    back as zero tells."""

    def get() -> bool:
        return bool(torch.tensor([1e-323], dtype=torch.float64).item() == 0)

    return Knob("torch flush denormal", get, torch.set_flush_denormal)


def _warn_always(torch: Any) -> Knob:
    return Knob("torch warn always", torch.is_warn_always_enabled, torch.set_warn_always)


def _multithreading(torch: Any) -> Knob:
    C = torch._C
    return Knob(
        "autograd multithreading", C._is_multithreading_enabled, C._set_multithreading_enabled
    )


def python_knobs() -> list[Knob]:
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
        Knob("logger settings", _loggers, _restore_loggers),
        Knob("blocking standard file descriptors", _blocking, _restore_blocking),
    ]
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


def _loggers() -> dict[str, tuple[bool, int, bool]]:
    return {
        name: (logger.disabled, logger.level, logger.propagate)
        for name, logger in list(logging.root.manager.loggerDict.items())
        if isinstance(logger, logging.Logger)
    }


def _restore_loggers(saved: dict[str, tuple[bool, int, bool]]) -> None:
    loggers = logging.root.manager.loggerDict
    for name, (disabled, level, propagate) in saved.items():
        logger = loggers.get(name)
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled
            logger.propagate = propagate
            if logger.level != level:
                logger.setLevel(level)


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


def forget_modules(before: set[str], folder: str) -> list[str]:
    """Take out of ``sys.modules`` the modules imported since ``before`` from ``folder`` (a
    note's own folder or its scratch copy), so that a later note importing a module of the same
    name from its own folder gets its own; return their names."""
    roots = tuple({os.path.join(folder, ""), os.path.join(os.path.realpath(folder), "")})
    forgotten = []
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        locations = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or ())]
        if any(isinstance(place, str) and place.startswith(roots) for place in locations):
            del sys.modules[name]
            forgotten.append(name)
    sys.path_importer_cache.pop(folder, None)
    return sorted(forgotten)
