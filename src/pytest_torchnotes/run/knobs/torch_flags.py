"""The global flags of torch's C++ core that the other knobs do not hold, found by their
names: every ``torch._C._get_X`` (or ``_is_X``) with a ``torch._C._set_X`` (the blas and
linalg backends, ``torch.backends.cuda.matmul.allow_tf32``, nnpack, the quantized engine, the graph
executor's optimisation, the autograd fallback mode...), and the scaled-dot-product
attention backends (``torch.backends.cuda.enable_math_sdp(False)``, whose getter and setter
are named apart). ``enable_math_sdp(False)`` would leave every later note's
``scaled_dot_product_attention`` on the CPU without a kernel.

TorchScript's flags are named another way: ``torch._C._jit_set_X`` with ``_jit_get_X``,
``_jit_X`` or ``_jit_X_enabled`` (``torch._C._jit_set_texpr_fuser_enabled(False)``, as
TorchScript tutorials write it, would leave every later note's scripted functions without
the fuser), ``_jit_override_can_fuse_on_cpu`` with ``_jit_can_fuse_on_cpu``, and three
whose setter alone tells the value it replaces (the profiling executor and mode, the fusion
strategy).

A flag whose getter fails or gives nothing (``None``) is left out, and so is one whose
setter does not take what its getter gives; so are those another knob holds, and the
per-thread and per-trace state that are no settings.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from pytest_torchnotes.run.knobs import Knob

#: Getters of ``torch._C`` with a setter of the same name that are not flags of their own
#: here: other knobs hold them, or they are per thread or per trace.
LEFT_OUT = frozenset(
    {
        "thread_name",
        "tracing_state",
        "multithreading_enabled",
        "graph_exec_group",
        "deterministic_algorithms",
        "float32_matmul_precision",
        "warnAlways",
        "cudnn_enabled",
        "cudnn_benchmark",
        "cudnn_deterministic",
        "mkldnn_enabled",
        "mkldnn_deterministic",
    }
)

#: The attention backends: what their getter is called, and their setter.
SDP_BACKENDS = (
    ("flash_sdp_enabled", "sdp_use_flash"),
    ("mem_efficient_sdp_enabled", "sdp_use_mem_efficient"),
    ("math_sdp_enabled", "sdp_use_math"),
    ("cudnn_sdp_enabled", "sdp_use_cudnn"),
    ("overrideable_sdp_enabled", "sdp_use_overrideable"),
    ("fa3_sdp_enabled", "sdp_use_fa3"),
)


#: Flags whose getter is named apart from its setter. ``DisableTorchFunctionSubclass()``
#: entered and never left (its state is the main thread's, where every note runs) turns off
#: every later note's ``__torch_function__``; the sparse invariants check
#: (``torch.sparse.check_sparse_tensor_invariants.enable()``) would check every later note's
#: sparse tensors.
NAMED_APART = (("_check_sparse_tensor_invariants", "_set_check_sparse_tensor_invariants"),)

#: TorchScript's flags whose setter returns the value it replaces, and a value to set while
#: it is read (put back at once).
SWAPPED = (
    ("_jit_set_profiling_executor", True),
    ("_jit_set_profiling_mode", True),
    ("_jit_set_fusion_strategy", [("STATIC", 2), ("DYNAMIC", 10)]),
)

#: TorchScript's flags with a getter named apart from its setter.
JIT_APART = (
    ("_jit_can_fuse_on_cpu", "_jit_override_can_fuse_on_cpu"),
    ("_jit_can_fuse_on_gpu", "_jit_override_can_fuse_on_gpu"),
    ("_jit_can_fuse_on_cpu_legacy", "_jit_override_can_fuse_on_cpu_legacy"),
)


def _pairs(names: list[str]) -> list[tuple[str, str]]:
    """The names of each flag's getter and setter in ``torch._C``."""
    have = set(names)
    pairs = [
        (name, f"_set_{name[5:]}")
        for name in names
        if name.startswith("_get_") and name[5:] not in LEFT_OUT and f"_set_{name[5:]}" in have
    ]
    # ``_is_X`` with ``_set_X``: forward-mode AD (``torch._C._set_fwd_grad_enabled(False)``
    # left every later note's dual tensors without tangents), view replay, the gradient
    # layout contract.
    pairs += [
        (name, f"_set_{name[4:]}")
        for name in names
        if name.startswith("_is_") and name[4:] not in LEFT_OUT and f"_set_{name[4:]}" in have
    ]
    pairs += [(f"_get_{getter}", f"_set_{setter}") for getter, setter in SDP_BACKENDS]
    for name in names:
        if name.startswith("_jit_set_") and "nvfuser" not in name:  # warns it is gone
            flag = name[len("_jit_set_") :]
            getters = (f"_jit_get_{flag}", f"_jit_{flag}", f"_jit_{flag}_enabled")
            found = [getter for getter in getters if getter in have]
            if found:
                pairs.append((found[0], name))
    pairs += list(JIT_APART)
    pairs += [pair for pair in NAMED_APART if pair[0] in have and pair[1] in have]
    return pairs


