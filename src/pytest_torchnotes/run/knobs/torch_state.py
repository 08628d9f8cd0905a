"""Knobs of torch: its settings, and its hooks, modes and flags.

Private torch functions are looked up when the knobs are made; a knob whose functions a
torch version lacks is left out, so older versions still run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run.knobs import Knob, attribute_knob


def settings_knobs() -> list[Knob]:
    """torch's settings: default dtype and device, grad mode, print options, determinism,
    threads, anomaly detection, matmul precision, the CPU random state and cuDNN flags."""
    import torch
    import torch._tensor_str

    options = torch._tensor_str.PRINT_OPTS
    knobs = [
        Knob("torch default dtype", torch.get_default_dtype, torch.set_default_dtype),
        Knob("torch grad mode", torch.is_grad_enabled, torch._C._set_grad_enabled),
        Knob(
            "torch print options",
            lambda: dict(vars(options)),
            lambda saved: vars(options).update(saved),
        ),
        Knob(
            "torch deterministic algorithms",
            lambda: (
                torch.are_deterministic_algorithms_enabled(),
                torch.is_deterministic_algorithms_warn_only_enabled(),
            ),
            lambda saved: torch.use_deterministic_algorithms(saved[0], warn_only=saved[1]),
        ),
        Knob("torch threads", torch.get_num_threads, torch.set_num_threads),
        Knob(
            "torch anomaly detection",
            lambda: (torch.is_anomaly_enabled(), _anomaly_check_nan(torch)),
            lambda saved: _set_anomaly(torch, *saved),
        ),
        Knob(
            "torch float32 matmul precision",
            torch.get_float32_matmul_precision,
            torch.set_float32_matmul_precision,
        ),
        Knob("torch CPU random state", torch.get_rng_state, torch.set_rng_state),
    ]
    device_context = getattr(torch, "_GLOBAL_DEVICE_CONTEXT", None)
    if device_context is not None and hasattr(torch, "set_default_device"):
        knobs.append(
            Knob(
                "torch default device",
                lambda: getattr(device_context, "device_context", None),
                lambda saved: _restore_default_device(torch, device_context, saved),
            )
        )
    cudnn = torch.backends.cudnn
    knobs.extend(
        Knob(
            f"torch.backends.cudnn.{flag}",
            lambda flag=flag: getattr(cudnn, flag),  # type: ignore[misc]
            lambda saved, flag=flag: setattr(cudnn, flag, saved),  # type: ignore[misc]
        )
        for flag in ("enabled", "benchmark", "deterministic")
    )
    return knobs


def _anomaly_check_nan(torch: Any) -> bool | None:
    """Whether anomaly detection checks for NaN (``set_detect_anomaly(False,
    check_nan=False)`` turns it off for every later ``set_detect_anomaly(True)`` too)."""
    check_nan = getattr(torch, "is_anomaly_check_nan_enabled", None)
    return None if check_nan is None else bool(check_nan())


def _set_anomaly(torch: Any, enabled: bool, check_nan: bool | None) -> None:
    if check_nan is None:
        torch.set_anomaly_enabled(enabled)
    else:
        torch.set_anomaly_enabled(enabled, check_nan)


def _restore_default_device(torch: Any, device_context: Any, saved: Any) -> None:
    current = getattr(device_context, "device_context", None)
    if current is saved:
        return
    torch.set_default_device(None if saved is None else saved.device)


def hook_knobs() -> list[Knob]:
    """torch's global hooks, modes and flags, each where this torch version has it."""
    import torch

    makers: list[Callable[[Any], Knob]] = [
        _module_hooks,
        _optimizer_hooks,
        _function_modes,
        _dispatch_modes,
        _saved_tensor_hooks,
        _saved_tensor_hooks_disabled,
        _autocast,
        _flush_denormal,
        _warn_always,
        _multithreading,
        _profiler,
        _forward_ad_level,
        _script_enabled,
        _compile_stance,
        _process_group,
        _dynamo_counters,
        _log_settings,
    ]
    knobs = [knob for knob in (_made(make, torch) for make in makers) if knob is not None]
    for module, attribute in MODULE_SETTINGS:
        owner = sys.modules.get(module)
        if owner is not None and hasattr(owner, attribute):
            knobs.append(attribute_knob(f"{module}.{attribute}", owner, attribute))
    for module, name, attribute in CLASS_SETTINGS:
        owner = getattr(sys.modules.get(module), name, None)
        if owner is not None and attribute in vars(owner):
            knobs.append(attribute_knob(f"{module}.{name}.{attribute}", owner, attribute))
    for module, flag in BACKEND_FLAGS:
        backend = getattr(torch.backends, module, None)
        if backend is not None and hasattr(backend, flag):
            knobs.append(attribute_knob(f"torch.backends.{module}.{flag}", backend, flag))
    return knobs


