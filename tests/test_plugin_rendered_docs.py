"""End to end: PyTorch's docs as Sphinx renders them, saved as Markdown (pandoc, html2text):
a signature heading, parameters as a definition list, a ``Return type`` line, ``Example:``
over a fence of ``>>>`` lines tagged ``python``, ``pycon`` or Sphinx's ``default``; and the
docstring layouts around a fence (numpydoc's ``Examples`` underlined, Google's
``Examples:``)."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote, block_counts

RENDERED = """\
### torch.nn.utils.rnn.pad_sequence(sequences, batch_first=False, padding_value=0.0)

Pad a list of variable length Tensors with `padding_value`.

Parameters

**sequences** (*list[Tensor]*)
:   list of variable length sequences.

**batch_first** (*bool, optional*)
:   if `True`, the output will be in `B x T x *` format.

Return type

:   Tensor

Example:

```default
>>> import torch
>>> from torch.nn.utils.rnn import pad_sequence
>>> a = torch.ones(2)
>>> b = torch.ones(1)
>>> pad_sequence([a, b])
tensor([[1., 1.],
        [1., 0.]])
```

Example:

``` default
>>> pad_sequence([a, b], batch_first=True).size()
torch.Size([2, 2])
```

Examples
--------

```pycon
>>> pad_sequence([b, a], padding_value=-1.0)
tensor([[ 1.,  1.],
        [-1.,  1.]])
```

Examples:

```python
>>> a.sum()
tensor(2.)
```

A `default` fence that is not a session is Sphinx's text, not run:

```default
pad_sequence(sequences, batch_first=False)
```
"""


@pytest.mark.parametrize(
    ("info", "runs"),
    [("default", True), (" default", True), ("{.default}", True), ("python", True)],
)
def test_sphinx_s_default_fence_of_a_session_is_a_transcript(info: str, runs: bool) -> None:
    note = NoteParser().parse(f"```{info}\n# Example\n>>> 1 + 1\n2\n```\n")
    assert [(block.doctest, block.code) for block in note.blocks] == (
        [(True, "# Example\n>>> 1 + 1\n2")] if runs else []
    )


def test_sphinx_s_default_fence_of_other_text_is_not_run_nor_warned_of() -> None:
    note = NoteParser().parse("```default\nsome text\n```\n\n```default\nx = 1\n```\n")
    assert note.blocks == []


def test_a_default_fence_runs_only_where_python_does() -> None:
    from pytest_torchnotes.markdown.noteformat import NoteFormat

    note = NoteParser(note_format=NoteFormat(languages=frozenset({"pycon"}))).parse(
        "```default\n>>> 1\n1\n```\n"
    )
    assert note.blocks == []


def test_a_rendered_page_runs_every_example(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(RENDERED)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 4}


def test_drift_in_a_default_fence_fails_at_its_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(RENDERED.replace("torch.Size([2, 2])", "torch.Size([2, 3])"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md:*: >>> pad_sequence(?a, b?, batch_first=True)*"])


def test_update_rewrites_the_output_in_a_default_fence(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    path = write_note(RENDERED.replace("torch.Size([2, 2])", "torch.Size([9])"))
    pytester.runpytest("--torchnotes-update")
    assert path.read_text(encoding="utf-8") == RENDERED
