"""What a block that raised lacked, where the run can tell: a CUDA device, the network, or a
name that PyTorch's docstrings take from the namespace of their module.

PyTorch's docstring examples run in their module's namespace (``Bernoulli(0.3)`` under
``torch.distributions``, ``weight_norm`` under ``torch.nn.utils``) and some assume a GPU
without an xdoctest ``+REQUIRES``; copied into a note, they raise a ``NameError`` or
CUDA's ``AssertionError``. The hint names the import or the directive that fixes it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import sys
from types import ModuleType

from pytest_torchnotes.comparison.torchdefaults import changed_defaults, default_device

#: What torch raises where it has no CUDA device to run on: a tensor or a query of the
#: device, and the parts of torch.cuda a CPU build has only as stubs (a generator, streams,
#: NVTX, the jiterator, NCCL, the bindings of ``torch._C``); and, on a CUDA build, the CUDA
#: runtime's own words where the machine has no GPU or driver it can use (a build for a
#: newer driver than the machine's, no device, a driver that does not start, devices taken).
NO_CUDA = re.compile(
    r"Torch not compiled with CUDA enabled|not linked with support for cuda"
    r"|CUDA driver version is insufficient|no CUDA-capable device is detected"
    r"|CUDA driver initialization failed|CUDA-capable device\(s\) is/are busy or unavailable"
    r"|cudaErrorInsufficientDriver|cudaErrorNoDevice|cudaErrorDevicesUnavailable"
    r"|Found no NVIDIA driver|No CUDA GPUs are available|without ATen_cuda library"
    r"|torch\.cuda\.Stream requires CUDA support|compiled without CUDA support"
    r"|NVTX functions not installed|Jiterator is only supported on CUDA"
    r"|doesn't have NCCL built in|has no attribute '_cuda_"
    r"|dummy base class (?:CUDAGraph|MemPool)\b|only takes effect when CUDA is available",
    re.IGNORECASE,
)

#: The same, for Apple's GPU (MPS) and Intel's (XPU).
NO_MPS = re.compile(
    r"not linked with support for mps|without MPS backend|has no attribute '_mps_"
    r"|MPS is not available",
    re.IGNORECASE,
)
NO_XPU = re.compile(
    r"Torch not compiled with XPU enabled|not linked with support for xpu"
    r"|has no attribute '_xpu_",
    re.IGNORECASE,
)

#: What torch raises for a device class of a backend it was built without (``Event``,
#: ``Stream``): the backend is the one whose module the traceback went through.
DUMMY_CLASS = re.compile(r"Tried to instantiate dummy base class \w+")

#: What torch raises where a block asks for "the" accelerator and there is none
#: (``pin_memory()``, ``torch.accelerator``): CUDA's on most machines that have one.
NO_ACCELERATOR = re.compile(r"Cannot access accelerator device when none is available")

#: The module of torch for each device, as a traceback's frames name its files.
DEVICE_MODULE = re.compile(r"torch[/\\](?P<name>cuda|mps|xpu)[/\\]")

#: What torch.distributed raises where no process group was initialised: a collective, or a
#: class that starts one from the environment a launcher (torchrun) sets.
NO_PROCESS_GROUP = re.compile(
    r"Default process group has not been initialized"
    r"|Error initializing torch\.distributed using env:// rendezvous"
)

PROCESS_GROUP_HINT = (
    "the block needs torch.distributed's process group, which nothing in this run initialised"
    " (PyTorch's docstrings run such examples in a job that torchrun starts): mark it"
    " <!-- torchnotes: skip needs an initialised process group -->, or, for an example that"
    " holds in one process, initialise one in a setup comment above it"
    " (torch.distributed.init_process_group('gloo', init_method='tcp://127.0.0.1:29500',"
    " rank=0, world_size=1))"
)

#: What a download raises where the network cannot be reached: the name of the host does not
#: resolve, the connection fails (urllib's ``URLError``, requests' ``ConnectionError``,
#: ``socket.gaierror``), or the library says so in its own words after catching one
#: (torch.hub's ``RuntimeError: It looks like there is no internet connection``, Hugging
#: Face's ``We couldn't connect to 'https://huggingface.co'``).
NO_NETWORK = re.compile(
    r"URLError|ConnectionError|ConnectTimeout|gaierror|Name or service not known|"
    r"Temporary failure in name resolution|Network is unreachable|"
    r"No address associated with hostname|nodename nor servname|getaddrinfo failed|"
    r"Max retries exceeded|there is no internet connection|couldn't connect to"
)

#: A ``NameError``'s message, and the name it names.
UNDEFINED = re.compile(r"name '(?P<name>[A-Za-z_]\w*)' is not defined")

#: The namespaces where PyTorch's docstrings find their names, in the order they are tried.
TORCH_NAMESPACES = (
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.distributions",
    "torch.utils.data",
    "torch.nn.utils",
    "torch.nn.utils.parametrizations",
    "torch.nn.utils.rnn",
    "torch.optim",
    "torch.optim.lr_scheduler",
    "torch.autograd",
    "torch.library",
    "torch.nested",
    "torch.masked",
    "torch.utils.checkpoint",
    "torch.func",
    "torch.fx",
    "torch.export",
    "torch.nn.utils.prune",
    "torch.nn.utils.parametrize",
    "torch.linalg",
    "torch.fft",
    "torch.special",
    "torch.sparse",
    "torch.autograd.functional",
    "torch.autograd.forward_ad",
    "torch.autograd.graph",
    "torch.signal.windows",
    "torch.testing",
    "torch.ao.quantization",
    "torch.nn.init",
    "torch.overrides",
    "torch.profiler",
    "torch.amp",
    "torch.random",
    "torch.hub",
    "torch.utils.benchmark",
)

#: A public module of torch: no part of its dotted name starts with ``_``.
PUBLIC_TORCH_MODULE = re.compile(r"torch(?:\.[A-Za-z][\w]*)+")

CUDA_HINT = (
    "the block needs CUDA, which this run has not: mark it <!-- torchnotes: requires cuda -->"
    " (in a >>> transcript, '# xdoctest: +REQUIRES(env:TORCH_DOCTEST_CUDA)' on a line of its"
    " own above the example does too)"
)

#: The hint of a block that needs a device this run has not, by device.
DEVICE_HINTS = {
    "cuda": CUDA_HINT,
    "mps": (
        "the block needs an MPS device (Apple GPU), which this run has not: mark it"
        " <!-- torchnotes: requires mps -->"
    ),
    "xpu": (
        "the block needs an XPU device (Intel GPU), which this run has not: mark it"
        " <!-- torchnotes: requires xpu -->"
    ),
}


def missing_device(message: str, traceback: str = "") -> str | None:
    """The device (``cuda``, ``mps``, ``xpu``) that a block which raised ``message`` (with
    ``traceback``) asked for and this run has not; ``None`` where it asked for none.

    >>> missing_device("Torch not compiled with CUDA enabled")
    'cuda'
    >>> missing_device("Tried to instantiate dummy base class Stream", 'File "torch/xpu/s.py"')
    'xpu'
    >>> missing_device("index 3 is out of bounds") is None
    True
    """
    if NO_CUDA.search(message):
        return "cuda"
    if NO_MPS.search(message):
        return "mps"
    if NO_XPU.search(message):
        return "xpu"
    if DUMMY_CLASS.search(message) or NO_ACCELERATOR.search(message):
        modules = DEVICE_MODULE.findall(traceback)
        return modules[-1] if modules else "cuda"
    return raised_in_absent_device(traceback)


#: A frame of a traceback, and the file it names.
FRAME_FILE = re.compile(r'^ *File "(?P<file>[^"\n]*)", line \d+', re.MULTILINE)


def raised_in_absent_device(traceback: str) -> str | None:
    """The device whose module of torch raised the error in its own code (the innermost
    frame of ``traceback`` is in ``torch/cuda/``, ``torch/mps/`` or ``torch/xpu/``) when this
    run has no such device: on a CPU build, ``torch.cuda.ExternalStream(ptr)`` raises a
    ``TypeError`` from ``torch.cuda.device`` (``'<' not supported between instances of
    'NoneType' and 'int'``) that names no device, and the example is one for a GPU.

    >>> raised_in_absent_device('  File "x/torch/nn/modules/module.py", line 3, in f')
    """
    if "File" not in traceback:
        return None
    frames = FRAME_FILE.findall(traceback)
    found = DEVICE_MODULE.search(frames[-1]) if frames else None
    if found is None:
        return None
    device = found.group("name")
    return None if _device_available(device) else device


def _device_available(device: str) -> bool:
    """Whether this run has ``device`` (torch is imported: one of its modules raised)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    backend = getattr(torch.backends, device, None) if device == "mps" else None
    module = backend if backend is not None else getattr(torch, device, None)
    try:
        return bool(module.is_available()) if module is not None else False
    except Exception:  # a broken build's query: no device to run on either
        return False


