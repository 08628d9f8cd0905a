"""End to end: PyTorch's docstring examples of the top-level functions and of the modules
round 4 read (torch.overrides, torch.nn.init, torch.utils.benchmark, ...), in the layouts
they are pasted in."""

from __future__ import annotations

import pytest
import torch

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


SIGNATURE_PAGE = """\
## torch.add

```python
add(input, other, *, alpha=1, out=None) -> Tensor
```

```pycon
>>> torch.add(torch.tensor([1, 2]), 20)
tensor([21, 22])
```
"""


def test_a_signature_in_a_python_fence_names_the_tag_that_leaves_it_unrun(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(SIGNATURE_PAGE)
    result = pytester.runpytest("--torchnotes-setup", "import torch")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:3: block 1 ('torch.add'): the block raised SyntaxError: *",
            "  not valid Python: if the block is pseudo-code or another tool's transcript, mark"
            " it <!-- torchnotes: skip not valid Python (*): pseudo-code or another tool's"
            " transcript --> on the line above its fence (line 3); or, it reads as a function's"
            " signature ('add(input, other, *, alpha=1, out=None) '), not code: tag the fence"
            " ```text instead",
        ]
    )
    write_note(SIGNATURE_PAGE.replace("```python\nadd", "```text\nadd"))
    pytester.runpytest("--torchnotes-setup", "import torch").assert_outcomes(passed=1)


DEFAULTS_SET = """\
```pycon
>>> torch.set_default_dtype(torch.float64)
>>> torch.get_default_dtype()
torch.float64
```

```pycon
>>> torch.tensor([1.5], dtype=torch.float32)
tensor([1.5000])
```

```pycon
>>> torch.set_default_device("cuda")
>>> torch.get_default_dtype()
torch.float64
```

```pycon
>>> torch.tensor([1, 2]).sum()
tensor(3)
```
"""


@pytest.mark.skipif(torch.cuda.is_available(), reason="the note's CUDA default runs here")
def test_a_default_an_example_above_changed_is_named_where_later_ones_fail(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """torch.get_default_dtype's example sets float64 and torch.set_default_device's sets
    CUDA, for the rest of a note that holds them: the later failures name that cause, not
    a drift or a block that needs CUDA."""
    write_note(DEFAULTS_SET)
    result = pytester.runpytest("--torchnotes-setup", "import torch")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:8: >>> torch.tensor([1.5], dtype=torch.float32)",
            "  output differs",
            "  torch's default dtype is torch.float64, not torch.float32: a block above, or "
            "torchnotes_setup, set it and did not set it back: set it back at the end of that "
            "example, or leave that example out ('# xdoctest: +SKIP', <!-- torchnotes: skip "
            "why -->)",
            # a CPU build's AssertionError, a CUDA build's RuntimeError where no driver is
            "*the block raised *Error: * (exception)",
            "  torch's default dtype is torch.float64, not torch.float32 and its default device "
            "is 'cuda', not 'cpu': a block above*",
        ]
    )
    assert "the block needs CUDA" not in result.stdout.str()
    # the next note starts with torch's defaults again
    assert torch.get_default_dtype() == torch.float32


SPLIT_EXAMPLE = """\
```python
# xdoctest: +REQUIRES(env:TORCH_DOCTEST_CUDA)
torch.set_default_device("cuda")
```

```python
torch.zeros(1)
```

```
tensor([0.])
```
"""


@pytest.mark.skipif(torch.cuda.is_available(), reason="the note's CUDA block runs here")
def test_a_directive_of_a_split_example_names_the_block_directive_that_applies_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(SPLIT_EXAMPLE)
    result = pytester.runpytest(
        "--torchnotes-setup", "import torch", "--torchnotes-output-fence=bare"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:2: `# xdoctest: +REQUIRES(env:TORCH_DOCTEST_CUDA)` is read in a >>> "
            "transcript only: in this block of plain code it does nothing, and the block runs "
            "whole; put <!-- torchnotes: requires cuda --> above the block*",
        ]
    )
    write_note("<!-- torchnotes: requires cuda -->\n" + SPLIT_EXAMPLE)
    result = pytester.runpytest(
        "--torchnotes-setup", "import torch", "--torchnotes-output-fence=bare"
    )
    result.assert_outcomes(passed=1)
