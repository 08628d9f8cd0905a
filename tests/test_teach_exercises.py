"""DataCamp's course format: the sample code and the submission correctness test of an
exercise are not run; its pre-exercise code and solution are."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.markdown.teach_exercises import exercise_parts
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLE = Path(__file__).parent / "samples" / "teach_exercises.md"


def test_the_sample_code_and_the_sct_are_not_run() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    assert [(shown(block.first_line), block.output is not None) for block in note.blocks] == [
        (13, False),
        (23, True),
        (41, True),
    ]
    assert [
        (shown(p.line_index), p.severity, p.message.split(": it is ")[1][:40])
        for p in note.problems
    ] == [
        (18, "warning", "the sample code of a DataCamp exercise ("),
        (34, "warning", "the submission correctness test of a Dat"),
    ]
    assert [shown(part.line_index) for part in note.not_run] == [18, 34]


@pytest.mark.parametrize(
    ("label", "runs"),
    [
        ("`@sample_code`", False),
        ("  `@sct`  ", False),
        ("`@solution`", True),
        ("`@pre_exercise_code`", True),
        ("The `@sct` below", True),
        ("@sct", True),
    ],
)
def test_only_a_line_that_is_the_label_keeps_the_fence_below_from_running(
    label: str, runs: bool
) -> None:
    text = f"{label}\n\n```python\nx = 1\n```\n"
    found = exercise_parts(text, text.splitlines(), MarkdownLexer()(text).fences)
    assert (2 not in found) is runs


def test_a_course_chapter_runs_its_solutions(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(SAMPLE.read_text(encoding="utf-8").replace("tensor(2.)", "tensor(3.)"))
    result = pytester.runpytest("-v")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*RAN block 1, line 13*",
            "*VERIFIED block 2, line 23*",
            "*FAILED block 3, line 41*",
            "*notes/note.md:18: ```{python} is not run: it is the sample code of a DataCamp*",
            "*notes/note.md:34: ```{python} is not run: it is the submission correctness test*",
        ]
    )
    pytester.runpytest("--torchnotes-update")
    assert note.read_text(encoding="utf-8") == SAMPLE.read_text(encoding="utf-8")
