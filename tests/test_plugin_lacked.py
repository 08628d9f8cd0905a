"""End to end: what a failing block lacked is named with the fix, in the failure itself: a
GPU its expected output was printed on, a module imported under the name notes give it."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

GPU_AND_NUMPY = """\
```python
import torch
x = torch.ones(1)
if torch.cuda.is_available():
    print(x.to("cuda"))
```

```output
tensor([1.], device='cuda:0')
```

```python
print(np.ones(2))
```
"""


def test_a_gpu_output_and_a_lost_numpy_import_name_their_fixes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(GPU_AND_NUMPY)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the expected output shows tensors on a CUDA device (device='cuda:0'), and this "
            "run printed none: if the block needs one, mark it <!-- torchnotes: requires cuda -->*",
            "*'np' is the name notes give a module: add 'import numpy as np' to the note*",
        ]
    )
    assert "torch.nn.functional" not in result.stdout.str()


@pytest.mark.parametrize("device", ["cuda:0", "cuda", "mps:0"])
def test_update_keeps_the_output_a_gpu_printed(
    pytester: pytest.Pytester, write_note: WriteNote, device: str
) -> None:
    text = GPU_AND_NUMPY.replace("cuda:0", device)
    note = write_note(text)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(failed=1)
    name = device.partition(":")[0]
    result.stdout.fnmatch_lines(
        [
            f"*Not updated: line 1: its output shows tensors on * (device='{device}'), and this "
            f"run printed none: that output is kept (mark the block <!-- torchnotes: requires "
            f"{name} --> to run it only where there is one).",
        ]
    )
    assert note.read_text(encoding="utf-8") == text


DEVICES_SHOWN = """\
```python
import torch
x = torch.ones(1, device="cuda" if torch.cuda.is_available() else "cpu")
x.device
```

```output
device(type='cuda', index=0)
```

```python
print(x.device)
```

```output
cuda:0
```
"""


def test_a_device_shown_or_printed_as_the_output_names_the_requirement(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A torch.device's repr (what a notebook shows of ``x.device``) and the line
    ``print(x.device)`` writes are a GPU's output as a tensor on it is: the failure names the
    directive, and update keeps the author's output."""
    note = write_note(DEVICES_SHOWN)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the expected output names a CUDA device (device(type='cuda', index=0)), and this "
            "run printed none: if the block needs one, mark it <!-- torchnotes: requires cuda -->*",
            "*the expected output names a CUDA device (cuda:0), and this run printed none*",
        ]
    )
    result = pytester.runpytest("--torchnotes-update")
    result.stdout.fnmatch_lines(["*Not updated: line 1: its output names a CUDA device*"])
    assert note.read_text(encoding="utf-8") == DEVICES_SHOWN


ARROWS = """\
```python
import torch
a = torch.sin(torch.tensor([0.0]))
>> a = [0]
```

```python
import torch
print(torch.tensor([0.5]))  >> tensor([0.500])
```
"""


def test_a_value_written_after_an_arrow_is_named_where_the_block_raised(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(ARROWS)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*block 1: the block raised SyntaxError*",
            # (`[0]` is a character class to fnmatch)
            "  line 4 writes what the code gives after an arrow (`>> a = ?0?`), which is not "
            "Python: put # before the arrow*",
            "*block 2: the block raised NameError: name 'tensor' is not defined*",
            "  line 9 writes what the code gives after an arrow*",
        ]
    )
    # the value's name is no missing import
    assert "may be torch.tensor" not in result.stdout.str()


def test_a_missing_import_on_a_line_with_an_arrow_is_still_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(torch.tensor([0.5]))  >> tensor([0.500])\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*name 'torch' is not defined*", "*import it in the note*"])
    assert "after an arrow" not in result.stdout.str()


SAYS_IT_FAILS = """\
```python
import torch
a = torch.ones(3, 2)
torch.matmul(a, a)  # Error
print("never")
```
"""


def test_a_line_whose_comment_says_it_fails_names_the_raises_directive(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(SAYS_IT_FAILS)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the block raised RuntimeError: mat1 and mat2 shapes cannot be multiplied*",
            "  line 4 says it fails (`# Error`): to check that it raises, put <!-- torchnotes: "
            "raises RuntimeError --> above the block, and end the block with that line*",
        ]
    )
    # as the message says: the directive above, the line last
    note.write_text(
        "<!-- torchnotes: raises RuntimeError -->\n"
        + SAYS_IT_FAILS.replace('print("never")\n', ""),
        encoding="utf-8",
    )
    pytester.runpytest().assert_outcomes(passed=1)
