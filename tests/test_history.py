"""``torchnotes history``: drift across many torch versions, from their run reports."""

from __future__ import annotations

import itertools
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.commands.cli import main
from pytest_torchnotes.reporting.diff import RANK
from pytest_torchnotes.reporting.history import ABSENT, history, load_runs
from pytest_torchnotes.reporting.history_html import WORSE, render_html
from pytest_torchnotes.reporting.history_render import render_markdown, render_text
from pytest_torchnotes.reporting.records import output_digest

SAMPLES = Path(__file__).parent / "samples" / "history"


def block(
    line: int, outcome: str = "passed", actual: str = "ok\n", warnings: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "kind": "block",
        "index": line,
        "line": line,
        "heading": "Heading",
        "outcome": outcome,
        "drift": "value" if outcome == "failed" else None,
        "reason": "value drift: expected 1, got 2" if outcome == "failed" else None,
        "expected": "ok",
        "actual": actual,
        "output_digest": output_digest(actual),
        "warnings": [
            {"category": "FutureWarning", "message": text, "line": line} for text in warnings
        ],
        "duration": 0.0,
    }


def note(path: str, *blocks: dict[str, Any], outcome: str = "passed") -> dict[str, Any]:
    return {
        "path": path,
        "outcome": outcome,
        "reason": None,
        "blocks": list(blocks),
        "restored": [],
    }


def report(torch: str, *notes: dict[str, Any], numpy: str = "2.1.3") -> dict[str, Any]:
    return {
        "schema": "pytest-torchnotes-report",
        "version": 1,
        "created": "",
        "environment": {
            "torch": torch,
            "python": "3.11.7",
            "numpy": numpy,
            "platform": "Linux",
            "cuda_available": False,
            "cuda": None,
            "plugin": "0.1.0",
        },
        "summary": {},
        "notes": list(notes),
    }


