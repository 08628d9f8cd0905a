"""What a block that raised lacked: a CUDA device, a module, a name of torch's namespaces."""

from __future__ import annotations

import fnmatch
import sys
import types

import pytest
import torch.ao.quantization
import torch.distributions
import torch.nn.functional
import torch.nn.init
import torch.nn.utils
import torch.nn.utils.parametrizations
import torch.nn.utils.prune
import torch.overrides
import torch.random
import torch.signal.windows

from pytest_torchnotes.comparison.gpuoutput import device_hint
from pytest_torchnotes.comparison.missing import CUDA_HINT, missing_hint


@pytest.mark.parametrize(
    ("type_name", "message", "expected"),
    [
        ("AssertionError", "Torch not compiled with CUDA enabled", CUDA_HINT),
        ("RuntimeError", "PyTorch is not linked with support for cuda devices", CUDA_HINT),
        ("RuntimeError", "Found no NVIDIA driver on your system.", CUDA_HINT),
        (
            "RuntimeError",
            "It looks like there is no internet connection and the repo could not be found in "
            "the cache (/root/.cache/torch/hub)",
            "the block downloads, and the network cannot be reached*",
        ),
        (
            "OSError",
            "We couldn't connect to 'https://huggingface.co' to load this file",
            "the block downloads, and the network cannot be reached*",
        ),
        ("NameError", "name 'itertools' is not defined", "'itertools' is a module: *"),
        (
            "NameError",
            "name 'Bernoulli' is not defined",
            "'Bernoulli' may be torch.distributions.Bernoulli *",
        ),
        ("NameError", "name 'weight_norm' is not defined", "* torch.nn.utils.weight_norm *"),
        (
            "NameError",
            "name 'random_unstructured' is not defined",
            "* torch.nn.utils.prune.random_unstructured *",
        ),
        ("NameError", "name 'kaiser' is not defined", "* torch.signal.windows.kaiser *"),
        ("NameError", "name 'fuse_modules' is not defined", "*from torch.ao.quantization import*"),
        ("NameError", "name 'e' is not defined", None),  # torch.e is a constant
        ("NameError", "name 'no_such_name_xyz' is not defined", None),
        ("NameError", "name '_C' is not defined", None),
        ("ValueError", "name 'Bernoulli' is not defined", None),
        # modules a torch namespace holds under the name notes give them: the note's import
        # is named, not the namespace that happens to hold it
        ("NameError", "name 'np' is not defined", "*: add 'import numpy as np' to the note*"),
        (
            "NameError",
            "name 'F' is not defined",
            "*: add 'import torch.nn.functional as F' to the note*",
        ),
        ("NameError", "name 'nn' is not defined", "*add 'from torch import nn' to the note*"),
    ],
)
def test_missing_hint(type_name: str, message: str, expected: str | None) -> None:
    # the namespaces a note's run has imported
    assert torch.distributions.Bernoulli is not None
    assert torch.nn.utils.weight_norm is not None
    assert torch.nn.utils.prune.random_unstructured is not None
    assert torch.signal.windows.kaiser is not None
    assert torch.ao.quantization.fuse_modules is not None
    hint = missing_hint(type_name, message)
    if expected is None:
        assert hint is None
    else:
        assert hint is not None
        assert fnmatch.fnmatchcase(hint, expected), hint


@pytest.mark.parametrize(
    ("type_name", "message"),
    [
        ("urllib.error.URLError", "<urlopen error [Errno -2] Name or service not known>"),
        ("socket.gaierror", "[Errno -3] Temporary failure in name resolution"),
        (
            "requests.exceptions.ConnectionError",
            "HTTPSConnectionPool(host='download.pytorch.org', port=443): Max retries exceeded",
        ),
    ],
)
def test_a_download_without_the_network_names_the_requirement(type_name: str, message: str) -> None:
    """As ``torch.hub.load_state_dict_from_url`` and the datasets of torchvision fail where
    the network cannot be reached (tests/samples/download.md)."""
    hint = missing_hint(type_name, message)
    assert hint is not None
    assert "<!-- torchnotes: requires network -->" in hint
    assert missing_hint("ValueError", "connection string is bad") is None


