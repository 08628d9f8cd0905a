"""``torchnotes diff`` tells the truth: the comparison's rules, regressions, unreadable reports."""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_torchnotes.commands.cli import main
from pytest_torchnotes.comparison.normalize import parse_sanitizer
from pytest_torchnotes.reporting.report import (
    BlockRecord,
    Environment,
    NoteRecord,
    RunReport,
    WarningRecord,
)
from pytest_torchnotes.reporting.validate import problem
from tests.conftest import WriteNote

SCHEMA = json.loads(files("pytest_torchnotes").joinpath("report-schema.json").read_text())

#: Each block prints something that differs between two runs (``RUN`` is 1, then 2) in a way
#: the comparison does not count, except the last, whose output really changes.
VARYING = """\
```python
import os
run = int(os.environ["RUN"])
print(f"<Foo object at 0x7f00{run}a2c1b5e50>")

======== output ==========
<Foo object at 0x7f3a2c1b5e50>
```

<!-- torchnotes: compare ignore -->
```python
print("run", run)

======== output ==========
run 0
```

```python
print(f"took {run * 17} ms")

======== output ==========
took 3 ms
```

<!-- torchnotes: compare ellipsis -->
```python
print(f"loss: {run / 7}")

======== output ==========
loss: ...
```

```python
print(["0.3333", "0.3301"][run - 1])

======== output ==========
0.33
```

```python
print(f"0.{run}500")
```

```python
print(f"0.2{run}00")
```

```python
print(f"0.25{run}0")
```
"""