NETWORK_HINT = (
    "the block downloads, and the network cannot be reached from this run: mark it "
    "<!-- torchnotes: requires network --> to run it only where it can"
)


def missing_hint(
    type_name: str, message: str, traceback: str = "", heading: str | None = None
) -> str | None:
    """The line that says what a block that raised ``type_name: message`` lacked, and how to
    give it; ``None`` where the run cannot tell.

    >>> missing_hint("NameError", "name 'math' is not defined")
    "'math' is a module: import math in the note, or in torchnotes_setup (--torchnotes-setup)"
    >>> missing_hint("ValueError", "bad value") is None
    True
    """
    device = missing_device(message, traceback)
    if device is not None:
        # a block above that set the default device to CUDA fails every block after it
        moved = default_device(sys.modules["torch"]) if "torch" in sys.modules else None
        return changed_defaults() if moved is not None else DEVICE_HINTS[device]
    if NO_NETWORK.search(f"{type_name}: {message}"):
        return NETWORK_HINT
    if NO_PROCESS_GROUP.search(message):
        return PROCESS_GROUP_HINT
    found = UNDEFINED.fullmatch(message) if type_name == "NameError" else None
    if found is None:
        return None
    name = found.group("name")
    if importlib.util.find_spec(name) is not None:
        return (
            f"{name!r} is a module: import {name} in the note, or in torchnotes_setup"
            " (--torchnotes-setup)"
        )
    where = _named_namespace(name, heading or "") or _torch_namespace(name)
    if where is None:
        return None
    alias = _package_alias(where, name)
    if alias is not None:
        return (
            f"{name!r} is the name notes give a module: add '{alias}' to the note, or to"
            " torchnotes_setup (--torchnotes-setup)"
        )
    origin = _origin(where, name)
    if origin != where:
        return (
            f"{name!r} may be {origin}.{name} (PyTorch's docstrings run in the namespace of"
            f" their module, which imports it from {origin}): add 'from {origin} import"
            f" {name}' to the note, or to torchnotes_setup (--torchnotes-setup)"
        )
    return (
        f"{name!r} may be {where}.{name} (PyTorch's docstrings run in the namespace of"
        f" their module): add 'from {where} import {name}' to the note, or to"
        " torchnotes_setup (--torchnotes-setup)"
    )


