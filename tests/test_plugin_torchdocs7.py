"""End to end: PyTorch's docstring examples of round 7 (files an example loads, torch.cuda
on a machine without CUDA, TorchScript of a note's own functions, torch.distributed's
stores, docstrings pasted after a fence)."""

from __future__ import annotations

import importlib.util
import time

import pytest
import torch

from tests.conftest import WriteNote

LOADS = """\
## torch.jit.load

```pycon
>>> import torch
>>> m = torch.jit.load('scriptmodule.pt')
```

## torch.load

```pycon
>>> torch.load('data/tensors.pt', weights_only=True)
```
"""


def test_an_example_that_loads_a_file_no_block_wrote_names_it_and_the_directive(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(LOADS)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    for name in ("scriptmodule.pt", "tensors.pt"):
        result.stdout.fnmatch_lines(
            [
                f"*if no note writes '{name}' (an example that only names a file), make it in a"
                f" block above or a setup comment, or mark the block"
                f" <!-- torchnotes: skip needs '{name}' -->"
            ]
        )
    written = LOADS.replace(
        "```pycon\n>>> import torch",
        "<!-- torchnotes: setup\nimport torch\n"
        "torch.jit.save(torch.jit.script(torch.nn.Identity()), 'scriptmodule.pt')\n-->\n"
        "```pycon\n>>> import torch",
    ).replace(
        "```pycon\n>>> torch.load",
        "<!-- torchnotes: skip needs 'tensors.pt' -->\n```pycon\n>>> torch.load",
    )
    write_note(written)
    result = pytester.runpytest("-rA", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*3 blocks: 2 ran, 1 skipped*"])


CUDA_ONLY = """\
## torch.cuda.ExternalStream

```pycon
>>> import torch
>>> s = torch.cuda.ExternalStream(12345)
```

## torch.cuda.utilization

```pycon
>>> torch.cuda.utilization()
0
```
"""


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
@pytest.mark.skipif(importlib.util.find_spec("pynvml") is not None, reason="needs no pynvml")
def test_torch_cuda_on_a_machine_without_cuda_names_the_requirements(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(CUDA_ONLY)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            # A CPU build raises a TypeError from torch.cuda.device, a CUDA build without a
            # usable GPU a RuntimeError from the device exchange: neither names the device.
            "*('torch.cuda.ExternalStream'): example at line 5: the block raised *",
            "  the block needs CUDA, which this run has not: mark it"
            " <!-- torchnotes: requires cuda -->*",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            "*ModuleNotFoundError: nvidia-ml-py does not seem to be installed*(install it, or"
            " mark the block <!-- torchnotes: requires module:pynvml -->)*"
        ]
    )
    assert "module:NAME" not in result.stdout.str()
    write_note(CUDA_ONLY.replace("```pycon", "<!-- torchnotes: requires cuda -->\n```pycon"))
    pytester.runpytest().assert_outcomes(skipped=1)


AFTER_A_FENCE = """\
# torch.add

```pycon
>>> import torch
>>> torch.ones(2)
tensor([1., 1.])
```

    >>> torch.add(torch.tensor([1, 2]), 20)
    tensor([21, 22])

```python
a = torch.tensor([1, 2])
```

    # Broadcasting
    >>> a + torch.tensor([[10], [20]])
    tensor([[11, 12],
            [21, 22]])
"""


def test_a_docstring_pasted_right_after_a_fence_runs_and_is_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(AFTER_A_FENCE)
    result = pytester.runpytest("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*4 blocks: 3 verified, 1 ran*"])
    assert "looks like its output" not in result.stdout.str()
    write_note(AFTER_A_FENCE.replace("tensor([21, 22])", "tensor([21, 23])"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["notes/note.md:9: >>> torch.add(*", "  output differs"])


STORES = """\
## torch.distributed.FileStore

<!-- torchnotes: timeout 2 -->
```pycon
>>> import torch.distributed as dist
>>> store2 = dist.FileStore("filestore", 2)
>>> store2.get("first_key")
b'first_value'
```
"""


@pytest.mark.skipif(not torch.distributed.is_available(), reason="needs torch.distributed")
def test_a_store_waiting_for_a_key_no_process_sets_ends_on_the_block_s_time_limit(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(STORES)
    started = time.monotonic()
    result = pytester.runpytest()
    assert time.monotonic() - started < 60  # the store's own timeout is five minutes
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:4: block 1*the block did not finish within 2 s*(timeout)",
            "  the block was waiting in torch.distributed's FileStore.get for a key that no"
            " process set*<!-- torchnotes: skip needs another process -->, or give it longer"
            " with <!-- torchnotes: timeout SECONDS -->",
        ]
    )
    write_note(STORES.replace("timeout 2", "skip needs another process"))
    pytester.runpytest().assert_outcomes(skipped=1)


FAILED_DEFINITION = """\
## torch.utils.benchmark.Language

```pycon
>>> class Color(Enum):
...     RED = 1
```

```pycon
>>> Color.RED
<Color.RED: 1>
```
"""


def test_a_transcript_that_failed_before_it_defined_a_name_is_what_a_later_one_follows_from(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(FAILED_DEFINITION)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:3: block 1*name 'Enum' is not defined*",
            "  'Enum' may be enum.Enum *add 'from enum import Enum' to the note*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:8: block 2*name 'Color' is not defined*",
            "  follows from block 1 (line 3), which failed before it defined 'Color'",
        ]
    )
    assert "no block above binds 'Color'" not in result.stdout.str()


TIMED = """\
# A timed step

```python
import time

started = time.perf_counter()
time.sleep(0.01)
print(f"step took {time.perf_counter() - started:.2f} s")
```

```output
step took 9.99 s
```

```pycon
>>> started = time.perf_counter()
>>> print(f"took {time.perf_counter() - started:.1f} s in all")
took 9.9 s in all
```
"""


def test_output_that_differs_only_in_timings_names_the_directive_that_leaves_them(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(TIMED)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    hint = "  only the timings its output shows ({}) differ*compare structure -->*"
    result.stdout.fnmatch_lines(["notes/note.md:3: block 1*", "*", hint.format("9.99 s")])
    result.stdout.fnmatch_lines(["notes/note.md:17: >>> print(*", hint.format("9.9 s")])
    write_note(TIMED.replace("```p", "<!-- torchnotes: compare structure -->\n```p"))
    pytester.runpytest().assert_outcomes(passed=1)
