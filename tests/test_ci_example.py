"""The GitHub Actions example: it parses, its jobs fit together, and its last step works."""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.version import Version

from pytest_torchnotes.markdown.lexers import MarkdownLexer

ROOT = Path(__file__).parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "notes.yml"
SAMPLES = Path(__file__).parent / "samples" / "history"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def step(job: dict[str, Any], uses: str) -> dict[str, Any]:
    (found,) = [step for step in job["steps"] if step.get("uses", "").startswith(uses)]
    return found


def test_it_runs_only_when_started_by_hand(workflow: dict[Any, Any]) -> None:
    # YAML 1.1, which PyYAML reads, takes the key `on` for True.
    assert workflow[True] == {"workflow_dispatch": None}


def test_one_job_per_torch_version_each_uploading_its_report(workflow: dict[Any, Any]) -> None:
    notes = workflow["jobs"]["notes"]
    versions = notes["strategy"]["matrix"]["torch"]
    assert len(versions) >= 2
    assert [Version(v) for v in versions] == sorted(Version(v) for v in versions)
    assert notes["strategy"]["fail-fast"] is False
    (run,) = [
        step["run"] for step in notes["steps"] if "--torchnotes-report" in step.get("run", "")
    ]
    upload = step(notes, "actions/upload-artifact@")
    assert upload["if"] == "always()"
    assert f"--torchnotes-report={upload['with']['path']}" in run
    assert "${{ matrix.torch }}" in upload["with"]["name"]


def test_the_last_job_gathers_every_report(workflow: dict[Any, Any]) -> None:
    notes, history = workflow["jobs"]["notes"], workflow["jobs"]["history"]
    assert history["needs"] == "notes"
    assert history["if"] == "always()"
    upload = step(notes, "actions/upload-artifact@")["with"]
    download = step(history, "actions/download-artifact@")["with"]
    for version in notes["strategy"]["matrix"]["torch"]:
        name = upload["name"].replace("${{ matrix.torch }}", version)
        assert fnmatch.fnmatch(name, download["pattern"])
        path = upload["path"].replace("${{ matrix.torch }}", version)
        assert Path(path).parent == Path(download["path"])
    assert download["merge-multiple"] is True


def history_script(workflow: dict[Any, Any]) -> str:
    (script,) = [
        step["run"]
        for step in workflow["jobs"]["history"]["steps"]
        if "torchnotes history" in step.get("run", "")
    ]
    return str(script)


def run_history(workflow: dict[Any, Any], tmp_path: Path, reports: list[Path]) -> tuple[int, str]:
    """The history step, run by bash as on a runner, with ``torchnotes`` from this tree."""
    (tmp_path / "reports").mkdir()
    for report in reports:
        shutil.copy(report, tmp_path / "reports")
    scripts = tmp_path / "bin"
    scripts.mkdir()
    shim = scripts / "torchnotes"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pytest_torchnotes.commands.cli "$@"\n')
    shim.chmod(0o755)
    summary = tmp_path / "summary.md"
    summary.write_text("")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    env["PATH"] = f"{scripts}:{env['PATH']}"
    env["PYTHONPATH"] = str(ROOT / "src")
    done = subprocess.run(
        ["bash", "-e", "-c", history_script(workflow)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (tmp_path / "reports" / "history.html").read_text().startswith("<!DOCTYPE html>")
    return done.returncode, summary.read_text(encoding="utf-8")


def test_the_history_step_writes_the_table_to_the_job_summary(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    reports = [SAMPLES / "torch-2.1.2.json", SAMPLES / "torch-2.14.1.json"]
    status, summary = run_history(workflow, tmp_path, reports)
    assert status == 0
    assert summary.startswith("## torchnotes history: torch 2.1.2+cu121 → 2.14.1+cu130\n")


def test_the_history_step_fails_on_a_regression_after_writing_the_summary(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    old = json.loads((SAMPLES / "torch-2.13.0.json").read_text(encoding="utf-8"))
    new = json.loads(json.dumps(old))
    new["environment"]["torch"] = "2.15.0"
    block = new["notes"][-1]["blocks"][0]
    block.update(outcome="failed", drift="value", output_digest="changed")
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "torch-2.15.0.json").write_text(json.dumps(new), encoding="utf-8")
    status, summary = run_history(
        workflow, tmp_path, [SAMPLES / "torch-2.13.0.json", tmp_path / "new" / "torch-2.15.0.json"]
    )
    assert status == 1
    assert "1 block changed across 2 torch versions; 2.13.0+cpu -> 2.15.0: 1 regressed." in summary


def test_the_docs_show_the_workflow_as_it_is() -> None:
    page = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    fences = [fence for fence in MarkdownLexer()(page).fences if fence.language == "yaml"]
    bodies = ["\n".join(line.text for line in fence.body) + "\n" for fence in fences]
    assert WORKFLOW.read_text(encoding="utf-8") in bodies
