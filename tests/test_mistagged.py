"""Python that uses torch in a fence tagged as another language (PyCharm's buildoutcfg, a
fence without info string): not run, and named once per language."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.parsers import NoteFormat, NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLE = Path(__file__).parent / "samples" / "mistagged.md"


def test_each_language_that_hides_torch_code_is_named_once() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    assert note.blocks == []
    assert [(shown(p.line_index), p.severity, p.message) for p in note.problems] == [
        (
            3,
            "warning",
            "```buildoutcfg holds Python that uses torch, but a fence tagged buildoutcfg is not "
            "run (and 1 more fence tagged buildoutcfg like it): tag it ```python to run it, or "
            "add buildoutcfg to torchnotes_languages (--torchnotes-languages='python py python3 "
            "py3 ipython ipython3 pycon python-console python-repl doctest buildoutcfg'); tag it "
            "text if it "
            "is not meant to run",
        ),
        (
            30,
            "warning",
            "``` holds Python that uses torch, but a fence without info string is not run: tag "
            "it ```python to run it, or add bare to torchnotes_languages "
            "(--torchnotes-languages='python py python3 py3 ipython ipython3 pycon python-console"
            " python-repl doctest bare'); tag it text if it is not meant to run",
        ),
    ]


@pytest.mark.parametrize(
    "fence",
    [
        "```text\nimport torch\n```",  # text on purpose
        "```output\ntorch.Size([2])\n```",
        "```bash\npython -c 'import torch'\n```",  # a shell command
        "```buildoutcfg\n[torch]\nversion = 2\n```",  # an ini file
        "```cfg\nx = torch.ones(2)\nprint(x\n```",  # does not compile
        "```c\ntorch::Tensor t = torch::ones({2});\n```",
        "```buildoutcfg\ntensor([1., 1.])\n```",  # printed output
        "```pytorch\nimport torch\n```",  # a Python tag: its own warning
    ],
)
def test_what_is_not_named(fence: str) -> None:
    note = NoteParser().parse(fence + "\n")
    assert not [p for p in note.problems if "holds Python that uses torch" in p.message]


def test_a_language_the_note_runs_is_run() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    languages = frozenset({"python", "buildoutcfg"})
    note = NoteParser(NoteFormat(languages=languages)).parse(text)
    assert [shown(block.first_line) for block in note.blocks] == [3, 8]
    assert [shown(p.line_index) for p in note.problems] == [30]


def test_a_note_of_mistagged_blocks_is_not_silently_empty(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```buildoutcfg\nimport torch\nprint(torch.ones(1))\n```\n")
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1, warnings=1)
    result.stdout.fnmatch_lines(
        ["*notes/note.md:1: ```buildoutcfg holds Python that uses torch, but a fence tagged*"]
    )
    result = pytester.runpytest("--torchnotes-languages=python buildoutcfg")
    result.assert_outcomes(passed=1)
