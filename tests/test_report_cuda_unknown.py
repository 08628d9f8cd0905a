"""Whether CUDA was available is known only to a process that loaded torch. A report written
where torch was never loaded (the report a crash leaves, a run whose every note was skipped,
an xdist controller whose workers all died) says so, ``null``, and never ``false``."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from pytest_torchnotes.reporting.crashreport import crash_report
from pytest_torchnotes.reporting.render import describe_environment, to_json
from pytest_torchnotes.reporting.report import RunReport
from pytest_torchnotes.reporting.validate import problem
from pytest_torchnotes.reporting.versions import environment


def test_a_process_that_never_loaded_torch_does_not_say_cuda_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(sys.modules, "torch")
    assert environment().cuda_available is None


@pytest.mark.parametrize("available", [True, False])
def test_a_process_that_loaded_torch_says_what_it_found(
    monkeypatch: pytest.MonkeyPatch, available: bool
) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: available)
    assert environment().cuda_available is available


def test_the_report_a_crash_leaves_says_cuda_was_not_probed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The crash report is written by a process of its own, which never imports torch.
    monkeypatch.delitem(sys.modules, "torch")
    report = crash_report([["notes/a.md", "error", "the process died"]])
    data = json.loads(to_json(report))
    assert data["environment"]["cuda_available"] is None
    assert problem(data) is None
    assert RunReport.from_json(data).environment.cuda_available is None


@pytest.mark.parametrize(
    ("available", "cuda", "said"),
    [
        (None, "12.4", "CUDA 12.4 (not probed: no note loaded torch)"),
        (None, None, "CPU build"),
        (True, "12.4", "CUDA 12.4"),
        (False, "12.4", "CUDA 12.4 (no GPU)"),
        (False, None, "CPU build"),
    ],
)
def test_the_report_describes_what_it_knows_of_cuda(
    tmp_path: Path, available: bool | None, cuda: str | None, said: str
) -> None:
    report = crash_report([])
    report = replace(
        report, environment=replace(report.environment, cuda_available=available, cuda=cuda)
    )
    assert f", {said}, " in describe_environment(report)