def import_for(
    name: str, *, load: bool = False, functions: bool = True, heading: str = ""
) -> str | None:
    """The import that gives the undefined ``name``: a module's, or that of a class or a
    function of torch's namespaces (:func:`missing_hint` says the same in words). A run
    looks in the namespaces its notes imported; ``load`` imports them first (a process
    that ran no note, as ``torchnotes triage`` is). Without ``functions``, a function of
    ``torch`` itself is not taken for the name: ``t``, ``x`` or ``input`` is more likely a
    variable the note lost than ``torch.t``; one of a narrower namespace is
    (``random_unstructured`` of ``torch.nn.utils.prune``, ``weight_norm``). The module a
    block's ``heading`` names comes first, as :func:`missing_hint` has it (``vjp`` under
    ``torch.autograd.functional.vjp`` is that module's, not ``torch.func``'s).

    >>> import_for("math"), import_for("no_such_name_here")
    ('import math', None)
    >>> import_for("vjp", load=True, heading="torch.autograd.functional.vjp")
    'from torch.autograd.functional import vjp'
    """
    if importlib.util.find_spec(name) is not None:
        return f"import {name}"
    if load:
        _load_namespaces()
    where = _named_namespace(name, heading) or _torch_namespace(name)
    if where is None:
        return None
    alias = _package_alias(where, name)
    if alias is not None:
        return alias
    value = getattr(sys.modules[where], name)
    if not functions and where == "torch" and not isinstance(value, (type, ModuleType)):
        return None
    return f"from {_origin(where, name)} import {name}"


def _origin(where: str, name: str) -> str:
    """The module to import ``name`` from: the one outside torch that defines what torch's
    namespace ``where`` holds under that name (``Enum``, which ``torch.utils.benchmark``'s
    docstrings use, is ``enum.Enum`` that a module of torch imported), else ``where``.

    >>> import torch.nn.utils.parametrizations
    >>> _origin("torch.nn.utils.parametrizations", "Enum"), _origin("torch.nn", "Linear")
    ('enum', 'torch.nn')
    """
    value = getattr(sys.modules[where], name, None)
    defined = getattr(value, "__module__", None)
    if not isinstance(defined, str) or defined.partition(".")[0] == "torch":
        return where
    module = sys.modules.get(defined)
    public = not any(part.startswith("_") for part in defined.split("."))
    return defined if public and getattr(module, name, None) is value else where


