"""Output written in a comment beside code: a remark, reported once per note."""

from __future__ import annotations

from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown

NOTE = """\
```python
import torch
x = torch.arange(3)  # a remark
print(x)  # tensor([0, 1, 2])
print(x.shape)  # => torch.Size([3])
print("# tensor(1)")
```

```python
print(x.dtype)  # torch.int64
```

```output
torch.int64
```

```python
>>> x.sum()  # tensor(3)
tensor(3)
```
"""


def warnings(text: str) -> list[tuple[int, str]]:
    note = NoteParser().parse(text)
    return [(shown(p.line_index), p.message) for p in note.problems if p.severity == "warning"]


def test_one_warning_at_the_first_value_beside_code_in_a_block_without_output() -> None:
    assert warnings(NOTE) == [
        (
            4,
            "the comment `# tensor([0, 1, 2])` at the end of a code line looks like what the "
            "line prints, but it is not compared (and 1 more in this note): a comment beside "
            "code is a remark; to check the output, put it in a fence marked output (```output) "
            "after the block",
        )
    ]


def test_remarks_comments_of_their_own_and_code_that_does_not_tokenize_say_nothing() -> None:
    # A comment of its own at the end reads as pasted output: tests/test_unlabeled_comments.py
    only = warnings("```python\nx = 1  # the count\n# tensor(1)\n```\n")
    assert [message[:31] for _, message in only] == ["the comments from `# tensor(1)`"]
    assert warnings("```python\ns = '''\nprint(x)  # tensor(1)\n```\n") == []