@pytest.mark.parametrize(
    ("expected", "actual", "hint"),
    [
        ("tensor([1.], device='cuda:0')\n", "", "*a CUDA device (device='cuda:0')*requires cuda*"),
        ("tensor([1.], device='cuda')\n", "tensor([1.])\n", "*requires cuda*"),
        ("tensor([1.], device='mps:0')\n", "", "*an MPS device (Apple GPU)*requires mps*"),
        # a torch.device's repr, as a notebook shows ``x.device``
        (
            "device(type='cuda', index=0)\n",
            "device(type='cpu')\n",
            "the expected output names a CUDA device (device(type='cuda', index=0))*",
        ),
        ("[device(type='mps')]\n", "[device(type='cpu')]\n", "*names an MPS device*"),
        # the line print(x.device) writes
        ("cpu\ncuda:0\n", "cpu\ncpu\n", "*names a CUDA device (cuda:0)*requires cuda*"),
        ("  cuda\n", "  cpu\n", "*(cuda)*requires cuda*"),
        # the same device in another form: the drift is elsewhere
        ("device(type='cuda', index=0)\n", "tensor([1.], device='cuda:0')\n", None),
        # words that are no device
        ("cudaMalloc failed\n", "", None),
        ("running on cuda:0 now\n", "", None),
        # printed on the GPU here too, or never on one: the drift is elsewhere
        ("tensor([1.], device='cuda:0')\n", "tensor([2.], device='cuda:0')\n", None),
        ("tensor([1.])\n", "", None),
        ("device='cpu'\n", "", None),
    ],
)
def test_output_printed_on_a_gpu_names_the_requirement(
    expected: str, actual: str, hint: str | None
) -> None:
    found = device_hint(expected, actual)
    if hint is None:
        assert found is None
    else:
        assert found is not None
        assert fnmatch.fnmatchcase(found, hint), found


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("is_tensor_method_or_property", "torch.overrides"),
        ("xavier_uniform_", "torch.nn.init"),
        ("fork_rng", "torch.random"),
    ],
)
def test_names_of_the_namespaces_of_this_torch(name: str, where: str) -> None:
    hint = missing_hint("NameError", f"name {name!r} is not defined")
    assert hint is not None
    assert f"add 'from {where} import {name}'" in hint


@pytest.mark.parametrize("module_name", ["torch.made_up", "torch.made_up.deeper"])
def test_a_name_any_public_torch_module_exports(
    monkeypatch: pytest.MonkeyPatch, module_name: str
) -> None:
    """A namespace the list does not name is found by what it exports, once imported."""
    module = types.ModuleType(module_name)
    module.__all__ = ["made_up_function", "MADE_UP_CONSTANT"]  # type: ignore[attr-defined]
    module.made_up_function = len  # type: ignore[attr-defined]
    module.MADE_UP_CONSTANT = 3  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module_name, module)
    hint = missing_hint("NameError", "name 'made_up_function' is not defined")
    assert hint is not None
    assert f"add 'from {module_name} import made_up_function'" in hint
    # a constant a note may have meant to define itself is not taken for the name
    assert missing_hint("NameError", "name 'MADE_UP_CONSTANT' is not defined") is None


