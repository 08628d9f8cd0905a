"""End to end: every count says what it counts, in every place that shows it."""

from __future__ import annotations

import json
import sys
import types
import xml.etree.ElementTree as ElementTree
from typing import Any

import pytest

from tests.conftest import WriteNote, block_counts

#: One block of each passing status, and one that fails.
STATUSES = """\
# Statuses

```python
print(1)

=== output ===
1
```

```python
x = 2
```

<!-- torchnotes: compare ignore -->
```python
print("anything")

=== output ===
something else
```

<!-- torchnotes: raises ZeroDivisionError -->
```python
1 / 0
```

<!-- torchnotes: skip not here -->
```python
print(3)
```

```python
print(x)

=== output ===
3
```
"""


def test_each_status_is_counted_with_the_same_word_everywhere(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(STATUSES)
    result = pytester.runpytest("-v", "--torchnotes-report=report.json")
    result.assert_outcomes(failed=1)
    expected = {"verified": 2, "ran": 1, "not_compared": 1, "failed": 1, "skipped": 1}
    assert block_counts(result) == expected
    result.stdout.fnmatch_lines(
        [
            "*VERIFIED block 1, line 3 *",
            "*RAN block 2, line 10 *",
            "*NOT COMPARED block 3, line 15 *",
            "*VERIFIED block 4, line 23 *",
            "*SKIPPED block 5, line 28 *",
            "*FAILED block 6, line 32 *",
        ]
    )
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    statuses = [block["status"] for block in report["notes"][0]["blocks"]]
    assert statuses == ["verified", "ran", "not compared", "verified", "skipped", "failed"]
    assert report["summary"] == {
        "verified": 2,
        "ran": 1,
        "not compared": 1,
        "failed": 1,
        "skipped": 1,
    }
    pytester.runpytest("--torchnotes-report=report.md")
    markdown = (pytester.path / "report.md").read_text(encoding="utf-8").splitlines()
    assert "| not compared | 1 |" in markdown
    assert "| ran | 1 |" in markdown


def test_doctest_transcripts_count_what_they_compare(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\n>>> 1 + 1\n2\n```\n\n```python\n>>> x = 1\n```\n\n"
        "```python\n>>> import random\n>>> random.random()  # xdoctest: +IGNORE_WANT\n0.5\n```\n"
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1, "ran": 1, "not_compared": 1}


def test_a_note_whose_every_block_is_skipped_is_skipped(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("<!-- torchnotes: requires torch<1.0 -->\n```python\nprint(1)\n```\n")
    result = pytester.runpytest("--torchnotes-report=report.json")
    result.assert_outcomes(skipped=1)
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    assert report["notes"][0]["outcome"] == "skipped"
    result.stdout.fnmatch_lines(["*: 1 note (1 skipped), 1 block: 1 skipped"])


@pytest.mark.parametrize("blocks", [1, 2, 7])
def test_pytest_counts_notes_and_the_summary_counts_blocks(
    pytester: pytest.Pytester, write_note: WriteNote, blocks: int
) -> None:
    failing = "```python\nprint(1)\n=== output ===\n2\n```\n\n" * blocks
    write_note(failing, "bad.md")
    write_note("```python\nprint(1)\n=== output ===\n1\n```\n", "good.md")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1, passed=1)
    noun = "block" if blocks == 1 else "blocks"
    result.stdout.fnmatch_lines(
        [f"*: 2 notes (1 passed, 1 failed), {blocks + 1} blocks: 1 verified, {blocks} failed*"]
    )
    result.stdout.fnmatch_lines([f"FAILED notes/bad.md::note - {blocks} {noun}: {blocks} failed:"])
    assert result.stdout.str().count("FAILED notes/bad.md::note - line ") == blocks
    parallel = pytester.runpytest("-n", "2")
    parallel.assert_outcomes(failed=1, passed=1)
    assert block_counts(parallel) == block_counts(result)


def test_one_note_reads_as_one_note(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("```python\nprint(1)\n=== output ===\n1\n```\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["*: 1 note (1 passed), 1 block: 1 verified"])
    assert "1 notes" not in result.stdout.str()
    assert "1 blocks" not in result.stdout.str()


def test_exitfirst_stepwise_and_last_failed_work_on_notes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    bad = "```python\nprint(1)\n=== output ===\n2\n```\n\n```python\n1 / 0\n```\n"
    write_note(bad, "a.md")
    write_note(bad, "b.md")
    write_note("```python\nprint(1)\n```\n", "c.md")
    first = pytester.runpytest("-x", "-p", "no:randomly")
    first.assert_outcomes(failed=1)  # stops after the first failing note, whole
    assert block_counts(first) == {"failed": 2}
    pytester.runpytest("-p", "no:randomly").assert_outcomes(failed=2, passed=1)
    last_failed = pytester.runpytest("--lf", "-p", "no:randomly")
    last_failed.assert_outcomes(failed=2)
    last_failed.stdout.fnmatch_lines(["*run-last-failure: rerun previous 2 failures*"])
    stepwise = pytester.runpytest("--sw", "-p", "no:randomly")
    stepwise.assert_outcomes(failed=1)
    write_note("```python\nprint(1)\n```\n", "a.md")
    pytester.runpytest("--sw", "-p", "no:randomly").assert_outcomes(passed=1, failed=1)


def test_a_node_id_still_selects_a_note(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("```python\nprint(1)\n=== output ===\n2\n```\n", "a.md")
    write_note("```python\nprint(1)\n```\n", "b.md")
    result = pytester.runpytest("notes/a.md::note")
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"failed": 1}


def test_junitxml_has_one_test_case_per_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(1)\n=== output ===\n2\n```\n\n```python\n1 / 0\n```\n", "a.md")
    write_note("```python\nprint(1)\n```\n", "b.md")
    pytester.runpytest("--junitxml=junit.xml").assert_outcomes(failed=1, passed=1)
    suite = ElementTree.parse(pytester.path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    cases = {case.get("classname"): case for case in suite.iter("testcase")}
    assert sorted(cases) == ["notes.a.md", "notes.b.md"]
    assert {case.get("name") for case in cases.values()} == {"note"}
    assert not list(cases["notes.b.md"])
    # Each failing block is a failure of its note's test case, with its line and message.
    messages = [failure.get("message") or "" for failure in cases["notes.a.md"].iter("failure")]
    assert messages[0].startswith("line 1: value drift")
    assert messages[1].startswith("line 7: the block raised ZeroDivisionError")


def test_the_short_summary_keeps_the_note_line_at_80_columns(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "# A long heading\n" + "\n" * 60 + "```python\nprint(1.5)\n=== output ===\n2.5\n```\n"
    )
    result = pytester.runpytest()
    lines = [line for line in result.stdout.lines if line.startswith("FAILED ")]
    assert lines[0].startswith("FAILED notes/note.md::note - line 62: value drift: ")
    assert all(len(line) <= 80 for line in lines)
    assert "note.md::note.md" not in result.stdout.str()


def test_the_node_id_names_the_note_once(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("# Shapes\n\n```python\nprint(1)\n=== output ===\n2\n```\n", "a.md")
    write_note("```python\nprint(1)\n```\n", "b.md")
    collected = pytester.runpytest("--collect-only", "-q", "-p", "no:randomly")
    collected.stdout.fnmatch_lines(["notes/a.md::note", "notes/b.md::note"])
    # -k matches the file name and the headings, not the item's name alone.
    pytester.runpytest("-k", "a").assert_outcomes(failed=1)
    pytester.runpytest("-k", "Shapes").assert_outcomes(failed=1)
    pytester.runpytest("--deselect", "notes/a.md::note").assert_outcomes(passed=1)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(failed=1, passed=1)
    last_failed = pytester.runpytest("--lf", "-v", "-p", "no:randomly")
    last_failed.assert_outcomes(failed=1)
    last_failed.stdout.fnmatch_lines(["notes/a.md::note FAILED block 1, line 3 [[]Shapes[]]*"])
    parallel = pytester.runpytest("-n", "2", "--lf", "-p", "no:randomly")
    parallel.assert_outcomes(failed=1)
    parallel.stdout.fnmatch_lines(["FAILED notes/a.md::note - line 3: value drift*"])


def test_verbose_shows_each_block_as_it_finishes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    events: list[str] = []
    probe = types.ModuleType("progress_probe")
    # a function, not the list: a note's in-place change of a container that a module
    # imported before it holds is put back when the note ends
    probe.record = events.append  # type: ignore[attr-defined]
    sys.modules["progress_probe"] = probe

    class Recorder:
        def pytest_runtest_logreport(self, report: Any) -> None:
            block = getattr(report, "torchnotes_block", None)
            if block is not None:
                events.append(f"reported {block['line']}")

    code = "```python\nimport progress_probe\nprogress_probe.record('ran {line}')\n```\n\n"
    write_note("".join(code.format(line=line) for line in (1, 6, 11)))
    try:
        pytester.runpytest("-v", plugins=[Recorder()]).assert_outcomes(passed=1)
    finally:
        del sys.modules["progress_probe"]
    assert events == ["ran 1", "reported 1", "ran 6", "reported 6", "ran 11", "reported 11"]


#: One note of each kind: name -> text.
NOTE_KINDS = {
    "matched.md": "```python\nprint(1)\n\n=== output ===\n1\n```\n",
    "drifted.md": (
        "```python\nprint(1)\n\n=== output ===\n2\n```\n\n"
        '```python\nprint("a")\n\n=== output ===\nb\n```\n'
    ),
    "no_expected.md": "```python\nprint(1)\n```\n",
    "skipped.md": "<!-- torchnotes: skip not here -->\n```python\nprint(1)\n```\n",
    "could_not_run.md": "<!-- torchnotes: frobnicate -->\n```python\nprint(1)\n```\n",
    "cannot_run_block.md": (
        "```python\nOut[1]: 2\n```\n\n```python\nprint(1)\n\n=== output ===\n1\n```\n"
    ),
    "raises.md": "<!-- torchnotes: raises ZeroDivisionError -->\n```python\n1 / 0\n```\n",
    "new_warning.md": (
        '```python\nimport warnings\nwarnings.warn("old", FutureWarning)\nprint(1)\n\n'
        "=== output ===\n1\n```\n"
    ),
    "xfailed.md": (
        "```python\nprint(1)\n\n=== output ===\n1\n```\n\n"
        "<!-- torchnotes: xfail known -->\n```python\n1 / 0\n```\n"
    ),
    "partly_skipped.md": (
        "```python\nprint(1)\n\n=== output ===\n1\n```\n\n"
        "<!-- torchnotes: skip gpu -->\n```python\nprint(2)\n```\n"
    ),
}


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_the_terminal_the_report_and_junitxml_count_alike(
    pytester: pytest.Pytester, write_note: WriteNote, workers: list[str]
) -> None:
    """Notes as pytest counts them, in junitxml's suite too (a failing block is a
    ``<failure>`` of its note's test case, not a test of its own); blocks by status, in the
    terminal and the report alike."""
    for name, text in NOTE_KINDS.items():
        write_note(text, name)
    result = pytester.runpytest(*workers, "--junitxml=junit.xml", "--torchnotes-report=r.json")
    result.assert_outcomes(failed=3, passed=6, skipped=1)
    blocks = {"verified": 6, "ran": 1, "failed": 3, "xfailed": 1, "not_run": 1, "skipped": 2}
    assert block_counts(result) == blocks
    result.stdout.fnmatch_lines(
        ["*: 10 notes (6 passed, 2 failed, 1 skipped, 1 could not run), 14 blocks: *"]
    )
    report = json.loads((pytester.path / "r.json").read_text(encoding="utf-8"))
    assert {status.replace(" ", "_"): n for status, n in report["summary"].items()} == blocks
    outcomes = {note["path"]: note["outcome"] for note in report["notes"]}
    assert outcomes == {
        **dict.fromkeys((f"notes/{name}" for name in NOTE_KINDS), "passed"),
        "notes/drifted.md": "failed",
        "notes/cannot_run_block.md": "failed",
        "notes/could_not_run.md": "error",
        "notes/skipped.md": "skipped",
    }
    suite = ElementTree.parse(pytester.path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    counts = {key: suite.get(key) for key in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "10", "failures": "3", "errors": "0", "skipped": "1"}
    cases = {case.get("classname"): case for case in suite.iter("testcase")}
    assert len(cases) == 10
    drifted = [failure.get("message") or "" for failure in cases["notes.drifted.md"]]
    assert [message.split(":")[0] for message in drifted] == ["line 1", "line 8", "2 blocks"]
    # A test case is skipped only where pytest's line says its note was skipped; a block
    # skipped or expected to fail in a note that ran is a property of its test case.
    skipped = sorted(name for name, case in cases.items() if case.find("skipped") is not None)
    assert skipped == ["notes.skipped.md"]
    assert len(cases["notes.skipped.md"].findall("skipped")) == 1
    properties = {
        name: [(p.get("name"), p.get("value")) for p in case.iter("property")]
        for name, case in cases.items()
    }
    assert properties["notes.partly_skipped.md"] == [("torchnotes_skipped_block", "gpu")]
    ((xfail_name, xfail_reason),) = properties["notes.xfailed.md"]
    assert xfail_name == "torchnotes_xfailed_block"
    assert "known" in (xfail_reason or "")


#: Verified blocks, each under other rules, and what ``-v`` says of them.
RULES = """\
```python
print(0.3333)

=== output ===
0.33
```

<!-- torchnotes: compare structure -->
```python
print([0.5, 7])

=== output ===
[0.1, 2]
```

<!-- torchnotes: compare numeric rtol=0.1 atol=0.001 -->
```python
print(1.05)

=== output ===
1.0
```

<!-- torchnotes: compare ellipsis -->
```python
print("loading 12 files")

=== output ===
loading ... files
```

<!-- torchnotes: compare exact -->
```python
print("took 3 ms")

=== output ===
took 5 ms
```

<!-- torchnotes: raises ZeroDivisionError -->
```python
1 / 0
```
"""


def test_verbose_says_under_which_rules_a_block_matched(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(RULES)
    result = pytester.runpytest("-v", "--torchnotes-sanitize", r"\d+ ms => N ms")
    assert block_counts(result) == {"verified": 6}
    lines = [line.split("::note ")[1] for line in result.stdout.lines if "::note VERIFIED" in line]
    assert [line.split("[")[0].rstrip() for line in lines] == [
        "VERIFIED block 1, line 1 (1 torchnotes_sanitize substitution)",
        "VERIFIED block 2, line 9 (compare structure: values not compared, 1 torchnotes_sanitize"
        " substitution)",
        "VERIFIED block 3, line 17 (compare numeric rtol=0.1 atol=0.001, 1 torchnotes_sanitize"
        " substitution)",
        "VERIFIED block 4, line 25 (compare ellipsis: text under ... not compared, 1"
        " torchnotes_sanitize substitution)",
        "VERIFIED block 5, line 33 (compare exact, 1 torchnotes_sanitize substitution)",
        "VERIFIED block 6, line 41",  # by the exception it raised: no output compared
    ]
    default = pytester.runpytest("-v")
    assert block_counts(default) == {"verified": 5, "failed": 1}  # took 3 ms: not 5 ms
    verified = [line for line in default.stdout.lines if "::note VERIFIED" in line]
    assert [line.split("[")[0].split(" line ")[1].rstrip() for line in verified] == [
        "1",
        "9 (compare structure: values not compared)",
        "17 (compare numeric rtol=0.1 atol=0.001)",
        "25 (compare ellipsis: text under ... not compared)",
        "41",
    ]


def test_a_run_without_pytest_s_junitxml_plugin_runs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOTE_KINDS["matched.md"])
    result = pytester.runpytest("-p", "no:junitxml")
    result.assert_outcomes(passed=1)