def _swapping(put: Callable[[Any], Any], probe: Any) -> Callable[[], Any]:
    def get() -> Any:
        value = put(probe)
        put(value)
        return value

    return get


def flag_knobs() -> list[Knob]:
    """One knob for every such flag of the imported torch (none before torch is imported)."""
    torch = sys.modules.get("torch")
    core = getattr(torch, "_C", None)
    if core is None:
        return []
    accessors = [
        (setter, getattr(core, getter, None), getattr(core, setter, None))
        for getter, setter in _pairs(dir(core))
    ]
    accessors += [
        (setter, _swapping(put, probe), put)
        for setter, probe in SWAPPED
        if callable(put := getattr(core, setter, None))
    ]
    flags: list[tuple[str, Callable[[], Any], Callable[[Any], Any]]] = []
    for setter, get, put in accessors:
        if not callable(get) or not callable(put):
            continue
        try:
            value = get()
            if value is None:
                continue
            if setter.startswith("_jit_"):  # a setter of two arguments (the emit hooks)
                put(value)
        except Exception:  # needs arguments, or a device this machine lacks
            continue
        flags.append((setter, get, put))
    knobs = (
        []
        if not flags
        else [
            Knob(
                "torch flags",
                lambda: {name: get() for name, get, _ in flags},
                lambda saved: _set_flags(flags, saved),
            )
        ]
    )
    precision = _fp32_precision(core)
    return knobs if precision is None else [*knobs, precision]


#: The backends and operations whose float32 precision ``torch.backends.fp32_precision``
#: and its children (``torch.backends.mkldnn.matmul.fp32_precision``) set, the backend's
#: ``all`` before its operations: setting it sets theirs.
FP32_PRECISIONS = tuple(
    (backend, op)
    for backend in ("generic", "cuda", "cudnn", "mkldnn")
    for op in ("all", "matmul", "conv", "rnn")
)


def _fp32_precision(core: Any) -> Knob | None:
    """``torch.backends.fp32_precision = "tf32"`` would change every later note's float32
    matmuls and convolutions on devices that have TF32; read through the getter each
    backend and operation of this torch answers."""
    get, put = (getattr(core, name, None) for name in FP32_PRECISION_ACCESSORS)
    if not callable(get) or not callable(put):
        return None
    known = []
    for backend, op in FP32_PRECISIONS:
        try:
            get(backend, op)
        except Exception:  # not a pair this torch knows
            continue
        known.append((backend, op))

    def put_all(saved: dict[tuple[str, str], str]) -> None:
        for pair in known:
            if get(*pair) != saved[pair]:
                put(*pair, saved[pair])

    return Knob("torch fp32 precision", lambda: {pair: get(*pair) for pair in known}, put_all)


FP32_PRECISION_ACCESSORS = ("_get_fp32_precision_getter", "_set_fp32_precision_setter")


def _set_flags(
    flags: list[tuple[str, Callable[[], Any], Callable[[Any], Any]]], saved: dict[str, Any]
) -> None:
    failed = []
    for name, get, put in flags:
        if name not in saved or get() == saved[name]:
            continue
        try:
            put(saved[name])
        except Exception as error:  # a setter that refuses its own getter's value
            failed.append(f"torch._C.{name}: {error}")
    if failed:
        raise RuntimeError("; ".join(failed))
