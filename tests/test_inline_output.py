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


def test_several_values_beside_a_print_of_several_arguments_are_warned_of() -> None:
    # print(a, b) writes its values on one line, as the comment beside it does
    for comment in ("# True False", "# 1 2.5", "# None True", "# (True, False)"):
        found = warnings(f"```python\nx = 1\nprint(x > 0, x < 0)  {comment}\n```\n")
        assert [(line, message[:20]) for line, message in found] == [
            (3, f"the comment `{comment}"[:20])
        ], comment


def test_a_value_beside_a_line_that_prints_nothing_is_a_remark() -> None:
    # an assignment, an import, a definition print nothing: the comment is about the value
    quiet = (
        "a = torch.tensor([[1, 2, 3], [4, 5, 6]])  # (2, 3)",
        "b = torch.tensor([10, 20, 30])  # tensor([10, 20, 30])",
        "import torch  # 2.13.0",
        "c = (\n    torch.ones(2)  # tensor([1., 1.])\n)",
        "def f():  # None\n    return 1",
    )
    for code in quiet:
        assert warnings(f"```python\n{code}\n```\n") == [], code
    # a line of an expression statement prints, in a loop or not, on one line or several
    loud = (
        "print(torch.ones(2))  # tensor([1., 1.])",
        "for i in range(2):\n    print(i)  # 0",
        "torch.ones(2).shape  # torch.Size([2])",
        "print(\n    torch.ones(2)  # tensor([1., 1.])\n)",
    )
    for code in loud:
        assert len(warnings(f"```python\nimport torch\n{code}\n```\n")) == 1, code


def test_code_that_does_not_parse_has_every_line_read() -> None:
    # a block with a magic is not Python: its comments are read as before, line by line
    found = warnings("```python\n%time x = 1  # 1\nprint(x)  # 1\n```\n")
    assert [line for line, _ in found] == [2]
