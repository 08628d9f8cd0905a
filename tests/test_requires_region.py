"""``requires start SPEC...`` ... ``requires end``: a region of blocks that need the same."""

from __future__ import annotations

import pytest
import torch

from pytest_torchnotes.markdown import directives as d
from pytest_torchnotes.markdown.blocks import Block, SetupBlock
from pytest_torchnotes.markdown.inforce import options_by_line
from pytest_torchnotes.markdown.lexers import CommentLexeme
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.markdown.requirements import parse_requirement
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote, block_counts

REGION = """\
```python
print("before")
```

<!-- torchnotes: requires start cuda; the rest of the chapter runs on a GPU -->
<!-- torchnotes: setup
x = __import__("torch").ones(2).cuda()
-->
```python
print(x.device)
```

<!-- torchnotes: requires module:torchinfo -->
```python
import torchinfo
```
<!-- torchnotes: requires end -->

```python
print("after")
```
"""


def test_the_directives() -> None:
    start = d.parse_directive(CommentLexeme(0, 0, " torchnotes: requires start cuda mps ", ()))
    assert start == d.RequiresStart(0, 0, (parse_requirement("cuda"), parse_requirement("mps")))
    end = d.parse_directive(CommentLexeme(0, 0, " torchnotes: requires end ", ()))
    assert end == d.RequiresEnd(0, 0)


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (" torchnotes: requires start ", "requires start needs at least one spec, e.g. torch>=2.1"),
        (" torchnotes: requires start torch>>2 ", "requires start: 'torch>>2' is not a valid"),
        (" torchnotes: requires end cuda ", "requires end takes no arguments"),
    ],
)
def test_mistakes(head: str, message: str) -> None:
    with pytest.raises(d.DirectiveError) as info:
        d.parse_directive(CommentLexeme(0, 0, head, ()))
    assert info.value.message.startswith(message)


def test_every_block_and_setup_in_the_region_requires_the_specs() -> None:
    note = NoteParser().parse(REGION)
    assert not note.problems
    options = options_by_line(note)
    requires = [
        [requirement.text for requirement in options[item.first_line].requires]
        for item in note.items
        if isinstance(item, Block | SetupBlock)
    ]
    assert requires == [[], ["cuda"], ["cuda"], ["cuda", "module:torchinfo"], []]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "<!-- torchnotes: requires start cuda -->\n```python\n1\n```\n",
            1,
            "requires start has no matching <!-- torchnotes: requires end -->",
        ),
        (
            "```python\n1\n```\n<!-- torchnotes: requires end -->\n",
            4,
            "requires end without a requires start before it",
        ),
        (
            "<!-- torchnotes: requires start cuda -->\n<!-- torchnotes: requires start mps -->\n"
            "<!-- torchnotes: requires end -->\n",
            2,
            "requires start inside the requires started at line 1",
        ),
    ],
)
def test_unbalanced_regions_are_errors(text: str, line: int, message: str) -> None:
    problems = NoteParser().parse(text).errors
    assert [(shown(problem.line_index), problem.message) for problem in problems] == [
        (line, message)
    ]


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the machine without CUDA")
def test_in_a_run(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(REGION)
    result = pytester.runpytest("-p", "no:randomly", "-rs")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"ran": 2, "skipped": 3}
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1[]] notes/note.md:6: requires cuda: no CUDA device",
            "SKIPPED [[]1[]] notes/note.md:9: requires cuda: no CUDA device",
            "SKIPPED [[]1[]] notes/note.md:14: requires cuda: no CUDA device",
        ]
    )
