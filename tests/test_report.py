"""Drift reporting: run reports, warnings, version-conditional output, the summary, diffs."""

from __future__ import annotations

import json
import platform
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import torch

from pytest_torchnotes.cmdline import value_taken_for_a_path
from pytest_torchnotes.commands.cli import main
from pytest_torchnotes.options import OPTIONS
from pytest_torchnotes.reporting.diff import compare, load
from pytest_torchnotes.reporting.render import report_format
from pytest_torchnotes.reporting.report import RunReport
from tests.conftest import WriteNote

SCHEMA = json.loads(files("pytest_torchnotes").joinpath("report-schema.json").read_text())

MIXED = """\
# Mixed

```python
import torch
print(torch.tensor([1.0, 2.0]) / 4)

======== output ==========
tensor([0.2500, 0.5000])
```

## Drift

```python
print(torch.tensor([3]))

======== output ==========
tensor([4])
```

<!-- torchnotes: skip needs a GPU -->
```python
torch.ones(1, device="cuda")
```

```python
import warnings
warnings.warn("this API is going away", FutureWarning)
```
"""


def report_of(pytester: pytest.Pytester, *args: str, name: str = "report.json") -> dict:
    pytester.runpytest("-p", "no:randomly", f"--torchnotes-report={name}", *args)
    data: dict = json.loads((pytester.path / name).read_text(encoding="utf-8"))
    return data