#: Settings torch keeps in a module's global, set by a function: ``torch.hub.set_dir`` (the
#: next note would download into, and load from, the folder an earlier note named, its
#: scratch folder gone), ``torch.multiprocessing.set_sharing_strategy``,
#: ``torch.__future__.set_swap_module_params_on_conversion`` (every later note's
#: ``module.to()`` would swap its parameters) and ``torch.backends.mha.set_fastpath_enabled``.
MODULE_SETTINGS = (
    ("torch.hub", "_hub_dir"),
    ("torch.multiprocessing", "_sharing_strategy"),
    ("torch.__future__", "_overwrite_module_params_on_conversion"),
    ("torch.__future__", "_swap_module_params_on_conversion"),
    ("torch.backends.mha", "_is_fastpath_enabled"),
)

#: Settings torch keeps in a class attribute, set by a class method:
#: ``Distribution.set_default_validate_args(False)`` would let every later note's
#: distributions take invalid parameters without a ``ValueError``.
CLASS_SETTINGS = (
    ("torch.distributions.distribution", "Distribution", "_validate_args"),
    ("torch.utils.checkpoint", "DefaultDeviceType", "_default_device_type"),
)

#: Flags of ``torch.backends`` modules, kept where this torch has them.
BACKEND_FLAGS = (
    ("mkldnn", "enabled"),
    ("mkldnn", "deterministic"),
    ("opt_einsum", "enabled"),
    ("opt_einsum", "strategy"),
)


def _made(make: Callable[[Any], Knob], torch: Any) -> Knob | None:
    try:
        return make(torch)
    except (AttributeError, TypeError, RuntimeError):
        return None  # not in this torch version


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


#: Module-level registries of ``torch.optim.optimizer`` that the hooks of every optimizer's
#: step go into (``register_optimizer_step_pre_hook``): left, every later note's
#: ``opt.step()`` would run the note's function.
OPTIMIZER_HOOKS = ("_global_optimizer_pre_hooks", "_global_optimizer_post_hooks")


