"""Warnings Python gives while compiling a block are the block's, as those it gives while
the block runs: in its record, in the report, and drift under strict warnings."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import WriteNote

LITERAL = """\
# Compiled

```python
x = 1
print(x is 1)
```

```output
True
```
"""


def test_a_compile_warning_is_warning_drift_at_its_note_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(LITERAL)
    result = pytester.runpytest("--torchnotes-strict-warnings")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:3: block 1 (*): warning drift",
            # Python 3.13 names the literal's type ("is" with 'int' literal)
            '  new warning: notes/note.md:5: SyntaxWarning: "is" with *literal*',
        ]
    )


def test_a_compile_warning_is_in_the_blocks_record(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(LITERAL)
    result = pytester.runpytest("--torchnotes-report=report.json")
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    [block] = report["notes"][0]["blocks"]
    assert [(w["category"], w["line"]) for w in block["warnings"]] == [("SyntaxWarning", 5)]
    message = block["warnings"][0]["message"]  # "is" with 'int' literal on Python 3.13
    assert re.match(r'"is" with (a|\'int\') literal', message), message


def test_a_declared_compile_warning_passes_under_strict_warnings(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(LITERAL.replace("```python", "<!-- torchnotes: warns SyntaxWarning -->\n```python"))
    pytester.runpytest("--torchnotes-strict-warnings").assert_outcomes(passed=1)


def test_a_compile_warning_of_a_transcript_is_its_example_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\n>>> x = 1\n>>> x is 1\nTrue\n```\n")
    result = pytester.runpytest("--torchnotes-strict-warnings")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['  new warning: notes/note.md:3: SyntaxWarning: "is"*'])


def test_a_block_compiled_in_two_parts_reports_its_warning_once(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The last expression is compiled apart to display its value: each warning once."""
    write_note("```python\nx = 1\ny = x is 1\nx is 1\n```\n\n```output\nTrue\n```\n")
    pytester.runpytest("--torchnotes-report=report.json").assert_outcomes(passed=1)
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    [block] = report["notes"][0]["blocks"]
    assert [(w["category"], w["line"]) for w in block["warnings"]] == [
        ("SyntaxWarning", 3),
        ("SyntaxWarning", 4),
    ]


def test_an_invalid_escape_sequence_is_the_blocks_warning(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A DeprecationWarning before Python 3.12, a SyntaxWarning from it on."""
    write_note(
        '```python\nimport re\nprint(bool(re.match("\\d", "1")))\n```\n\n```output\nTrue\n```\n'
    )
    result = pytester.runpytest("--torchnotes-strict-warnings")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  new warning: notes/note.md:3: *Warning: invalid escape sequence*"]
    )
