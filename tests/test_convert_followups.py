"""``torchnotes convert``: devices, output folders, open fences, attachments; and what
``--torchnotes-update`` cannot fix after a conversion."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pytest_torchnotes.commands.cli import main
from pytest_torchnotes.commands.convert import notebook_to_note
from pytest_torchnotes.markdown.inforce import options_by_line
from pytest_torchnotes.markdown.parsers import NoteParser


def stdout(text: str) -> nbformat.NotebookNode:
    return new_output("stream", name="stdout", text=text)


def note(*cells: nbformat.NotebookNode) -> str:
    return notebook_to_note(new_notebook(cells=list(cells)))


def write(path: Path, *cells: nbformat.NotebookNode) -> Path:
    nbformat.write(new_notebook(cells=list(cells)), str(path))  # type: ignore[no-untyped-call]
    return path


@pytest.mark.parametrize(
    ("printed", "device", "where"),
    [
        ("tensor([1., 2.], device='cuda:0')\n", "cuda", "a CUDA device"),
        ("device(type='cuda', index=0)\n", "cuda", "a CUDA device"),
        ("tensor([1.], device='mps:0')\n", "mps", "an MPS device"),
        ("device(type='mps')\n", "mps", "an MPS device"),
    ],
)
def test_output_on_a_device_gets_requires(printed: str, device: str, where: str) -> None:
    text = note(new_code_cell("print(x)", outputs=[stdout(printed)]))
    assert text.startswith(
        f"<!-- torchnotes: requires {device}; the stored output was computed on {where} -->\n"
        "```python\nprint(x)\n"
    )
    parsed = NoteParser().parse(text)
    (block,) = parsed.blocks
    requires = options_by_line(parsed)[block.first_line].requires
    assert [requirement.text for requirement in requires] == [device]


@pytest.mark.parametrize("printed", ["cpu\n", "the cuda docs\n", "device='cpu'\n", ""])
def test_output_not_on_a_device_gets_nothing(printed: str) -> None:
    assert "requires" not in note(new_code_cell("print(x)", outputs=[stdout(printed)]))


def test_requires_goes_with_another_directive() -> None:
    cell = new_code_cell(
        "x.cuda()[5]",
        outputs=[
            stdout("tensor([1.], device='cuda:0')\n"),
            new_output("error", ename="IndexError", evalue="index 5 is out of bounds",
                       traceback=[]),
        ],
    )  # fmt: skip
    parsed = NoteParser().parse(note(cell))
    (block,) = parsed.blocks
    options = options_by_line(parsed)[block.first_line]
    assert [requirement.text for requirement in options.requires] == ["cuda"]
    assert options.raises is not None
    assert options.raises.exception == "IndexError"


@pytest.mark.parametrize("fence", ["```", "~~~~", "````python"])
def test_an_unclosed_fence_in_a_markdown_cell_is_closed_and_said(fence: str) -> None:
    text = note(
        new_markdown_cell(f"Install:\n\n{fence}\npip install torch"),
        new_code_cell("print(1)", outputs=[stdout("1\n")]),
    )
    closing = fence.rstrip("python")
    assert text == (
        f"Install:\n\n{fence}\npip install torch\n{closing}\n"
        f"<!-- the {closing} fence at line 3 of this cell was never closed: closed here -->\n\n"
        "```python\nprint(1)\n\n======== output ==========\n1\n```\n"
    )
    parsed = NoteParser().parse(text)
    assert not parsed.errors
    assert parsed.blocks[-1].code == "print(1)\n"


def test_an_unclosed_fence_in_a_quote_is_closed_in_the_quote() -> None:
    text = note(new_markdown_cell("> ```\n> quoted"), new_code_cell("1"))
    assert text.startswith("> ```\n> quoted\n> ```\n<!-- the ``` fence")
    assert len(NoteParser().parse(text).blocks) == 1


def test_closed_fences_are_left_alone() -> None:
    text = note(new_markdown_cell("```\nok\n```"))
    assert text == "```\nok\n```\n"


def test_attachments_are_named_in_a_comment() -> None:
    cell = new_markdown_cell("![plot](attachment:plot.png)")
    cell["attachments"] = {
        "plot.png": {"image/png": "iVBORw0KGgo="},
        "a-->b.png": {"image/png": "iVBORw0KGgo="},
    }
    assert note(cell) == (
        "![plot](attachment:plot.png)\n"
        "<!-- attachments of this cell not kept: ab.png, plot.png (a note keeps text only) -->\n"
    )


def test_output_into_a_folder_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path / "n.ipynb", new_code_cell("print(1)", outputs=[stdout("1\n")]))
    assert main(["convert", str(path), "-o", "deep/er/n.md"]) == 0
    assert (tmp_path / "deep" / "er" / "n.md").read_text().startswith("```python\nprint(1)")
    (tmp_path / "out").mkdir()
    assert main(["convert", str(path), "-o", "out"]) == 0
    assert (tmp_path / "out" / "n.md").is_file()


def test_update_lists_what_it_cannot_fix_after_a_conversion(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    path = write(
        pytester.path / "n.ipynb",
        new_code_cell(
            "import torch\ntorch.ones(2)[0]",
            outputs=[
                new_output("error", ename="IndexError", evalue="index out of range", traceback=[])
            ],
        ),
        new_code_cell("print(1 + 1)", outputs=[stdout("3\n")]),
    )
    assert main(["convert", str(path), "-o", "notes/n.md"]) == 0
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*= torchnotes update =*",
            "rewrote 1 output in 1 note:",
            "  notes/n.md:7",
            "could not fix 1 block, still failing:",
            "  notes/n.md:2: expected IndexError: index out of range, but the block "
            "finished without raising: update rewrites expected output, not code or directives",
        ]
    )
    text = (pytester.path / "notes" / "n.md").read_text()
    assert "======== output ==========\n2\n" in text
    assert "raises IndexError" in text