def test_json_report_follows_its_schema(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(MIXED)
    write_note("<!-- torchnotes: skp -->\n```python\nx\n```\n", "broken.md")
    data = report_of(pytester)
    jsonschema.validate(data, SCHEMA)
    assert (data["schema"], data["version"]) == ("pytest-torchnotes-report", 2)
    assert data["environment"]["torch"] == torch.__version__
    assert data["environment"]["python"] == platform.python_version()
    assert data["summary"] == {"verified": 1, "ran": 1, "failed": 1, "skipped": 1, "not run": 1}
    broken, note = data["notes"]
    assert (broken["path"], broken["outcome"], broken["not_run"]) == ("notes/broken.md", "error", 1)
    assert broken["reason"].startswith("line 1: unknown torchnotes directive 'skp'")
    assert note["outcome"] == "failed"
    blocks = {block["line"]: block for block in note["blocks"]}
    assert blocks[3]["outcome"] == "passed"
    assert blocks[3]["expected"] == "tensor([0.2500, 0.5000])"
    assert blocks[3]["actual"] == "tensor([0.2500, 0.5000])\n"
    assert blocks[13] | {"duration": 0, "output_digest": ""} == {
        "kind": "block",
        "index": 2,
        "line": 13,
        "heading": "Drift",
        "outcome": "failed",
        "status": "failed",
        "drift": "value",
        "reason": "value drift: expected 4, got 3 (differs by 1; tolerance 0)",
        "expected": "tensor([4])",
        "actual": "tensor([3])\n",
        "output_digest": "",
        "warnings": [],
        "duration": 0,
        "compare": {"mode": "numeric", "rtol": 0.0, "atol": 0.0, "sanitize": []},
    }
    assert (blocks[21]["outcome"], blocks[21]["reason"]) == ("skipped", "needs a GPU")
    assert blocks[21]["compare"] is None
    assert blocks[25]["warnings"] == [
        {"category": "FutureWarning", "message": "this API is going away", "line": 27}
    ]


def test_a_block_that_raised_records_the_line_it_raised_on(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("# Raises\n\n```python\nimport torch\nx = 1\ntorch.ones(2).view(3)  # Error\n```\n")
    data = report_of(pytester)
    jsonschema.validate(data, SCHEMA)
    (block,) = data["notes"][0]["blocks"]
    assert (block["drift"], block["raised_line"]) == ("exception", 6)
    write_note("```python\nprint(1)\n```\n")
    assert "raised_line" not in report_of(pytester, name="third.json")["notes"][0]["blocks"][0]


def test_markdown_report(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(MIXED)
    pytester.runpytest("--torchnotes-report=out/report.md")
    text = (pytester.path / "out" / "report.md").read_text(encoding="utf-8")
    assert text.startswith("## torchnotes report\n\ntorch ")
    for line in [
        "1 note (1 failed)",
        "| verified | 1 |",
        "| ran | 1 |",
        "| failed | 1 |",
        "| skipped | 1 |",
        "| notes/note.md | 13 | Drift | failed | value | value drift: expected 4, got 3 "
        "(differs by 1; tolerance 0) |  |",
        "| notes/note.md | 21 | Drift | skipped |  | needs a GPU |  |",
        "| notes/note.md | 25 | Drift | ran |  |  | FutureWarning: this API is going away |",
        "<summary>notes/note.md:13 value drift</summary>",
        "-tensor([4])",
        "+tensor([3])",
    ]:
        assert line in text.splitlines(), line


def test_report_format_follows_the_suffix(pytester: pytest.Pytester) -> None:
    assert report_format(Path("a.JSON")) == "json"
    assert report_format(Path("a.markdown")) == "markdown"
    result = pytester.runpytest("--torchnotes-report=report.txt")
    result.stderr.fnmatch_lines(
        [
            "ERROR: torchnotes: --torchnotes-report: 'report.txt': the report format follows "
            "the suffix: .json or .md"
        ]
    )


def test_xdist_report_equals_the_serial_one(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    pytest.importorskip("xdist")
    for index in range(4):
        write_note(MIXED, f"n{index}.md")
    serial = report_of(pytester, name="serial.json")
    parallel = report_of(pytester, "-n", "2", name="parallel.json")
    for data in (serial, parallel):
        data.pop("created")
        for note in data["notes"]:
            for block in note["blocks"]:
                block.pop("duration")
    assert len(serial["notes"]) == 4
    assert parallel == serial


def test_terminal_summary(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(MIXED)
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "*= torchnotes =*",
            f"torch {torch.__version__}, Python {platform.python_version()}: 1 note (1 failed), "
            "4 blocks: 1 verified, 1 ran, 1 failed (1 value), 1 skipped",
            "skipped 1: needs a GPU",
            "warning: notes/note.md:27: FutureWarning: this API is going away",
        ]
    )


def test_the_blocks_of_a_note_that_could_not_run_are_counted_as_not_run(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The summary counted only the blocks that ran: a note refused for an unknown directive
    # hid its other blocks from every count.
    write_note(
        "<!-- torchnotes: bogus -->\n```python\nprint(2)\n```\n\n"
        "```python\nprint(3)\n=== output ===\n3\n```\n\n"
        "```python\nprint(4)\n=== output ===\n4\n```\n",
        "refused.md",
    )
    write_note("```python\nprint(1)\n=== output ===\n1\n```\n", "fine.md")
    result = pytester.runpytest("--torchnotes-report=report.json")
    result.stdout.fnmatch_lines(
        [
            "*: 2 notes (1 passed, 1 could not run), "
            "4 blocks: 1 verified, 3 not run (their note could not run)",
        ]
    )
    data = json.loads((pytester.path / "report.json").read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["summary"] == {"verified": 1, "not run": 3}
    refused = next(note for note in data["notes"] if note["path"].endswith("refused.md"))
    assert (refused["outcome"], refused["blocks"], refused["not_run"]) == ("error", [], 3)
    assert RunReport.from_json(data).counts() == {"verified": 1, "not run": 3}


def test_a_block_that_cannot_run_as_written_fails_alone_and_the_note_runs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A transcript with code no prompt holds fails at that line; its note's other blocks
    run and are counted (a page of 300 examples is not hidden by one)."""
    write_note(
        "```python\nprint(1)\n=== output ===\n1\n```\n\n"
        "```python\n>>> x = 1\n>>> x\n1\n\nprint(x)  # code not behind a prompt\n```\n\n"
        "```python\nprint(3)\n=== output ===\n3\n```\n",
        "refused.md",
    )
    result = pytester.runpytest("--torchnotes-report=report.json")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/refused.md:12: code not behind a >>> prompt in the transcript at line 7*"
            "(block 2 is not run)",
            "*: 1 note (1 failed), 3 blocks: 2 verified, 1 failed (1 cannot run)",
        ]
    )
    data = json.loads((pytester.path / "report.json").read_text())
    jsonschema.validate(data, SCHEMA)
    (note,) = data["notes"]
    assert [(block["line"], block["status"], block["drift"]) for block in note["blocks"]] == [
        (1, "verified", None),
        (7, "failed", "cannot run"),
        (15, "verified", None),
    ]


def test_no_summary_without_notes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--torchnotes")
    assert "= torchnotes =" not in result.stdout.str()


WARNING_NOTE = """\
<!-- torchnotes: warns FutureWarning: going away -->
```python
import warnings
warnings.warn("this API is going away", FutureWarning)
```

```python
warnings.warn("a new deprecation", DeprecationWarning)
```

<!-- torchnotes: warns UserWarning -->
```python
print("no warning any more")
```
"""


def test_warnings_are_recorded_but_pass_by_default(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(WARNING_NOTE)
    pytester.runpytest().assert_outcomes(passed=1)


def test_strict_warnings(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(WARNING_NOTE)
    result = pytester.runpytest("--torchnotes-strict-warnings")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:7: block 2: warning drift",
            "  new warning: notes/note.md:8: DeprecationWarning: a new deprecation",
            "*",
            "notes/note.md:12: block 3: warning drift",
            "  declared but not raised: UserWarning",
        ]
    )


ALTERNATIVES = """\
<!-- torchnotes: output torch<2.0
tensor([1., 2.]) old
-->
<!-- torchnotes: output torch>=2.0,<2.1
tensor([1., 2.]) middle
-->
```python
import torch
print(torch.tensor([1.0, 2.0]), VERSION_WORD)

======== output ==========
tensor([1., 2.]) new
```
"""


@pytest.mark.parametrize(
    ("version", "word"), [("1.13.1", "old"), ("2.0.1", "middle"), ("2.13.0+cpu", "new")]
)
def test_version_conditional_output(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    monkeypatch: pytest.MonkeyPatch,
    version: str,
    word: str,
) -> None:
    monkeypatch.setattr(torch, "__version__", version)
    write_note(ALTERNATIVES.replace("VERSION_WORD", repr(word)))
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_failure_names_the_output_it_compared(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch, "__version__", "1.13.1")
    write_note(ALTERNATIVES.replace("VERSION_WORD", "'new'"))
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:7: block 1: text drift: the output says something else",
            "  compared with the output written for torch<2.0",
            "--- expected (notes/note.md:2)",
            "-tensor([1., 2.]) old",
            "+tensor([1., 2.]) new",
        ]
    )


def test_update_rewrites_only_the_output_that_applies(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch, "__version__", "2.0.1")
    note = write_note(ALTERNATIVES.replace("VERSION_WORD", "'changed'"))
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text() == ALTERNATIVES.replace("VERSION_WORD", "'changed'").replace(
        "tensor([1., 2.]) middle", "tensor([1., 2.]) changed"
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_output_directive_errors(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("<!-- torchnotes: output\nx\n-->\n```python\nx = 1\n```\n", "a.md")
    write_note("<!-- torchnotes: output torch>>2\nx\n-->\n```python\nx = 1\n```\n", "b.md")
    result = pytester.runpytest()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines_random(
        [
            "notes/a.md:1: output needs the versions it holds for, e.g. "
            "<!-- torchnotes: output torch<2.0",
            "notes/b.md:1: output: 'torch>>2' is not a valid requirement: *",
        ]
    )


@pytest.mark.skipif(
    sys.version_info < (3, 11),
    reason="on Python 3.10 torchinfo prints the summary the note holds for 3.10",
)
def test_the_seed_note_documents_the_python_drift_of_torchinfo(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_3_10 = sys.version_info < (3, 11)
    if not on_3_10:
        monkeypatch.setattr(platform, "python_version", lambda: "3.10.13")
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    (pytester.path / "notes").mkdir()
    seed = (Path(__file__).parent.parent / "notes" / "pytorch-fragments.md").read_text()
    (pytester.path / "notes" / "seed.md").write_text(seed, encoding="utf-8")
    result = pytester.runpytest("-v")
    if on_3_10:  # the output written for 3.10 is the one compared, and it holds
        result.stdout.fnmatch_lines(["*VERIFIED block 4, line *"])
        return
    # Only the version is 3.10: the summary of torchinfo prints as on 3.11, so the output
    # written for 3.10 no longer matches.
    result.stdout.fnmatch_lines(["*FAILED block 4*", "*compared with the output written for*"])


# torchnotes diff, on reports of two real runs


def two_runs(pytester: pytest.Pytester, write_note: WriteNote, change: str) -> tuple[Path, Path]:
    write_note(MIXED)
    write_note("```python\nprint('stable')\n```\n", "other.md")
    report_of(pytester, name="old.json")
    write_note(change)
    report_of(pytester, name="new.json")
    return pytester.path / "old.json", pytester.path / "new.json"


def test_diff_of_a_regression(
    pytester: pytest.Pytester, write_note: WriteNote, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = MIXED.replace("/ 4)", "/ 5)").replace('"this API is going away"', '"renamed"')
    old, new = two_runs(pytester, write_note, changed)
    capsys.readouterr()
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    version = torch.__version__
    assert out.splitlines() == [
        f"torchnotes diff: torch {version} -> {version}",
        "! notes/note.md:3 [Mixed]: verified -> failed (value drift), output changed",
        "      value drift: expected 0.2500, got 0.2000 (differs by 0.05; tolerance 5e-05)",
        "      @@ -1 +1 @@",
        "      -tensor([0.2500, 0.5000])",
        "      +tensor([0.2000, 0.4000])",
        "  notes/note.md:25 [Drift]: warnings changed",
        "      new warning: FutureWarning: renamed",
        "      warning gone: FutureWarning: this API is going away",
        "2 changed, 1 regressed",
    ]
    assert main(["diff", str(old), str(new), "--format", "md"]) == 1
    markdown = capsys.readouterr().out
    assert "| ⚠️ | notes/note.md:3 [Mixed] | verified -> failed (value drift), output changed |" in (
        markdown.splitlines()
    )


def test_diff_of_a_fix_and_of_identical_runs(
    pytester: pytest.Pytester, write_note: WriteNote, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_runs(pytester, write_note, MIXED.replace("tensor([4])", "tensor([3])"))
    capsys.readouterr()
    assert main(["diff", str(old), str(new)]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "  notes/note.md:13 [Drift]: failed -> verified",
        "1 changed, 0 regressed",
    ]
    assert main(["diff", str(new), str(new)]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["0 changed, 0 regressed"]


def test_diff_of_notes_and_blocks_that_come_and_go() -> None:
    old = RunReport.from_json(
        {
            "schema": "pytest-torchnotes-report",
            "version": 1,
            "environment": {
                "torch": "2.13.0",
                "python": "3.11.7",
                "numpy": None,
                "platform": "x",
                "cuda_available": False,
                "cuda": None,
                "plugin": "0.1.0",
            },
            "notes": [
                {"path": "gone.md", "outcome": "passed", "reason": None, "blocks": []},
                {"path": "a.md", "outcome": "passed", "reason": None, "blocks": []},
            ],
        }
    )
    new = RunReport.from_json(
        {
            "schema": "pytest-torchnotes-report",
            "version": 1,
            "environment": {
                "torch": "2.14.1",
                "python": "3.11.7",
                "numpy": None,
                "platform": "x",
                "cuda_available": False,
                "cuda": None,
                "plugin": "0.1.0",
            },
            "notes": [
                {"path": "new.md", "outcome": "error", "reason": "line 1: broken", "blocks": []},
                {"path": "a.md", "outcome": "error", "reason": "line 3: broken", "blocks": []},
            ],
        }
    )
    changes = [(change.where(), change.what, change.regression) for change in compare(old, new)]
    assert changes == [
        ("a.md:1", "note passed -> error", True),
        ("gone.md:1", "note gone", True),
        ("new.md:1", "new note", True),
    ]


def test_diff_of_unreadable_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "other"}')
    assert main(["diff", str(bad), str(bad)]) == 2
    assert capsys.readouterr().err == (f"torchnotes diff: {bad}: not a pytest-torchnotes report\n")
    with pytest.raises(ValueError, match="cannot read a report"):
        load(tmp_path / "missing.json")
    future = tmp_path / "future.json"
    future.write_text('{"schema": "pytest-torchnotes-report", "version": 9}')
    with pytest.raises(ValueError, match="report version 9; this tool reads versions 1 and 2"):
        load(future)


def test_a_version_1_report_is_read_with_derived_statuses() -> None:
    block = {
        "kind": "block",
        "index": 1,
        "line": 3,
        "heading": None,
        "drift": None,
        "reason": None,
        "actual": "1\n",
        "output_digest": "x",
        "warnings": [],
        "duration": 0.0,
    }
    note = {
        "path": "a.md",
        "outcome": "passed",
        "reason": None,
        "blocks": [
            {**block, "outcome": "passed", "expected": "1"},
            {**block, "index": 2, "outcome": "passed", "expected": None},
            {**block, "index": 3, "outcome": "failed", "expected": "2"},
        ],
    }
    environment = {
        "torch": "2.13.0",
        "python": "3.11.7",
        "numpy": None,
        "platform": "x",
        "cuda_available": False,
        "cuda": None,
        "plugin": "0.1.0",
    }
    old = RunReport.from_json(
        {
            "schema": "pytest-torchnotes-report",
            "version": 1,
            "environment": environment,
            "notes": [note],
        }
    )
    assert [block.status for _, block in old.blocks()] == ["verified", "ran", "failed"]
    assert old.to_json()["version"] == 2


SIMPLE = "```python\nprint(1)\n=== output ===\n1\n```\n"


@pytest.mark.parametrize("space", [False, True])
@pytest.mark.parametrize("name", ["notes/note.md", "notes/new.md", "notes/sub/r.markdown"])
def test_a_report_is_never_written_over_a_note(
    pytester: pytest.Pytester, write_note: WriteNote, name: str, space: bool
) -> None:
    note = write_note(SIMPLE)
    args = ["--torchnotes-report", name] if space else [f"--torchnotes-report={name}"]
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: torchnotes: --torchnotes-report: {pytester.path / name} is a note this run "
            "collects (it matches torchnotes_patterns under torchnotes_paths); write the "
            "report outside the notes"
        ]
    )
    assert note.read_text() == SIMPLE
    assert not (pytester.path / "notes" / "new.md").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("README.md", "# My project\n"),
        ("data.json", '{"weights": [1, 2]}'),
        ("broken.json", "{not json"),
        ("report.md", "## someone else's report\n"),
        ("list.json", "[1, 2]"),
    ],
)
def test_a_report_is_never_written_over_a_file_that_is_not_a_report(
    pytester: pytest.Pytester, write_note: WriteNote, name: str, content: str
) -> None:
    write_note(SIMPLE)
    target = pytester.path / name
    target.write_text(content)
    result = pytester.runpytest("--torchnotes-report", name)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: torchnotes: --torchnotes-report: {target} exists and is not a report of "
            "an earlier run; it would be overwritten (delete it first, or choose another path)"
        ]
    )
    assert target.read_text() == content


@pytest.mark.parametrize("name", ["report.json", "report.md"])
def test_a_report_replaces_an_earlier_report_or_an_empty_file(
    pytester: pytest.Pytester, write_note: WriteNote, name: str
) -> None:
    write_note(SIMPLE)
    target = pytester.path / name
    target.write_text("")
    for _ in range(2):
        result = pytester.runpytest("--torchnotes-report", name)
        result.assert_outcomes(passed=1)
        assert "pytest-torchnotes-report" in target.read_text() or target.read_text().startswith(
            "## torchnotes report"
        )


@pytest.mark.parametrize("suffix", ["json", "md"])
def test_the_space_separated_report_path_works_when_it_exists_outside_the_project(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    tmp_path_factory: pytest.TempPathFactory,
    suffix: str,
) -> None:
    """pytest looks for its ini file before it knows the plugin's options, and took an
    existing report path for a test path: the project's ini file was missed."""
    write_note(SIMPLE)
    target = tmp_path_factory.mktemp("elsewhere") / f"report.{suffix}"
    target.write_text("")
    for _ in range(2):  # empty the first time, an earlier report the second
        result = pytester.runpytest("--torchnotes-report", str(target))
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines([f"rootdir: {pytester.path}", f"report written to {target}"])


def test_the_space_separated_form_is_refused_where_it_cannot_be_repaired(
    pytester: pytest.Pytester, write_note: WriteNote, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Another project's ini file, found from the report's folder, gave pytest its addopts
    before the plugin was loaded: the run stops and says how to write the option."""
    write_note(SIMPLE)
    elsewhere = tmp_path_factory.mktemp("other-project")
    (elsewhere / "pytest.ini").write_text("[pytest]\naddopts = -q\n")
    target = elsewhere / "report.json"
    target.write_text("")
    result = pytester.runpytest("--torchnotes-report", str(target))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: torchnotes: pytest took the value of --torchnotes-report ({target}) for a "
            "test path while it looked for its configuration file; write "
            f"--torchnotes-report={target}"
        ]
    )
    pytester.runpytest(f"--torchnotes-report={target}").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "flag", [option.cli for option in OPTIONS if option.cli and not option.flag]
)
def test_every_value_option_is_looked_at(flag: str, tmp_path: Path) -> None:
    assert value_taken_for_a_path(["-q", flag, str(tmp_path)]) == (flag, str(tmp_path))
    assert value_taken_for_a_path(["-q", flag, str(tmp_path / "missing")]) is None
    assert value_taken_for_a_path(["-q", f"{flag}={tmp_path}"]) is None