def test_a_private_module_is_not_named(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("torch._made_up")
    module.__all__ = ["made_up_function"]  # type: ignore[attr-defined]
    module.made_up_function = len  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torch._made_up", module)
    assert missing_hint("NameError", "name 'made_up_function' is not defined") is None


#: What a block asks of a device this CPU build of torch has not, and the device it needs.
DEVICE_CALLS = [
    ("torch.Generator(device='cuda')", "cuda"),
    ("torch.cuda.Stream()", "cuda"),
    ("torch.cuda.Event(enable_timing=True)", "cuda"),
    ("torch.cuda.CUDAGraph()", "cuda"),
    ("torch.cuda.MemPool()", "cuda"),
    ("torch.cuda.set_device(0)", "cuda"),
    ("torch.cuda.nvtx.range_push('step')", "cuda"),
    ("torch.ones(1).pin_memory()", "cuda"),
    ("torch.cuda.get_device_name(0)", "cuda"),
    ("torch.ones(1).to('mps')", "mps"),
    ("torch.mps.synchronize()", "mps"),
    ("torch.mps.current_allocated_memory()", "mps"),
    ("torch.ones(1, device='xpu')", "xpu"),
    ("torch.xpu.Stream()", "xpu"),
    ("torch.xpu.synchronize()", "xpu"),
    # raised in torch.cuda's own code in words that name no device
    ("torch.cuda.ExternalStream(12345)", "cuda"),
    ("torch.cuda.gds.gds_register_buffer(torch.ones(2))", "cuda"),
]


@pytest.mark.skipif(
    torch.cuda.is_available() or torch.backends.mps.is_available() or torch.xpu.is_available(),
    reason="needs a build of torch without a GPU",
)
@pytest.mark.parametrize(("code", "device"), DEVICE_CALLS)
def test_what_torch_raises_without_a_device_names_the_requirement(code: str, device: str) -> None:
    from pytest_torchnotes.run.errors import describe_error

    try:
        eval(code, {"torch": torch})
    except Exception as raised:  # what this build raises, not a message written here
        error = describe_error(raised, "note.md")
    else:
        pytest.skip(f"{code} ran on this build")
    hint = missing_hint(error.type_name, error.message, error.traceback)
    assert hint is not None
    assert f"<!-- torchnotes: requires {device} -->" in hint


@pytest.mark.parametrize(
    "message",
    [
        # a CUDA build of torch on a machine whose driver is older than the build's
        "CUDA error: CUDA driver version is insufficient for CUDA runtime version\n"
        "Search for `cudaErrorInsufficientDriver' in https://docs.nvidia.com/cuda/ for more",
        # ... with no GPU, a driver that does not start, every device taken
        "CUDA error: no CUDA-capable device is detected",
        "CUDA driver initialization failed, you might not have a CUDA gpu.",
        "CUDA error: CUDA-capable device(s) is/are busy or unavailable",
        "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU",
    ],
)
def test_a_cuda_build_without_a_usable_gpu_names_the_requirement(message: str) -> None:
    from pytest_torchnotes.comparison.missing import missing_device

    assert missing_device(message) == "cuda"
    assert missing_device("CUDA error: out of memory") is None  # a GPU there, and too small


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
@pytest.mark.parametrize(
    ("code", "asks"),
    [
        ("torch.cuda.is_available()", True),
        ("print(torch.cuda.device_count())", True),
        ("torch.cuda.get_device_properties(0).name", True),
        ("torch.backends.cudnn.version()", True),
        ("print(torch.version.cuda)", True),
        ("torch.cuda.manual_seed(0)", False),  # no question about the device
        ("x = torch.ones(2)", False),
    ],
)
def test_a_question_about_a_cuda_device_this_run_has_not_is_named(code: str, asks: bool) -> None:
    from pytest_torchnotes.comparison.gpuoutput import device_query_hint, device_query_kept

    hint, kept = device_query_hint(code), device_query_kept(code)
    assert (hint is not None) == asks
    assert (kept is not None) == asks
    if hint is not None:
        assert "<!-- torchnotes: requires cuda -->" in hint


@pytest.mark.parametrize(
    ("name", "heading", "where"),
    [
        # torch.func holds functions of the same names with other signatures
        ("hessian", "torch.autograd.functional.hessian", "torch.autograd.functional"),
        ("jvp", "## torch.autograd.functional.jvp", "torch.autograd.functional"),
        ("hessian", "Hessians", "torch.func"),
        ("hessian", None, "torch.func"),
        # a module the namespaces leave out, private or not
        ("tree_is_leaf", "torch.utils._pytree.tree_is_leaf", "torch.utils._pytree"),
        ("Quantize", "torch.ao.nn.quantized.DeQuantize", "torch.ao.nn.quantized"),
        ("dual_level", "torch.autograd.forward_ad.unpack_dual", "torch.autograd.forward_ad"),
        # a module no note imported: imported when a block that needs it failed
        (
            "DTypeConfig",
            "torch.ao.quantization.backend_config.backend_config.DTypeConfig",
            "torch.ao.quantization.backend_config.backend_config",
        ),
        (
            "call_for_per_sample_grads",
            "## torch.nn.utils._per_sample_grad.call_for_per_sample_grads",
            "torch.nn.utils._per_sample_grad",
        ),
        # a registry its docstring updates in place
        (
            "default_collate_fn_map",
            "torch.utils.data._utils.collate.collate",
            "torch.utils.data._utils.collate",
        ),
    ],
)
def test_a_name_is_looked_for_first_in_the_module_the_heading_names(
    name: str, heading: str | None, where: str
) -> None:
    import torch.ao.nn.quantized
    import torch.autograd.forward_ad
    import torch.autograd.functional
    import torch.func
    import torch.utils._pytree
    import torch.utils.data._utils.collate  # noqa: F401

    hint = missing_hint("NameError", f"name {name!r} is not defined", "", heading)
    assert hint is not None
    assert f"from {where} import {name}'" in hint


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("np_str_obj_array_pattern", "torch.utils.data._utils.collate.collate"),
        ("default_collate_err_msg_format", "torch.utils.data._utils.collate.collate"),
    ],
)
def test_a_constant_of_the_module_the_heading_names_is_not_proposed(
    name: str, heading: str
) -> None:
    import torch.utils.data._utils.collate  # noqa: F401

    hint = missing_hint("NameError", f"name {name!r} is not defined", "", heading)
    assert hint is None or "import" not in hint


