"""The global flags of torch's C++ core that the other knobs do not hold, found by their
names: every ``torch._C._get_X`` with a ``torch._C._set_X`` (the blas and linalg backends,
``torch.backends.cuda.matmul.allow_tf32``, nnpack, the quantized engine, the graph
executor's optimisation, the autograd fallback mode...), and the scaled-dot-product
attention backends (``torch.backends.cuda.enable_math_sdp(False)``, whose getter and setter
are named apart). ``enable_math_sdp(False)`` would leave every later note's
``scaled_dot_product_attention`` on the CPU without a kernel.

A flag whose getter fails or gives nothing (``None``) is left out; so are those another
knob holds, and the per-thread and per-trace state that are no settings.
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
        "torch_function_state",
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


def flag_knobs() -> list[Knob]:
    """One knob for every such flag of the imported torch (none before torch is imported)."""
    torch = sys.modules.get("torch")
    core = getattr(torch, "_C", None)
    if core is None:
        return []
    pairs = [
        (name[5:], name[5:])
        for name in dir(core)
        if name.startswith("_get_") and hasattr(core, f"_set_{name[5:]}")
    ]
    pairs += list(SDP_BACKENDS)
    flags: list[tuple[str, Callable[[], Any], Callable[[Any], Any]]] = []
    for getter, setter in pairs:
        get, put = getattr(core, f"_get_{getter}", None), getattr(core, f"_set_{setter}", None)
        if getter in LEFT_OUT or not callable(get) or not callable(put):
            continue
        try:
            if get() is None:
                continue
        except Exception:  # needs arguments, or a device this machine lacks
            continue
        flags.append((getter, get, put))
    if not flags:
        return []
    return [
        Knob(
            "torch flags",
            lambda: {name: get() for name, get, _ in flags},
            lambda saved: _set_flags(flags, saved),
        )
    ]


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
            failed.append(f"torch._C._set_{name}: {error}")
    if failed:
        raise RuntimeError("; ".join(failed))
