"""Hugging Face's doc-builder pages: the framework branches (``{#if fw === 'pt'}``,
``{:else}``, ``{/if}``; ``<frameworkcontent>``, ``<pt>``, ``<tf>``) are tabs, of which the
PyTorch one runs, and ```` ```python out ```` fences hold a block's output."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.doc_builder import branch_title
from pytest_torchnotes.markdown.lexing.info import language
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLE = Path(__file__).parent / "samples" / "doc_builder.md"


def test_the_pytorch_branches_run_with_their_output() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    assert [
        (shown(b.first_line), b.output and (shown(b.output.start), b.expected)) for b in note.blocks
    ] == [
        (4, None),
        (17, (22, "(2, 3)")),
        # its output in the PyTorch branch of the next group, past the TensorFlow branch
        (26, (37, "tensor(6.)")),
        (51, (56, "torch.float32")),
    ]
    assert [shown(block.line_index) for block in note.not_run] == [9, 30, 62, 69]
    assert [(shown(p.line_index), p.severity) for p in note.problems] == [(9, "warning")]
    assert note.problems[0].message == (
        '```python is not run: it is in the tab "TensorFlow" (line 8), the code for another '
        "framework beside a PyTorch tab; the page shows one tab at a time and the PyTorch one "
        "runs here (and 3 more blocks of other frameworks' tabs in this note, not run either: "
        "lines 30, 62, 69)"
    )


@pytest.mark.parametrize(
    ("opening", "other", "runs"),
    [
        ("{#if fw === 'pt'}", "{:else}", "a = 1"),
        ('{#if fw == "pt"}', "{:else}", "a = 1"),
        ("{#if fw === 'tf'}", "{:else}", "a = 2"),  # the {:else} is PyTorch's
        ("{#if fw === 'pt'}", "{:else if fw === 'jax'}", "a = 1"),
        ("<frameworkcontent>\n<tf>", "</tf>\n<pt>", "a = 2"),
    ],
)
def test_each_way_of_writing_a_branch(opening: str, other: str, runs: str) -> None:
    closing = "</pt>\n</frameworkcontent>" if opening.startswith("<") else "{/if}"
    text = (
        f"{opening}\n\nA.\n\n```python\na = 1\n```\n{other}\n\nB.\n\n```python\na = 2\n```\n"
        f"{closing}\n"
    )
    note = NoteParser().parse(text)
    assert [block.code for block in note.blocks] == [runs]
    assert len(note.not_run) == 1


def test_branches_that_name_no_pytorch_all_run() -> None:
    text = (
        "{#if fw === 'tf'}\n```python\na = 1\n```\n{:else if fw === 'jax'}\n"
        "```python\na = 2\n```\n{/if}\n"
    )
    note = NoteParser().parse(text)
    assert [block.code for block in note.blocks] == ["a = 1", "a = 2"]


def test_a_branch_title() -> None:
    assert branch_title("{#if fw === 'pt'}", None) == "PyTorch"
    assert branch_title("{:else}", "tf") == "PyTorch"
    assert branch_title("{:else if fw === 'jax'}", "pt") == "JAX"
    assert branch_title("<pt>", None) == "PyTorch"
    assert branch_title("{#if x}", None) is None


@pytest.mark.parametrize(
    ("info", "found"),
    [
        ("python out", "out"),
        ("py out", "out"),
        ("Python Output", "output"),
        ("python output.txt", "python"),
        ("python title=out", "python"),
        ("python", "python"),
    ],
)
def test_a_fence_that_says_it_holds_output(info: str, found: str) -> None:
    assert language(info) == found


def test_the_plugin_runs_a_page_and_update_writes_only_the_pytorch_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "import tensorflow as tf\n", "import tensorflow_not_here as tf\n"
    )
    path = write_note(text.replace("tensor(6.)", "tensor(7.)"), dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*note.md:26: block 3*value drift*"])
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text(encoding="utf-8") == text
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*4 blocks: 3 verified, 1 ran*"])