def run_twice(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[Path, Path]:
    for run in (1, 2):
        monkeypatch.setenv("RUN", str(run))
        pytester.runpytest("-p", "no:randomly", f"--torchnotes-report=run{run}.json", *args)
    return pytester.path / "run1.json", pytester.path / "run2.json"


def test_diff_applies_the_comparison_rules(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_note(VARYING)
    pytester.makeini(
        "[pytest]\ntorchnotes_paths = notes\ntorchnotes_sanitize = took \\d+ ms => took N ms\n"
    )
    old, new = run_twice(pytester, monkeypatch)
    before = json.loads(old.read_text())["notes"][0]["blocks"]
    after = json.loads(new.read_text())["notes"][0]["blocks"]
    assert all(b["outcome"] == "passed" for b in before + after)
    assert all(x["output_digest"] != y["output_digest"] for x, y in zip(before, after, strict=True))
    capsys.readouterr()
    assert main(["diff", str(old), str(new)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == [
        "  notes/note.md:40: output changed",
        "      @@ -1 +1 @@",
        "      -0.1500",
        "      +0.2500",
        "  notes/note.md:44: output changed",
        "      @@ -1 +1 @@",
        "      -0.2100",
        "      +0.2200",
        "  notes/note.md:48: output changed",
        "      @@ -1 +1 @@",
        "      -0.2510",
        "      +0.2520",
        "3 changed, 0 regressed",
    ]


def test_a_note_that_errors_or_is_gone_after_passing_is_a_regression(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_note("```python\nprint(1)\n```\n", "breaks.md")
    write_note("```python\nprint(2)\n```\n", "goes.md")
    write_note("```python\nprint(3)\n```\n", "stays.md")
    pytester.runpytest("--torchnotes-report=old.json")
    write_note("<!-- torchnotes: skp -->\n```python\nprint(1)\n```\n", "breaks.md")
    (pytester.path / "notes" / "goes.md").unlink()
    pytester.runpytest("--torchnotes-report=new.json")
    capsys.readouterr()
    assert main(["diff", "old.json", "new.json"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "! notes/breaks.md:1: note passed -> error"
    assert lines[3:] == ["! notes/goes.md:1: note gone", "2 changed, 2 regressed"]


def _block(actual: str | None, rules: dict[str, Any] | None, expected: str | None = None) -> Any:
    from pytest_torchnotes.reporting.records import output_digest

    digest = output_digest(actual or "")
    return BlockRecord(
        "block", 1, 1, None, "passed", None, None, expected, actual, digest, compare=rules
    )


NUMERIC_RULES = {"mode": "numeric", "rtol": 0.0, "atol": 0.0, "sanitize": []}


@pytest.mark.parametrize(
    ("old", "new", "rules", "expected", "changed"),
    [
        ("0.25", "0.2500", NUMERIC_RULES, None, False),
        ("0.25", "0.26", NUMERIC_RULES, None, True),
        ("0.25", "0.2500", {**NUMERIC_RULES, "mode": "exact"}, None, True),
        ("0.25", "0.2500", None, None, True),  # a report that does not say how it compared
        ("a", "b", {**NUMERIC_RULES, "mode": "ignore"}, None, False),
        ("x 1", "x 2", {**NUMERIC_RULES, "mode": "ellipsis"}, "x ...", False),
        ("x 1", "x 2", {**NUMERIC_RULES, "mode": "ellipsis"}, None, True),
        ("<A at 0x7f01>", "<A at 0x7f02>", NUMERIC_RULES, None, False),
        ("0x7f01", "0x7f02", NUMERIC_RULES, None, True),
        ("3 ms", "4 ms", {**NUMERIC_RULES, "sanitize": ["\\d+ ms => N ms"]}, None, False),
        ("v 2.1.0", "v 2.10.0", NUMERIC_RULES, None, True),
        ("x", None, NUMERIC_RULES, None, True),
    ],
)
def test_what_counts_as_a_changed_output(
    old: str, new: str | None, rules: Any, expected: str | None, changed: bool
) -> None:
    from pytest_torchnotes.reporting.diff import _output_changed

    assert _output_changed(_block(old, rules, expected), _block(new, rules, expected)) is changed


# -- reports that cannot be read ------------------------------------------------------------


def valid_report() -> dict[str, Any]:
    environment = Environment("2.13.0+cpu", "3.11.7", "2.1.0", "Linux", False, None, "0.1.0")
    rules = {"mode": "numeric", "rtol": 0.0, "atol": 0.0, "sanitize": ["\\d+ ms => N ms"]}
    block = BlockRecord(
        "block", 1, 3, "Intro", "failed", "value", "value drift", "1", "2\n", "ab12", compare=rules
    )
    block.warnings = [WarningRecord("FutureWarning", "going away", 4)]
    setup = BlockRecord("setup", 0, 1, None, "passed", None, None, None, "", "00", duration=0.5)
    notes = [
        NoteRecord("a.md", "failed", None, [setup, block], ["torch print options"]),
        NoteRecord("b.md", "error", "line 1: broken"),
    ]
    data = RunReport(environment, notes, "2026-11-29T00:00:00+00:00").to_json()
    jsonschema.validate(data, SCHEMA)
    return data


VALID = valid_report()

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-3, max_value=3)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "passed", "numeric", "x", "block", "pytest-torchnotes-report"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["path", "x", "mode", "line"]), children, max_size=3)
    ),
    max_leaves=6,
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    places = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            places.extend(_places(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            places.extend(_places(item, (*path, index)))
    return places


@st.composite
def damaged_reports(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        place = draw(st.sampled_from(_places(data)[1:]))
        parent = data
        for step in place[:-1]:
            parent = parent[step]
        key = place[-1]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[key] = draw(JSON)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent[key], dict):
            parent[key][draw(st.sampled_from(["extra", "path", "mode", "line"]))] = draw(JSON)
        elif isinstance(parent[key], list):
            parent[key].append(draw(JSON))
    return data


def _schema_valid(data: Any) -> bool:
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError:
        return False
    return True


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged_reports())
def test_a_damaged_report_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: dict[str, Any]
) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    valid = _schema_valid(data)
    found = problem(data)
    assert (found is None) == valid, found
    status = main(["diff", str(path), str(path)])
    err = capsys.readouterr().err
    if valid and not _bad_sanitize(data):
        assert status == 0
        return
    assert status == 2
    assert err.startswith(f"torchnotes diff: {path}: ")
    field = err.removeprefix(f"torchnotes diff: {path}: ").split(":")[0]
    if field.startswith("not a pytest-torchnotes report"):
        assert data.get("schema") != "pytest-torchnotes-report"
    else:
        assert _exists_or_missing(data, field), err


def _bad_sanitize(data: dict[str, Any]) -> bool:
    """A ``sanitize`` line the schema accepts (a string) that is not ``PATTERN => REPLACEMENT``."""
    lines = [
        line
        for note in data["notes"]
        for block in note["blocks"]
        if block.get("compare") is not None
        for line in block["compare"]["sanitize"]
    ]
    try:
        for line in lines:
            parse_sanitizer(line)
    except ValueError:
        return True
    return False


def _exists_or_missing(data: Any, field: str) -> bool:
    """``notes[1].blocks[0].line`` names a place in ``data``, or a key missing from one."""
    target = data
    parts = field.replace("[", ".[").split(".")
    for part in parts[:-1]:
        target = target[int(part[1:-1])] if part.startswith("[") else target[part]
    last = parts[-1]
    if last.startswith("["):
        return isinstance(target, list) and int(last[1:-1]) < len(target)
    return isinstance(target, dict)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(JSON)
def test_any_json_that_is_not_a_report_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: Any
) -> None:
    assert problem(data) is not None
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["diff", str(path), str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"torchnotes diff: {path}: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "not a pytest-torchnotes report"),
        ('"report"', "not a pytest-torchnotes report"),
        ("{}", "not a pytest-torchnotes report"),
        ("[" * 100_000 + "]" * 100_000, "cannot read a report"),
        ('{"schema": ', "cannot read a report"),
        ('{"schema": "pytest-torchnotes-report", "version": 1}', "created: missing"),
        (
            json.dumps({**VALID, "notes": [{**VALID["notes"][1], "outcome": "crashed"}]}),
            'notes[0].outcome: "crashed" is not one of "passed", "failed", "skipped", "error"',
        ),
        (
            json.dumps({**VALID, "environment": {**VALID["environment"], "torch": 2.13}}),
            "environment.torch: 2.13 is not a string or null",
        ),
        (json.dumps({**VALID, "extra": 1}), "extra: not a field of the report"),
        (
            json.dumps({**VALID, "summary": {"passed": -1}}),
            "summary.passed: -1 is less than 0",
        ),
    ],
)
def test_unreadable_reports_name_the_file_and_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "old.json"
    path.write_text(text, encoding="utf-8")
    good = tmp_path / "new.json"
    good.write_text(json.dumps(VALID), encoding="utf-8")
    assert main(["diff", str(path), str(good)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"torchnotes diff: {path}: {message}"), err
    assert "Traceback" not in err


def test_a_sanitize_rule_that_is_not_a_pattern_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copy.deepcopy(VALID)
    data["notes"][0]["blocks"][1]["compare"]["sanitize"] = ["( => x"]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["diff", str(path), str(path)]) == 2
    assert capsys.readouterr().err.startswith(
        f"torchnotes diff: {path}: notes[0].blocks[1].compare: '(' is not a valid regular"
    )


def test_the_validator_checks_every_keyword_the_schema_uses() -> None:
    from pytest_torchnotes.reporting.validate import ANNOTATIONS, KEYWORDS

    def keywords(schema: Any) -> set[str]:
        found: set[str] = set()
        if isinstance(schema, dict):
            for key, value in schema.items():
                if key not in ("properties", "$defs"):
                    found.add(key)
                    found |= keywords(value)
                else:
                    for item in value.values():
                        found |= keywords(item)
        elif isinstance(schema, list):
            for item in schema:
                found |= keywords(item)
        return found

    assert keywords(SCHEMA) <= KEYWORDS | ANNOTATIONS