def write(folder: Path, *reports: dict[str, Any]) -> list[Path]:
    """Each report in its own file, named by position, not by version."""
    paths = []
    for number, data in enumerate(reports):
        path = folder / f"run-{number}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        paths.append(path)
    return paths


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = main(["history", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


# Order


def test_runs_are_put_in_torch_version_order_whatever_the_file_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = [
        report("2.10.0", note("a.md", block(3, "failed", "2\n"))),
        report("2.9.1+cu128", note("a.md", block(3))),
        report("2.13.0+cpu", note("a.md", block(3, "failed", "2\n"))),
        report("2.1.2", note("a.md", block(3))),
    ]
    paths = write(tmp_path, *reports)
    outputs = set()
    for order in itertools.permutations(paths):
        status, out, _ = run(capsys, *order)
        assert status == 1
        outputs.add(out.replace(str(tmp_path), ""))
    assert len(outputs) == 1
    runs = load_runs(paths)
    # By release, not as strings: 2.10 comes after 2.9.
    assert [r.torch for r in runs] == ["2.1.2", "2.9.1+cu128", "2.10.0", "2.13.0+cpu"]
    (row,) = history(runs).rows
    assert row.states == ["passed", "passed", "failed", "failed"]
    assert [change is not None for change in row.changes] == [False, False, True, False]


def test_the_local_part_only_breaks_ties(tmp_path: Path) -> None:
    paths = write(tmp_path, report("2.13.0+cu130"), report("2.13.0+cpu"), report("2.12.1+cpu"))
    assert [r.torch for r in load_runs(paths)] == ["2.12.1+cpu", "2.13.0+cpu", "2.13.0+cu130"]


# What counts as a change, and where it is shown


def test_a_block_that_regresses_then_recovers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = write(
        tmp_path,
        report("2.1.2", note("a.md", block(3), block(9))),
        report("2.5.1", note("a.md", block(3, "failed", "2\n"), block(9))),
        report("2.9.1", note("a.md", block(3), block(9))),
    )
    status, out, _ = run(capsys, *paths)
    # The newest version is as good as the oldest.
    assert status == 0
    assert out.splitlines()[4:] == [
        "",
        "block   2.1.2   2.5.1     2.9.1",
        "a.md:3  passed  failed*!  passed*",
        "* changed in this version, ! for the worse; - not in that run",
        "",
        "a.md:3 [Heading]",
        "  2.5.1: verified -> failed (value drift), output changed (regression)",
        "      value drift: expected 1, got 2",
        "      @@ -1 +1 @@",
        "      -ok",
        "      +2",
        "  2.9.1: failed -> verified, output changed",
        "      @@ -1 +1 @@",
        "      -2",
        "      +ok",
        "1 block changed across 3 torch versions; 2.1.2 -> 2.9.1: 0 regressed",
    ]


def test_a_note_that_disappears_and_comes_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = write(
        tmp_path,
        report("2.5.1", note("a.md", block(3)), note("b.md", block(2))),
        report("2.9.1", note("a.md", block(3))),
        report("2.14.1", note("a.md", block(3)), note("b.md", block(2))),
        report("2.13.0", note("a.md", block(3))),
    )
    (row,) = history(load_runs(paths)).rows
    assert row.where() == "b.md:1"
    assert row.states == ["passed", ABSENT, ABSENT, "passed"]
    assert [change.what if change else None for change in row.changes] == [
        None,
        "note gone",
        None,
        "new note",
    ]
    status, out, _ = run(capsys, *paths)
    assert status == 0
    assert "b.md:1  passed  -*!    -       passed*" in out.splitlines()
    assert out.splitlines()[-1] == (
        "1 note changed across 4 torch versions; 2.5.1 -> 2.14.1: 0 regressed"
    )


def test_a_block_that_comes_and_goes_within_a_note(tmp_path: Path) -> None:
    paths = write(
        tmp_path,
        report("2.5.1", note("a.md", block(3))),
        report("2.9.1", note("a.md", block(3), block(7))),
        report("2.13.0", note("a.md", block(3))),
    )
    (row,) = history(load_runs(paths)).rows
    assert row.where() == "a.md:7"
    assert row.states == [ABSENT, "passed", ABSENT]
    assert [change.what if change else None for change in row.changes] == [
        None,
        "new block",
        "block gone",
    ]


@pytest.mark.parametrize("later", [0, 1])
def test_a_regression_behind_a_note_that_could_not_run_in_between(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], later: int
) -> None:
    # Between consecutive runs only the note changes (it cannot run, then it can again):
    # the block that broke meanwhile is shown where it first differs from the oldest run,
    # the newest one or (with ``later`` runs after it) an earlier one.
    broken = note("a.md", block(3, "failed", "2\n"), outcome="failed")
    paths = write(
        tmp_path,
        report("2.5.1", note("a.md", block(3))),
        report("2.9.1", note("a.md", block(3))),
        report("2.13.0", note("a.md", outcome="error")),
        report("2.14.1", broken),
        *(report(f"2.15.{number}", broken) for number in range(later)),
    )
    result = history(load_runs(paths))
    assert [(row.where(), row.regressed) for row in result.rows] == [
        ("a.md:1", False),
        ("a.md:3", True),
    ]
    note_row, block_row = result.rows
    assert [change.what if change else None for change in note_row.changes] == [
        None,
        None,
        "note passed -> error",
        "note error -> failed",
        *[None] * later,
    ]
    assert block_row.states == ["passed", "passed", "error", "failed", *["failed"] * later]
    changed = [change is not None for change in block_row.changes]
    assert changed == [False, False, False, True, *[False] * later]
    status, out, _ = run(capsys, *paths)
    assert status == 1
    line = "a.md:3 !  passed  passed  error    failed*!" + "  failed" * later
    assert line in out.splitlines()
    assert out.splitlines()[-1] == (
        f"1 block and 1 note changed across {4 + later} torch versions; "
        f"2.5.1 -> {'2.15.0' if later else '2.14.1'}: 1 regressed"
    )


def test_a_note_that_appears_failing_is_a_regression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = write(
        tmp_path,
        report("2.5.1", note("a.md", block(3))),
        report("2.9.1", note("a.md", block(3)), note("new.md", outcome="error")),
    )
    status, out, _ = run(capsys, *paths)
    assert status == 1
    assert "new.md:1 !  -      error*!" in out.splitlines()


def test_warnings_and_output_of_a_passing_block_are_changes(tmp_path: Path) -> None:
    paths = write(
        tmp_path,
        report("2.5.1", note("a.md", block(3, warnings=("old",)), block(8))),
        report("2.9.1", note("a.md", block(3, warnings=("new",)), block(8))),
        report("2.13.0", note("a.md", block(3, warnings=("new",)), block(8, actual="ok \n"))),
    )
    result = history(load_runs(paths))
    assert [(row.where(), [c.what if c else None for c in row.changes]) for row in result.rows] == [
        ("a.md:3", [None, "warnings changed", None]),
        ("a.md:8", [None, None, "output changed"]),
    ]
    assert result.rows[0].changes[1] is not None
    assert result.rows[0].changes[1].details == [
        "new warning: FutureWarning: new",
        "warning gone: FutureWarning: old",
    ]
    assert not result.regressions


def test_identical_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = [note("a.md", block(3), block(9, "failed", "2\n"))]
    paths = write(tmp_path, report("2.5.1", *same), report("2.9.1", *same))
    status, out, _ = run(capsys, *paths)
    assert status == 0
    assert (
        out.splitlines()[-1]
        == "0 blocks changed across 2 torch versions; 2.5.1 -> 2.9.1: 0 regressed"
    )
    assert "block" not in out.splitlines()[3:]
    assert main(["history", "--format", "md", *map(str, paths)]) == 0
    markdown = capsys.readouterr().out
    assert [line for line in markdown.splitlines() if line.startswith("| ")] == [
        "| block | 2.5.1 | 2.9.1 |",
        "| --- | --- | --- |",
        "| *environment* | Python 3.11.7, numpy 2.1.3, CPU build | "
        "Python 3.11.7, numpy 2.1.3, CPU build |",
    ]


OUTCOME = st.sampled_from(["passed", "failed", "skipped"])
STATE = st.tuples(OUTCOME, st.sampled_from(["a\n", "b\n"]), st.sampled_from([(), ("w",)]))


@given(states=st.lists(STATE, min_size=2, max_size=6), order=st.randoms())
def test_a_change_is_shown_exactly_where_the_block_differs_from_the_version_before(
    tmp_path_factory: pytest.TempPathFactory,
    states: list[tuple[str, str, tuple[str, ...]]],
    order: Any,
) -> None:
    reports = [
        report(f"2.{minor}.0", note("a.md", block(3, outcome, actual, warnings)))
        for minor, (outcome, actual, warnings) in enumerate(states)
    ]
    order.shuffle(reports)
    runs = load_runs(write(tmp_path_factory.mktemp("runs"), *reports))
    result = history(runs)
    changed = [False, *(before != after for before, after in itertools.pairwise(states))]
    if not any(changed):
        assert result.rows == []
    else:
        (row,) = result.rows
        assert [change is not None for change in row.changes] == changed
        assert row.states == [outcome for outcome, _, _ in states]
    worse = RANK[states[-1][0]] > RANK[states[0][0]]
    assert bool(result.regressions) == worse
    assert main(["history", *(str(run.file) for run in runs)]) == int(worse)


# Bad input


def test_bad_input_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (good,) = write(tmp_path, report("2.5.1"))
    assert run(capsys, good) == (
        2,
        "",
        "torchnotes history: give two or more reports, one per torch version\n",
    )
    missing = tmp_path / "missing.json"
    status, _, err = run(capsys, good, missing)
    assert (status, err.startswith(f"torchnotes history: {missing}: cannot read a report")) == (
        2,
        True,
    )
    other = tmp_path / "other.json"
    other.write_text('{"schema": "other"}')
    assert run(capsys, good, other)[2] == (
        f"torchnotes history: {other}: not a pytest-torchnotes report\n"
    )
    no_torch = tmp_path / "no-torch.json"
    no_torch.write_text(
        json.dumps(report("") | {"environment": report("x")["environment"] | {"torch": None}})
    )
    assert run(capsys, good, no_torch)[2] == (
        f"torchnotes history: {no_torch}: the report does not say which torch version ran it\n"
    )
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(report("nightly")))
    assert (
        run(capsys, good, odd)[2]
        == f"torchnotes history: {odd}: 'nightly' is not a torch version\n"
    )
    twin = tmp_path / "twin.json"
    twin.write_text(json.dumps(report("2.5.1")))
    assert run(capsys, good, twin) == (
        2,
        "",
        f"torchnotes history: {good} and {twin} are both runs of torch 2.5.1: "
        "give one report per version\n",
    )


