"""End to end: PyTorch's docstring examples of round 9 (torch.utils.data, torch.jit,
torch.nn.utils, torch.func, torch.ao pasted into notes)."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

REGISTRY = """\
## torch.utils.data._utils.collate.collate

```pycon
>>> import torch
>>> torch.Tensor in default_collate_fn_map  # the docstring updates it in place
True
```
"""


def test_a_registry_of_the_headings_module_is_named_as_its_import(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(REGISTRY)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*'default_collate_fn_map' may be torch.utils.data._utils.collate."
            "default_collate_fn_map*add 'from torch.utils.data._utils.collate import "
            "default_collate_fn_map' to the note*"
        ]
    )
    write_note(
        REGISTRY.replace(
            "```pycon\n",
            "<!-- torchnotes: setup\nfrom torch.utils.data._utils.collate import"
            " default_collate_fn_map\n-->\n```pycon\n",
        )
    )
    pytester.runpytest().assert_outcomes(passed=1)
