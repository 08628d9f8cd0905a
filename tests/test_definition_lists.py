"""Fences in the definitions of a definition list (``:   ```python``), as Pandoc, PHP
Markdown Extra, markdown-it-py's deflist plugin and Python-Markdown's ``def_list`` (mkdocs)
write them: a definition's content is read as a list item's."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote, block_counts

SAMPLE = Path(__file__).parent / "samples" / "definition_list.md"


def test_fences_in_definitions_are_fences() -> None:
    found = MarkdownLexer()(SAMPLE.read_text(encoding="utf-8"))
    assert [(f.open_line, f.close_line, f.language) for f in found.fences] == [
        (5, 8, "python"),
        (10, 12, "output"),
        (15, 17, "python"),
        (19, 21, "output"),
        (24, 26, "python"),
    ]
    assert found.problems == []
    assert found.indented_fences == []


def test_blocks_in_definitions_have_their_code_and_output() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    assert [(b.first_line, b.code, b.expected) for b in note.blocks] == [
        (5, "import torch\nprint(torch.ones(2))", "tensor([1., 1.])"),
        (15, "print(torch.zeros(2))", "tensor([0., 0.])"),
        (24, "print(1 + 1)", None),
    ]
    assert note.problems == []


@pytest.mark.parametrize("line", [":", ":::{note}", ":x ```python", "::: ```python"])
def test_what_is_not_a_definition_with_a_fence(line: str) -> None:
    found = MarkdownLexer()(f"Term\n{line}\n\n```python\nx = 1\n```\n")
    assert [(f.open_line, f.language) for f in found.fences] == [(3, "python")]


DRIFTED = """\
`torch.ones`
:   Makes a tensor of ones:

    ```python
    import torch
    print(torch.ones(2) * 2)
    ```

    ```output
    tensor([1., 1.])
    ```

Compact
: ```python
  print(1 + 1)
  ```
  ```output
  3
  ```
"""


def test_a_note_with_blocks_in_definitions_runs_and_updates(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(DRIFTED)
    result = pytester.runpytest()
    assert block_counts(result) == {"failed": 2}
    result.stdout.fnmatch_lines(["*notes/note.md:4: block 1*", "*notes/note.md:14: block 2*"])
    pytester.runpytest("--torchnotes-update")
    updated = DRIFTED.replace("tensor([1., 1.])", "tensor([2., 2.])").replace("  3\n", "  2\n")
    assert note.read_text(encoding="utf-8") == updated
    again = pytester.runpytest("--torchnotes-update")
    assert block_counts(again) == {"verified": 2}
    assert note.read_text(encoding="utf-8") == updated