# Markdown and HTML


def three_versions(tmp_path: Path) -> list[Path]:
    return write(
        tmp_path,
        report("2.5.1", note("a.md", block(3), block(9)), note("b<c>.md", block(2))),
        report("2.9.1", note("a.md", block(3, "failed", "<b>2</b>\n"), block(9))),
        report(
            "2.13.0",
            note("a.md", block(3, "failed", "<b>2</b>\n"), block(9, "skipped")),
            note("b<c>.md", block(2)),
        ),
    )


def test_markdown_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--format", "md", *map(str, three_versions(tmp_path))]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "## torchnotes history: torch 2.5.1 → 2.13.0"
    table = [line for line in lines if line.startswith("| ")]
    assert table[3:] == [
        "| a.md:3 ⚠️ | passed | **failed** ⚠️ | failed |",
        "| a.md:9 ⚠️ | passed | passed | **skipped** ⚠️ |",
        "| b&lt;c>.md:1 | passed | **–** ⚠️ | **passed** |",
    ]
    assert "- **2.9.1**: verified -> failed (value drift), output changed ⚠️" in lines
    assert "  +<b>2</b>" in lines


class Page(HTMLParser):
    """What a browser would make of the page: cells, links, anchors, tags."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.ids: set[str] = set()
        self.rows: list[list[tuple[str, str, str | None]]] = []
        self.cell: tuple[str, str | None] | None = None
        self.link: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        attributes = dict(attrs)
        self.attributes.extend((tag, name, value) for name, value in attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = (str(attributes.get("class") or ""), None)
            self.text = []
        elif tag == "a":
            self.link = attributes.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append((self.cell[0], "".join(self.text), self.link))
            self.cell, self.link = None, None

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_page_is_a_grid_that_links_each_change_to_its_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "--format", "html", *map(str, three_versions(tmp_path))]) == 1
    text = capsys.readouterr().out
    page = Page()
    page.feed(text)
    page.close()
    assert text.startswith("<!DOCTYPE html>")
    # Self-contained: nothing loaded from elsewhere, every link within the page.
    assert not {"script", "link", "img", "iframe", "object"} & set(page.tags)
    for tag, name, value in page.attributes:
        assert name != "src", tag
        if name == "href":
            assert value is not None
            assert value.startswith("#")
            assert value[1:] in page.ids
    header, *rows = page.rows
    assert [text for _, text, _ in header][:1] == ["block"]
    assert [text.split("Python")[0] for _, text, _ in header[1:]] == ["2.5.1", "2.9.1", "2.13.0"]
    grid = {row[0][1]: [(cls, text, link) for cls, text, link in row[1:]] for row in rows}
    assert list(grid) == [
        f"a.md:3Heading{WORSE}",
        f"a.md:9Heading{WORSE}",
        "b<c>.md:1",
    ]
    assert grid[f"a.md:3Heading{WORSE}"] == [
        ("passed", "passed", None),
        ("failed changed regression", "failed", "#change-1-1"),
        ("failed", "failed", None),
    ]
    assert grid[f"a.md:9Heading{WORSE}"][2] == (
        "skipped changed regression",
        "skipped",
        "#change-2-2",
    )
    # The file name is text, not markup.
    assert grid["b<c>.md:1"] == [
        ("passed", "passed", None),
        ("absent changed regression", "–", "#change-3-1"),
        ("passed changed", "passed", "#change-3-2"),
    ]
    assert "<b>" not in page.tags
    assert "+&lt;b&gt;2&lt;/b&gt;" in text


def test_html_page_of_identical_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write(
        tmp_path, report("2.5.1", note("a.md", block(3))), report("2.9.1", note("a.md", block(3)))
    )
    assert main(["history", "--format", "html", *map(str, paths)]) == 0
    page = Page()
    page.feed(capsys.readouterr().out)
    assert len(page.rows) == 1
    assert "td" not in page.tags


# Real runs


JIT_SCRIPT = "`torch.jit.script` is deprecated. Please switch to `torch.compile` or `torch.export`."


def test_real_reports_of_two_torch_versions(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, SAMPLES / "torch-2.14.1.json", SAMPLES / "torch-2.1.2.json")
    assert status == 0, out
    lines = out.splitlines()
    assert lines[0] == "torchnotes history: torch 2.1.2+cu121, 2.14.1+cu130"
    assert lines[1] == (
        "  2.1.2+cu121: Python 3.11.7, numpy 1.26.4, CUDA 12.1, no GPU; "
        f"{SAMPLES / 'torch-2.1.2.json'}"
    )
    assert lines[4:] == [
        "block                    2.1.2+cu121  2.14.1+cu130",
        "notes/torchscript.md:18  passed       passed*",
        "* changed in this version, ! for the worse; - not in that run",
        "",
        "notes/torchscript.md:18 [1. 用 torch.jit.script 编译一个函数]",
        "  2.14.1+cu130: warnings changed",
        f"      new warning: FutureWarning: {JIT_SCRIPT}",
        "1 block changed across 2 torch versions; 2.1.2+cu121 -> 2.14.1+cu130: 0 regressed",
    ]


def test_real_reports_of_three_torch_versions_show_where_each_change_appeared() -> None:
    files = [SAMPLES / f"torch-{version}.json" for version in ("2.13.0", "2.14.1", "2.1.2")]
    result = history(load_runs(files))
    assert result.labels == ["2.1.2+cu121", "2.13.0+cpu", "2.14.1+cu130"]
    (row,) = result.rows
    assert (row.where(), row.states) == ("notes/torchscript.md:18", ["passed"] * 3)
    assert [change.details if change else None for change in row.changes] == [
        None,
        [f"new warning: DeprecationWarning: {JIT_SCRIPT}"],
        [
            f"new warning: FutureWarning: {JIT_SCRIPT}",
            f"warning gone: DeprecationWarning: {JIT_SCRIPT}",
        ],
    ]


def test_render_functions_agree_with_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = three_versions(tmp_path)
    result = history(load_runs(paths))
    for form, render in (("text", render_text), ("md", render_markdown), ("html", render_html)):
        main(["history", "--format", form, *map(str, paths)])
        assert capsys.readouterr().out == render(result)


def test_the_drift_page_holds_the_table_of_the_real_runs() -> None:
    """docs/drift.md shows the Markdown of the five real reports, as rendered today."""
    table = render_markdown(history(load_runs(sorted(SAMPLES.glob("torch-*.json")))))
    assert table.startswith("## torchnotes history: torch 2.1.2+cu121 → 2.14.1+cu130\n")
    page = (Path(__file__).parent.parent / "docs" / "drift.md").read_text(encoding="utf-8")
    assert table in page
