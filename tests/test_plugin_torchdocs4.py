"""End to end: PyTorch's docstring examples of the top-level functions and of the modules
round 4 read (torch.overrides, torch.nn.init, torch.utils.benchmark, ...), in the layouts
they are pasted in."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

OVERRIDES = """\
```pycon
>>> is_tensor_method_or_property(torch.Tensor.add)
True
```
"""


def test_a_name_of_a_module_the_hints_did_not_list_names_its_import(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(OVERRIDES)
    result = pytester.runpytest("--torchnotes-setup", "import torch")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the block raised NameError: name 'is_tensor_method_or_property' is not defined*",
            "  'is_tensor_method_or_property' may be "
            "torch.overrides.is_tensor_method_or_property (PyTorch's docstrings run in the "
            "namespace of their module): add 'from torch.overrides import "
            "is_tensor_method_or_property' to the note, or to torchnotes_setup "
            "(--torchnotes-setup)",
        ]
    )
    setup = "import torch\nfrom torch.overrides import is_tensor_method_or_property"
    pytester.runpytest("--torchnotes-setup", setup).assert_outcomes(passed=1)
