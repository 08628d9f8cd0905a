from __future__ import annotations

import pytest

from pytest_torchnotes.run.errors import ErrorInfo
from pytest_torchnotes.run.exceptions import error_headline
from pytest_torchnotes.run.packagenames import module_named_by
from pytest_torchnotes.run.unwritten import MISSING_RELATIVE_FILE, missing_file


@pytest.mark.parametrize(
    ("message", "module"),
    [
        ("nvidia-ml-py does not seem to be installed or it can't be imported.", "pynvml"),
        ("amdsmi does not seem to be installed or it can't be imported.", "amdsmi"),
        ("Please use `pip install Pillow` to install the package", "PIL"),
        ("Please use `pip install scipy`", "scipy"),
        ("torch.cuda._use_uvm() requires the 'cuda-python' package to be installed", "cuda"),
        (
            "Package `torchaudio` is required to be installed for default audio file loader.",
            "torchaudio",
        ),
        ("Please install tabulate.", "tabulate"),
        ("Please install apache-tvm to use the tvm backend.", "tvm"),
        ("pip install some-unknown-dist", None),  # a package whose module is not known
        ("something went wrong", None),
    ],
)
def test_the_module_of_the_package_a_library_says_is_missing(
    message: str, module: str | None
) -> None:
    assert module_named_by(message) == module


def test_a_library_s_module_not_found_names_the_module_its_directive_requires() -> None:
    error = ErrorInfo(
        "ModuleNotFoundError",
        frozenset({"ModuleNotFoundError", "ImportError"}),
        "nvidia-ml-py does not seem to be installed or it can't be imported.",
        "",
        None,
    )
    assert error_headline(error).endswith("<!-- torchnotes: requires module:pynvml -->)")


@pytest.mark.parametrize(
    ("message", "name", "relative"),
    [
        ("The provided filename scriptmodule.pt does not exist", "scriptmodule.pt", True),
        ("The provided filename models/my model.pt does not exist", "my model.pt", True),
        ("The provided filename /abs/m.pt does not exist", "m.pt", False),
        ("[Errno 2] No such file or directory: 'tensors.pt'", "tensors.pt", True),
        ("the provided filename is fine", None, False),
    ],
)
def test_a_file_torch_jit_load_did_not_find_is_named(
    message: str, name: str | None, relative: bool
) -> None:
    assert missing_file(message) == name
    assert (MISSING_RELATIVE_FILE.search(message) is not None) is relative
