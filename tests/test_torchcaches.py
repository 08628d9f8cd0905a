"""torch's caches of its own functions emptied after a note that patched torch."""

from __future__ import annotations

import pytest
import torch
import torch.overrides
import torch.utils._device

from pytest_torchnotes.run import torchcaches
from tests.conftest import WriteNote


@pytest.mark.parametrize(
    ("restored", "changed"),
    [
        (["torch.zeros"], True),
        (["torch.nn.functional.relu", "os.getcwd"], True),
        (["torch"], True),
        (["os.getcwd", "torchvision.io"], False),
        ([], False),
    ],
)
def test_only_a_change_of_torch_empties_the_caches(restored: list[str], changed: bool) -> None:
    assert torchcaches.changed_torch(restored) is changed


def test_every_cache_this_torch_has_is_emptied() -> None:
    torch.utils._device._device_constructors()
    torch.overrides.get_ignored_functions()
    cleared = torchcaches.clear_function_caches()
    assert "torch.utils._device._device_constructors" in cleared
    assert "torch.overrides.get_ignored_functions" in cleared
    assert torch.utils._device._device_constructors.cache_info().currsize == 0
    assert torch.overrides.get_ignored_functions.cache_info().currsize == 0


def test_a_function_patched_while_torch_cached_it_does_not_outlive_the_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    torch.utils._device._device_constructors.cache_clear()  # filled while the note runs
    write_note(
        "```python\nimport torch\ntorch.set_default_device('meta')\n"
        "torch.zeros = lambda *args, **kwargs: 'patched'\n"
        "torch.randn(1, device='cpu')  # the default device's mode fills its cache\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport torch\ntorch.set_default_device('meta')\nprint(torch.zeros(1).device)\n"
        "torch.set_default_device(None)\n```\n\n```output\nmeta\n```\n",
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)
    assert torch.zeros(1).device.type == "cpu"
