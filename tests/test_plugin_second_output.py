"""End to end: a block with a second output fence under a label of its own (a notebook
cell's printed lines, then its value) is not rewritten by ``--torchnotes-update``."""

from __future__ import annotations

import json

import pytest

from tests.conftest import WriteNote, block_counts

TWO_OUTPUTS = """\
# Two outputs

```python
import torch
a = torch.ones(2)
print("a:", a)
a == 1
```

**Output:**
```
a: tensor([0., 1.])
```

**Output:**
```
tensor([True, True])
```

Prose after it.

```python
print(a.sum())
```

**Output:**
```
tensor(3.)
```
"""


def test_update_refuses_a_block_with_a_second_output_fence(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(TWO_OUTPUTS)
    result = pytester.runpytest("--torchnotes-update")
    assert result.ret == 1
    assert block_counts(result) == {"failed": 1, "updated": 1}
    result.stdout.fnmatch_lines(
        [
            "*Not updated: line 3: the block's output fence is followed by a second one at "
            "line 16, which update cannot write: put both outputs "
            "in the fence at line 11, in the order the block prints them, and delete the "
            "second (or mark the block <!-- torchnotes: compare ignore -->).",
        ]
    )
    # Only the other block's output is written; the two fences keep every byte.
    updated = TWO_OUTPUTS.replace("tensor(3.)", "tensor(2.)")
    assert note.read_text(encoding="utf-8") == updated
    again = pytester.runpytest("--torchnotes-update")
    assert block_counts(again) == {"verified": 1, "failed": 1}
    assert note.read_text(encoding="utf-8") == updated


def test_a_block_whose_first_fence_holds_all_its_output_passes_and_is_not_written(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The fix the refusal names: both outputs in the first fence."""
    fixed = TWO_OUTPUTS.replace(
        "a: tensor([0., 1.])\n```\n\n**Output:**\n```\ntensor([True, True])\n",
        "a: tensor([1., 1.])\ntensor([True, True])\n",
    ).replace("tensor(3.)", "tensor(2.)")
    note = write_note(fixed)
    result = pytester.runpytest("--torchnotes-update")
    assert block_counts(result) == {"verified": 2}
    assert note.read_text(encoding="utf-8") == fixed


UNLABELED_OUTPUTS = """\
# Two output fences, one after the other

```python
print(1)
```

```output
1
```

```output
2
```
"""


def test_an_output_fence_right_after_the_output_fence_is_named_not_passed_over(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The second fence says it is output: the block passes on the first alone, and the
    run says that the second is compared with nothing; update does not write either."""
    write_note(UNLABELED_OUTPUTS)
    result = pytester.runpytest("-W", "always")
    assert block_counts(result) == {"verified": 1}
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:11: a second output fence after the block at line 3, whose output "
            "is the fence at line 7, is not read: a block has one output section*",
        ]
    )
    drifted = UNLABELED_OUTPUTS.replace("print(1)", "print(5)")
    note = write_note(drifted)
    updated = pytester.runpytest("--torchnotes-update")
    assert block_counts(updated) == {"failed": 1}
    updated.stdout.fnmatch_lines(["*Not updated: line 3: *second one at line 11*"])
    assert note.read_text(encoding="utf-8") == drifted


SECOND_NOT_PRINTED = """\
```python
print(1)
```

```output
1
```

```output
2
```
"""


def test_a_block_verified_without_its_second_output_fence_is_verified_loosely(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The note says the block prints 2 as well; it does not, and nothing read that fence.
    write_note(SECOND_NOT_PRINTED)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "--torchnotes-report=r.json")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*::note VERIFIED block 1, line 1 (the second output fence at line 9 not read)*",
            "*1 block: 1 verified (1 loosely: 1 second output fence not read)",
        ]
    )
    report = json.loads((pytester.path / "r.json").read_text(encoding="utf-8"))
    assert report["notes"][0]["blocks"][0]["loosely"] == "second output fence not read"