def _optimizer_hooks(torch: Any) -> Knob:
    module = sys.modules.get("torch.optim.optimizer")  # torch.optim deletes its attribute
    registries = {name: vars(module)[name] for name in OPTIMIZER_HOOKS if name in vars(module)}
    if not registries:
        raise AttributeError("no global optimizer hooks")

    def get() -> dict[str, dict[Any, Any]]:
        return {name: dict(registry) for name, registry in registries.items()}

    def put(saved: dict[str, dict[Any, Any]]) -> None:
        for name, registry in registries.items():
            registry.clear()  # the same dictionaries: torch's code holds them
            registry.update(saved[name])

    return Knob("torch global optimizer hooks", get, put)


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
    back as zero tells. The denormal is made once: flushing changes how it is read, not
    what was stored."""
    denormal = torch.tensor([1e-323], dtype=torch.float64, device="cpu")

    def get() -> bool:
        return bool(denormal.item() == 0)

    return Knob("torch flush denormal", get, torch.set_flush_denormal)


def _warn_always(torch: Any) -> Knob:
    return Knob("torch warn always", torch.is_warn_always_enabled, torch.set_warn_always)


def _multithreading(torch: Any) -> Knob:
    C = torch._C
    return Knob(
        "autograd multithreading", C._is_multithreading_enabled, C._set_multithreading_enabled
    )


def _profiler(torch: Any) -> Knob:
    """A profiler the note entered and never left (``torch.profiler.profile().__enter__()``,
    its ``start()`` without ``stop()``) would record every later note's operations. It is
    stopped; one that ran before the note (the session profiled) cannot be started again
    from here and is named ``could not be restored``."""
    autograd = torch.autograd
    enabled, disable = autograd._profiler_enabled, autograd._disable_profiler

    def put(saved: bool) -> None:
        if saved:
            raise RuntimeError("a profiler that ran before the note was stopped by it")
        disable()

    return Knob("torch profiler", lambda: bool(enabled()), put)


def _forward_ad_level(torch: Any) -> Knob:
    """A forward-mode AD level entered and never left (``fwAD.enter_dual_level()``, a
    ``dual_level()`` entered by hand) makes every later note's ``with fwAD.dual_level():``
    fail with ``Nested forward mode AD is not supported``. It is left, the innermost first."""
    forward_ad = torch.autograd.forward_ad
    forward_ad._current_level  # noqa: B018 -- fail here, not after a note, where missing

    def put(saved: int) -> None:
        while forward_ad._current_level > saved:
            forward_ad.exit_dual_level(level=forward_ad._current_level)

    return Knob("torch forward AD level", lambda: forward_ad._current_level, put)


def _script_enabled(torch: Any) -> Knob:
    """``torch.jit._state.disable()`` turns ``torch.jit.script`` into a function that
    returns what it is given, for every later note."""
    from torch.jit import _state

    return attribute_knob("torch.jit enabled", _state._enabled, "enabled")


#: The module of ``torch.compiler.set_stance``'s stance, imported by the first note that
#: compiles or sets one.
STANCE_MODULE = "torch._dynamo.eval_frame"


def _compile_stance(torch: Any) -> Knob:
    """``torch.compiler.set_stance("force_eager")`` (or ``"fail_on_recompile"``) would make
    every later note's ``torch.compile`` run eagerly or fail. The stance is read only where
    its module is imported, and the default one reads as none."""

    def get() -> Any:
        stance = getattr(sys.modules.get(STANCE_MODULE), "_stance", None)
        return None if stance is None or stance == type(stance)() else stance

    def put(saved: Any) -> None:
        module = sys.modules[STANCE_MODULE]
        module._set_stance(module.DynamoStance() if saved is None else saved)

    return Knob("torch.compiler stance", get, put)


def _process_group(torch: Any) -> Knob:
    """A default process group a note initialised and never destroyed
    (``dist.init_process_group("gloo", rank=0, world_size=1)``, as DDP tutorials run on one
    CPU) makes every later note's ``init_process_group`` fail with ``trying to initialize
    the default process group twice!``. It is destroyed; one the session had before the
    note cannot be made again from here and is named ``could not be restored``."""

    def get() -> bool:
        distributed = sys.modules.get("torch.distributed")
        if distributed is None or not distributed.is_available():
            return False
        return bool(distributed.is_initialized())

    def put(saved: bool) -> None:
        if saved:
            raise RuntimeError("a process group that was there before the note was destroyed")
        sys.modules["torch.distributed"].destroy_process_group()

    return Knob("torch.distributed process group", get, put)


#: The module of ``torch._dynamo.utils.counters``, imported by the first note that compiles.
COUNTERS_MODULE = "torch._dynamo.utils"


def _dynamo_counters(torch: Any) -> Knob:
    """``torch._dynamo.utils.counters`` counts what every ``torch.compile`` of the process
    did (graphs, graph breaks, recompilations); a note that prints them, as the compile
    tutorials do, would count every earlier note's. Empty counters read as none, as they
    are before the first compile: a passing note that compiles nothing reads an empty
    dictionary."""

    def get() -> dict[str, dict[Any, int]] | None:
        counters = getattr(sys.modules.get(COUNTERS_MODULE), "counters", None)
        if not counters:
            return None
        return {name: dict(counted) for name, counted in counters.items()}

    def put(saved: dict[str, dict[Any, int]] | None) -> None:
        counters = sys.modules[COUNTERS_MODULE].counters
        counters.clear()
        for name, counted in (saved or {}).items():
            counters[name].update(counted)

    return Knob("torch._dynamo counters", get, put)


def _log_settings(torch: Any) -> Knob:
    """What ``torch._logging.set_logs`` enabled (``graph_breaks=True``, ``dynamo=INFO``): the
    levels and handlers it gives torch's loggers are knobs of their own, but the artifacts it
    turns on are read from here as torch logs, and every later note's ``torch.compile``
    would write them."""
    state = torch._logging._internal.log_state
    state.log_qname_to_level, state.artifact_names  # noqa: B018 -- fail here where missing

    def get() -> tuple[dict[str, int], frozenset[str]]:
        return dict(state.log_qname_to_level), frozenset(state.artifact_names)

    def put(saved: tuple[dict[str, int], frozenset[str]]) -> None:
        state.log_qname_to_level.clear()
        state.log_qname_to_level.update(saved[0])
        state.artifact_names.clear()
        state.artifact_names.update(saved[1])

    return Knob("torch._logging.set_logs", get, put)