def _load_namespaces() -> None:
    for module_name in TORCH_NAMESPACES:
        # a namespace this torch lacks, or cannot import, is left out
        with contextlib.suppress(Exception):
            importlib.import_module(module_name)


def _package_alias(where: str, name: str) -> str | None:
    """The import of a module that torch's namespace ``where`` holds under another name than
    its own (``torch.nn.functional`` imports numpy as ``np``, a submodule of torch imports
    ``torch.nn.functional`` as ``F``): a note that lost ``np`` lost ``import numpy as np``,
    not ``from torch.nn.functional import np``.

    >>> import torch.nn.functional
    >>> _package_alias("torch.nn.functional", "np")
    'import numpy as np'
    >>> _package_alias("torch", "nn") is None
    True
    """
    value = getattr(sys.modules[where], name)
    if not isinstance(value, ModuleType) or value.__name__ == f"{where}.{name}":
        return None
    return f"import {value.__name__}" + ("" if value.__name__ == name else f" as {name}")


#: A dotted name of torch in a heading: ``torch.autograd.functional.hessian``.
TORCH_PATH = re.compile(r"\btorch(?:\.\w+)+")


def _named_namespace(name: str, heading: str) -> str | None:
    """The module of torch that ``heading`` names (a page or a note per function of
    PyTorch's reference: ``torch.autograd.functional.hessian``) where ``name`` is a class, a
    function, a module or a registry (:data:`REGISTRIES`), imported if no note did: its
    docstrings use its own names, which another namespace may hold too
    (``torch.func.hessian`` is another function).

    >>> import torch.autograd.functional
    >>> _named_namespace("hessian", "torch.autograd.functional.hessian")
    'torch.autograd.functional'
    >>> _named_namespace("hessian", "Hessians") is None
    True
    """
    if name.startswith("_") or "torch" not in heading:
        return None
    for path in TORCH_PATH.findall(heading):
        parts = path.split(".")
        for end in range(len(parts), 0, -1):
            module = _imported(".".join(parts[:end]))
            value = getattr(module, "__dict__", {}).get(name)
            if module is not None and (_importable(value) or isinstance(value, REGISTRIES)):
                return ".".join(parts[:end])
    return None


def _imported(module_name: str) -> ModuleType | None:
    """The module of torch ``module_name``, imported now if no note did: the module a
    heading names is often one nothing imports on its own (``torch.ao.quantization.
    backend_config.backend_config``, ``torch.nn.utils._per_sample_grad``). Only a block that
    failed asks; a name that is no module, or a module that fails to import, is ``None``."""
    module = sys.modules.get(module_name)
    if module is None:
        with contextlib.suppress(Exception):
            module = importlib.import_module(module_name)
    return module if isinstance(module, ModuleType) else None


#: What a module's docstring may update in place as its own name, besides its classes and
#: functions: a registry (``default_collate_fn_map.update(...)`` under
#: ``torch.utils.data._utils.collate.collate``). A number or a string is a constant a note
#: may mean to define itself.
REGISTRIES = (dict, list, set)


def _torch_namespace(name: str) -> str | None:
    """The first namespace of :data:`TORCH_NAMESPACES` already imported where ``name`` is a
    class, a function or a module (not a constant such as ``torch.e``, that a note may have
    meant to define itself)."""
    if name.startswith("_"):
        return None
    for module_name in TORCH_NAMESPACES:
        if _importable(getattr(sys.modules.get(module_name), name, None)):
            return module_name
    return _exported_by(name)


def _exports(module: object) -> tuple[str, ...] | list[str]:
    """The ``__all__`` of ``module``, read from its own variables: ``torch.classes`` answers
    any attribute asked of it with a namespace of its own."""
    exports = getattr(module, "__dict__", {}).get("__all__")
    return exports if isinstance(exports, (list, tuple)) else ()


def _importable(value: object) -> bool:
    """Whether a note would import ``value`` rather than define it: a class, a function or a
    module, not a constant."""
    return callable(value) or isinstance(value, ModuleType)


def _exported_by(name: str) -> str | None:
    """The shortest-named public torch module already imported whose ``__all__`` lists
    ``name``: every module's docstrings use its own names (``is_tensor_like`` under
    ``torch.overrides``), and the list above cannot name every module. Only a failing
    block asks, so walking ``sys.modules`` costs a passing note nothing."""
    found = [
        module_name
        for module_name, module in list(sys.modules.items())
        if PUBLIC_TORCH_MODULE.fullmatch(module_name)
        and name in _exports(module)
        and _importable(getattr(module, "__dict__", {}).get(name))
    ]
    return min(found, key=lambda module_name: (module_name.count("."), module_name), default=None)