@pytest.mark.parametrize(
    "code",
    [
        "torch.distributed.all_reduce(torch.ones(1))",
        "torch.distributed.get_rank()",
        "torch.distributed.device_mesh.DeviceMesh('cpu', [0, 1])",
    ],
)
def test_a_block_that_needs_a_process_group_says_so(code: str) -> None:
    import torch.distributed.device_mesh

    from pytest_torchnotes.run.errors import describe_error

    if torch.distributed.is_initialized():
        pytest.skip("a process group is initialised")
    # what torch raises (ValueError, RuntimeError), not a message written here
    with pytest.raises((ValueError, RuntimeError)) as raised:
        eval(code, {"torch": torch})
    error = describe_error(raised.value, "note.md")
    hint = missing_hint(error.type_name, error.message, error.traceback)
    assert hint is not None
    assert "<!-- torchnotes: skip needs an initialised process group -->" in hint


def _frame(path: str) -> str:
    return f'  File "{path}", line 3, in f\n    x = 1\n'


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
@pytest.mark.parametrize(
    ("traceback", "device"),
    [
        (_frame("note.md") + _frame("/site-packages/torch/cuda/streams.py"), "cuda"),
        (_frame("note.md") + _frame("C:\\torch\\cuda\\__init__.py"), "cuda"),
        # torch.cuda called something else that raised: not its own code's error
        (_frame("/torch/cuda/__init__.py") + _frame("/site-packages/numpy/a.py"), None),
        (_frame("note.md") + _frame("/site-packages/torch/nn/modules/module.py"), None),
        (_frame("note.md"), None),
        ("", None),
    ],
)
def test_an_error_raised_in_the_module_of_a_device_this_run_has_not_names_it(
    traceback: str, device: str | None
) -> None:
    from pytest_torchnotes.comparison.missing import raised_in_absent_device

    assert raised_in_absent_device(traceback) == device
    hint = missing_hint("TypeError", "'<' not supported", traceback)
    assert (hint == CUDA_HINT) is (device == "cuda")


def test_an_error_in_the_module_of_a_device_this_run_has_is_no_missing_device(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pytest_torchnotes.comparison.missing import raised_in_absent_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert raised_in_absent_device(_frame("/site-packages/torch/cuda/streams.py")) is None


@pytest.mark.parametrize(
    ("name", "origin"),
    [
        ("Enum", "enum"),  # torch.utils.benchmark's docstrings, from a module of torch
        ("wraps", "functools"),
        ("Linear", "torch.nn"),  # torch's own: its namespace
        ("Bernoulli", "torch.distributions"),
    ],
)
def test_a_name_torch_took_from_elsewhere_is_imported_from_where_it_is_defined(
    name: str, origin: str
) -> None:
    from pytest_torchnotes.comparison.missing import import_for

    hint = missing_hint("NameError", f"name '{name}' is not defined")
    assert hint is not None
    assert f"add 'from {origin} import {name}' to the note" in hint
    assert import_for(name) == f"from {origin} import {name}"
