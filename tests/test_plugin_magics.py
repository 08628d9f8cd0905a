"""End to end: Python blocks with IPython magics and shell escapes, as a pytest run sees them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_torchnotes.reporting.diff import load
from pytest_torchnotes.reporting.validate import problem
from tests.conftest import WriteNote, block_counts

SAMPLES = Path(__file__).parent / "samples" / "magics"


def test_a_note_from_a_notebook_runs(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note((SAMPLES / "notebook.md").read_text(encoding="utf-8"), dedent=False)
    result = pytester.runpytest("-rs", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 3, "skipped": 1}
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [1] notes/note.md:37: line 38: IPython magic %run is not Python: the block "
            "is not run (say so before it: <!-- torchnotes: skip IPython magic %run -->)"
        ]
    )
    # What was left out or run differently is said in the terminal too, at its line.
    result.stdout.fnmatch_lines(
        [
            "note: notes/note.md:4: IPython magic %matplotlib left out (it only configures the "
            "notebook)",
            "note: notes/note.md:17: IPython magic %time ran its code once; timing lines not "
            "compared",
        ]
    )
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    assert problem(report) is None
    assert load(pytester.path / "report.json").notes[0].blocks[0].notes[2] == (
        "line 6: shell escape !pip not run"
    )
    notes = [block.get("notes") for block in report["notes"][0]["blocks"]]
    assert notes == [
        [
            "line 4: IPython magic %matplotlib left out (it only configures the notebook)",
            "line 5: IPython magic %config left out (it only configures the notebook)",
            "line 6: shell escape !pip not run",
        ],
        ["line 17: IPython magic %time ran its code once; timing lines not compared"],
        ["line 28: IPython magic %%timeit ran its code once; timing lines not compared"],
        None,
    ]


def test_tracebacks_keep_the_notes_line_numbers(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        ```python
        %matplotlib inline
        !nvidia-smi
        x = 1
        x / 0
        ```
        """
    )
    result = pytester.runpytest()
    assert block_counts(result) == {"failed": 1}
    result.stdout.fnmatch_lines(
        ["*the block raised ZeroDivisionError: division by zero*", '*"notes/note.md", line 5*']
    )


def test_timing_lines_are_not_compared_and_update_keeps_them(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = """\
        ```python
        %%time
        print(sum(range(4)))
        ```

        ```output
        CPU times: user 4 µs, sys: 1 µs, total: 5 µs
        Wall time: 7.15 µs
        5
        ```
        """
    note = write_note(text)
    result = pytester.runpytest()
    assert block_counts(result) == {"failed": 1}
    result.stdout.fnmatch_lines(["-5", "+6"])
    pytester.runpytest("--torchnotes-update")
    updated = (
        "```python\n%%time\nprint(sum(range(4)))\n```\n\n```output\nCPU times: user 4 µs, "
        "sys: 1 µs, total: 5 µs\nWall time: 7.15 µs\n6\n```\n"
    )
    assert note.read_text(encoding="utf-8") == updated
    assert block_counts(pytester.runpytest("--torchnotes-update")) == {"verified": 1}
    assert note.read_text(encoding="utf-8") == updated


def test_timing_lines_of_blocks_that_time_nothing_are_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(1)\n```\n\n```output\nWall time: 2 s\n1\n```\n")
    assert block_counts(pytester.runpytest()) == {"failed": 1}


MAGIC_NOTE = """\
```python
%load_ext autoreload
print(1)
```

```output
1
```
"""


@pytest.mark.parametrize("where", ["ini", "flag"])
def test_blocks_with_magics_can_be_skipped(
    pytester: pytest.Pytester, write_note: WriteNote, where: str
) -> None:
    write_note(MAGIC_NOTE)
    if where == "ini":
        pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_magics = skip\n")
        result = pytester.runpytest("-rs")
    else:
        result = pytester.runpytest("-rs", "--torchnotes-magics=skip")
    assert block_counts(result) == {"skipped": 1}
    result.stdout.fnmatch_lines(
        ["SKIPPED [1] notes/note.md:1: line 2: IPython magic %load_ext (torchnotes_magics = skip)"]
    )


def test_blocks_with_magics_can_be_errors(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(MAGIC_NOTE)
    result = pytester.runpytest("--torchnotes-magics=error")
    assert block_counts(result) == {"failed": 1}
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:2: block 1: IPython magic %load_ext is not Python and "
            "torchnotes_magics is error (set it to run to run the rest of the block, or take "
            "the line out)"
        ]
    )


def test_a_bad_magics_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--torchnotes-magics=maybe")
    result.stderr.fnmatch_lines(
        ["ERROR: torchnotes: --torchnotes-magics: 'maybe' is not one of run, skip, error"]
    )


def test_the_sybil_entry_point_runs_magics_too(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        "from sybil import Sybil\n"
        "from pytest_torchnotes.sybil import torchnotes_sybil\n"
        "pytest_collect_file = Sybil(\n"
        "    **torchnotes_sybil(magics='skip'), patterns=['*.md']\n"
        ").pytest()\n"
    )
    pytester.makefile(".md", note=MAGIC_NOTE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*line 2: IPython magic %load_ext (torchnotes_magics = skip)"])


def test_an_xfail_block_that_cannot_run_is_skipped(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("<!-- torchnotes: xfail slow -->\n```python\n%%bash\nsleep 100\n```\n")
    assert block_counts(pytester.runpytest()) == {"skipped": 1}


def test_a_syntax_error_beside_a_magic_names_its_own_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\n%matplotlib inline\nx = (1,\n```\n")
    result = pytester.runpytest()
    assert block_counts(result) == {"failed": 1}
    result.stdout.fnmatch_lines(['*File "notes/note.md", line 3*'])
    assert "line 2" not in result.stdout.str()
