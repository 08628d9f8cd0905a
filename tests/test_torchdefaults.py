"""torch's defaults a block above changed: named when a block fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch

from pytest_torchnotes.comparison.missing import CUDA_HINT, missing_hint
from pytest_torchnotes.comparison.torchdefaults import changed_defaults, default_device


@pytest.fixture
def restore_defaults() -> Iterator[None]:
    yield
    torch.set_default_dtype(torch.float32)
    torch.set_default_device(None)


def test_torchs_own_defaults_are_no_cause() -> None:
    assert changed_defaults() is None
    assert default_device(torch) is None


@pytest.mark.usefixtures("restore_defaults")
@pytest.mark.parametrize("dtype", [torch.float64, torch.float16, torch.bfloat16])
def test_a_changed_default_dtype_is_named(dtype: torch.dtype) -> None:
    torch.set_default_dtype(dtype)
    said = changed_defaults()
    assert said is not None
    assert said.startswith(f"torch's default dtype is {dtype}, not torch.float32: ")


@pytest.mark.usefixtures("restore_defaults")
@pytest.mark.parametrize("device", ["cuda", "cuda:1", "meta"])
def test_a_changed_default_device_is_named(device: str) -> None:
    torch.set_default_device(device)
    said = changed_defaults()
    assert said is not None
    assert f"torch's default device is '{device}', not 'cpu'" in said


@pytest.mark.usefixtures("restore_defaults")
def test_the_cpu_set_as_default_device_is_no_cause() -> None:
    torch.set_default_device("cpu")
    assert changed_defaults() is None


@pytest.mark.usefixtures("restore_defaults")
def test_cuda_missing_after_a_block_set_the_default_device_names_that_block() -> None:
    message = "Torch not compiled with CUDA enabled"
    assert missing_hint("AssertionError", message) == CUDA_HINT
    torch.set_default_device("cuda")
    assert missing_hint("AssertionError", message) == changed_defaults()
