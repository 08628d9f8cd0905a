"""The report names the versions the notes ran on, under pytest-xdist and when every note
was skipped, exactly as a serial run that ran them does."""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

import numpy
import pytest
import torch

from pytest_torchnotes.reporting import versions
from pytest_torchnotes.reporting.versions import environment
from tests.conftest import WriteNote

NOTE = "```python\nimport torch\nprint(torch.ones(1))\n\n=== output ===\ntensor([1.])\n```\n"


def test_xdist_report_names_the_versions_the_workers_ran(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    pytest.importorskip("xdist")
    for index in range(3):
        write_note(NOTE, f"n{index}.md")
    pytester.runpytest("-p", "no:randomly", "--torchnotes-report=serial.json")
    # A controller of its own, which (unlike this process) never imports torch.
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "-n", "2", "--torchnotes-report=parallel.json"
    )
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [f"torch {torch.__version__}, Python *: 3 notes (3 passed), 3 blocks: *"]
    )
    serial = json.loads((pytester.path / "serial.json").read_text())["environment"]
    parallel = json.loads((pytester.path / "parallel.json").read_text())["environment"]
    assert parallel == serial
    assert (parallel["torch"], parallel["numpy"], parallel["cuda"]) == (
        torch.__version__,
        numpy.__version__,
        torch.version.cuda,
    )


def test_a_run_where_every_note_was_skipped_names_the_installed_torch(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("<!-- torchnotes: skip not today -->\n" + NOTE)
    result = pytester.runpytest_subprocess("--torchnotes-report=report.json")
    result.stdout.fnmatch_lines([f"torch {torch.__version__}, Python *"])
    data = json.loads((pytester.path / "report.json").read_text())["environment"]
    assert (data["torch"], data["numpy"]) == (torch.__version__, numpy.__version__)


@pytest.mark.parametrize("loaded", [True, False])
def test_environment_reads_installed_versions_of_what_is_not_loaded(
    monkeypatch: pytest.MonkeyPatch, loaded: bool
) -> None:
    if not loaded:
        monkeypatch.delitem(sys.modules, "torch")
        monkeypatch.delitem(sys.modules, "numpy")
    found = environment()
    # The same answer either way, local version part included (``+cpu``, ``+cu130``), which
    # the distribution's metadata may drop.
    assert (found.torch, found.numpy) == (torch.__version__, version("numpy"))
    assert found.cuda == torch.version.cuda


@pytest.mark.parametrize(
    ("version_py", "expected"),
    [
        ("__version__ = '9.1.0+cu999'\ncuda: Optional[str] = '99.0'\n", ("9.1.0+cu999", "99.0")),
        ('__version__ = "9.1.0"\ncuda = None\n', ("9.1.0", None)),
        (None, ("from-metadata", None)),
    ],
)
def test_the_torch_build_is_read_without_importing_torch(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    version_py: str | None,
    expected: tuple[str, str | None],
) -> None:
    package = tmp_path / "torch"
    package.mkdir()
    (package / "__init__.py").write_text("raise ImportError('not to be imported')\n")
    if version_py is not None:
        (package / "version.py").write_text(version_py)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "torch")
    monkeypatch.setattr(versions, "_installed", lambda name: "from-metadata")
    assert versions._torch_build() == expected
    assert "torch" not in sys.modules
