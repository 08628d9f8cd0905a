"""``verified`` in the summary line means that what a block printed was compared with the
note and matched. A block whose output was compared only in part (``compare structure``
leaves its values out; a ``>>>`` example that shows no output under xdoctest's rules, or
marked ``+IGNORE_WANT``, is not compared at all) is counted apart, as verified loosely, in
the terminal and the run report alike."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_torchnotes.reporting.report import RunReport
from pytest_torchnotes.reporting.validate import problem
from tests.conftest import WriteNote, block_counts

STRUCTURE = (
    "<!-- torchnotes: compare structure -->\n```python\nimport torch\n"
    "print(torch.randn(2))\n\n=== output ===\ntensor([0.1, 0.2])\n```\n"
)
#: The second example prints, and the note shows nothing under it.
UNSHOWN = "```python\n>>> x = 1\n>>> print(x + 1)\n>>> print(5)\n5\n```\n"
IGNORED = "```python\n>>> print(4)  # xdoctest: +IGNORE_WANT\n3\n>>> print(5)\n5\n```\n"
#: Every example's output shown and compared.
WHOLE = "```python\n>>> x = 1\n>>> print(x + 1)\n2\n```\n"
TOLERANCE = (
    "<!-- torchnotes: compare numeric rtol=0.1 -->\n```python\nprint(1.05)\n\n"
    "=== output ===\n1.0\n```\n"
)


def _run(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-report=r.json", *args)
    return result, json.loads((pytester.path / "r.json").read_text(encoding="utf-8"))


def test_loose_matches_are_counted_apart(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    for name, text in {
        "structure.md": STRUCTURE,
        "unshown.md": UNSHOWN,
        "ignored.md": IGNORED,
        "whole.md": WHOLE,
        "tolerance.md": TOLERANCE,
    }.items():
        write_note(text, name)
    result, report = _run(pytester, "--torchnotes-transcripts=xdoctest")
    result.assert_outcomes(passed=5)
    assert block_counts(result) == {"verified": 5}
    result.stdout.fnmatch_lines(
        [
            "*5 blocks: 5 verified (3 loosely: 2 output of examples not compared, "
            "1 values not compared)"
        ]
    )
    loosely = {note["path"]: note["blocks"][0].get("loosely") for note in report["notes"]}
    assert loosely == {
        "notes/ignored.md": "output of examples not compared",
        "notes/structure.md": "values not compared",
        "notes/tolerance.md": None,
        "notes/unshown.md": "output of examples not compared",
        "notes/whole.md": None,
    }
    # the report a run writes is one the project's own schema accepts, and its tools read
    assert problem(report) is None
    assert RunReport.from_json(report).counts() == {"verified": 5}


def test_verbose_names_what_was_not_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(UNSHOWN, "unshown.md")
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "--torchnotes-transcripts=xdoctest")
    result.stdout.fnmatch_lines(["*VERIFIED block 1*(1 example printed output not compared)*"])


@pytest.mark.parametrize(
    "text",
    [
        "```python\n>>> print(2)\n```\n",  # the only example shows nothing
        "```python\n>>> print(2)  # xdoctest: +IGNORE_WANT\n3\n```\n",
    ],
)
def test_a_block_with_nothing_compared_is_not_verified(
    pytester: pytest.Pytester, write_note: WriteNote, text: str
) -> None:
    write_note(text)
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-transcripts=xdoctest")
    result.assert_outcomes(passed=1)
    assert "verified" not in block_counts(result)


def test_a_structure_report_is_read_by_torchnotes_diff(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(STRUCTURE)
    _run(pytester)
    diff = pytester.run("torchnotes", "diff", "r.json", "r.json")
    assert diff.ret == 0, diff.stderr.str()
    diff.stdout.fnmatch_lines(["0 changed, 0 regressed"])
