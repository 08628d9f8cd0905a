"""End to end: classes a note defines, where Python and torch look for them: their source
(``inspect.getsource``, ``torch.jit.script`` of a class, of a module's methods), their module
and qualified name (``pickle``, ``copy.deepcopy``, ``torch.save`` of a module), and forward
references (``typing.get_type_hints``)."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

IN_BLOCKS = """\
# Classes

```python
import torch, inspect, pickle, copy, dataclasses, typing, io

@torch.jit.script
class Pair:
    def __init__(self, a: torch.Tensor, b: torch.Tensor):
        self.a = a
        self.b = b
    def total(self) -> torch.Tensor:
        return self.a + self.b

p = Pair(torch.ones(2), torch.ones(2))
print(p.total())

======== output ==========
tensor([2., 2.])
```

```python
class MyModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(2, 2)
    def forward(self, x):
        return self.helper(x) * 2
    def helper(self, x):
        return x + 1

sm = torch.jit.script(MyModule())
print(type(sm).__name__)

======== output ==========
RecursiveScriptModule
```

```python
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def norm(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5
print(inspect.getsource(Point.norm))
print(inspect.getsource(Point).splitlines()[0])

======== output ==========
    def norm(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5

class Point:
```

```python
@dataclasses.dataclass
class Node:
    value: int
    child: "typing.Optional[Node]" = None
print(typing.get_type_hints(Node)["child"])

======== output ==========
typing.Optional[__main__.Node]
```

```python
q = pickle.loads(pickle.dumps(Point(3, 4)))
print(q.norm(), type(q) is Point)
r = copy.deepcopy(Point(1, 2))
print(r.y)

======== output ==========
5.0 True
2
```

```python
buf = io.BytesIO()
torch.save(MyModule(), buf)
buf.seek(0)
m = torch.load(buf, weights_only=False)
print(type(m).__name__)

======== output ==========
MyModule
```
"""

IN_TRANSCRIPTS = """\
# Script a class

```python
>>> import torch, inspect, dataclasses
>>> @torch.jit.script
... class MyClass:
...     def __init__(self, x: float):
...         self.x = x
...
...     def inc(self, val: float):
...         self.x += val
>>> c = MyClass(1.0)
>>> c.inc(2.0)
>>> c.x
3.0
```

Defined again with another body:

```python
class Point:
    x = 1
print(inspect.getsource(Point), end="")

======== output ==========
class Point:
    x = 1
```

```python
%timeit 1
```

```python
class Point:
    y = 2

    class Inner:
        z = 3
print(inspect.getsource(Point).splitlines()[1])
print(inspect.getsource(Point.Inner), end="")

======== output ==========
    y = 2
    class Inner:
        z = 3
```

```python
@dataclasses.dataclass
class Cfg:
    lr: float = 0.1
print(inspect.getsource(Cfg).splitlines()[0])

======== output ==========
@dataclasses.dataclass
```
"""


@pytest.mark.parametrize(
    ("note", "counts"),
    [(IN_BLOCKS, "6 blocks: 6 verified"), (IN_TRANSCRIPTS, "5 blocks: 4 verified, 1 ran")],
    ids=["blocks", "transcripts"],
)
def test_classes_a_note_defines_are_found_by_source_module_and_name(
    pytester: pytest.Pytester, write_note: WriteNote, note: str, counts: str
) -> None:
    write_note(note)
    result = pytester.runpytest("-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*{counts}*"])
    result.stdout.no_fnmatch_line("*source code not available*")


SCRIPT_ERROR = """\
```python
import torch

@torch.jit.script
class Broken:
    def __init__(self):
        self.x = undefined_name
```
"""


def test_a_class_torch_cannot_compile_is_reported_at_the_note_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(SCRIPT_ERROR)
    result = pytester.runpytest("-W", "ignore::DeprecationWarning")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*undefined value undefined_name*", '*File "notes/note.md", line 7*']
    )
    result.stdout.no_fnmatch_line("*source code not available*")


AFTER_THE_NOTE = """\
```python
class Point:
    pass
```
"""


def test_the_source_of_a_class_is_forgotten_with_its_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(AFTER_THE_NOTE)
    write_note(
        """\
        ```python
        import inspect, linecache
        print([name for name in linecache.cache if "block at line" in name])

        ======== output ==========
        []
        ```
        """,
        "z.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)
