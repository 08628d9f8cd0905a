"""The nox matrix: torch versions from the command line, one kept venv each, then history."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: Loaded once: nox registers the sessions of a noxfile as it runs it.
NOXFILE = _load()


class Stop(Exception):
    pass


class Session:
    """Records what the session would run, in the order it would run it."""

    def __init__(self, posargs: list[str]) -> None:
        self.posargs = posargs
        self.commands: list[list[str]] = []

    def run(self, *args: str, **kwargs: Any) -> str | None:
        self.commands.append(list(args))
        return f"output of {args[-1]}\n" if kwargs.get("silent") else None

    def error(self, message: str) -> None:
        raise Stop(message)


def test_the_versions_come_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    session = Session(["2.1.2", "2.14.1"])
    NOXFILE.matrix(session)
    old, new = ".nox/torch-2.1.2/bin/python", ".nox/torch-2.14.1/bin/python"
    history = [new, "-m", "pytest_torchnotes.commands.cli", "history"]
    reports = ["reports/torch-2.1.2.json", "reports/torch-2.14.1.json"]
    assert session.commands == [
        ["python", "-m", "venv", ".nox/torch-2.1.2"],
        [old, "-m", "pip", "install", "-q", "torch==2.1.2", "numpy<2", "-e", "."],
        [old, "-m", "pytest", "notes/", "docs/", "-p", "no:cacheprovider", "-q",
         "--torchnotes-report=reports/torch-2.1.2.json"],
        ["python", "-m", "venv", ".nox/torch-2.14.1"],
        [new, "-m", "pip", "install", "-q", "torch==2.14.1", "numpy", "-e", "."],
        [new, "-m", "pytest", "notes/", "docs/", "-p", "no:cacheprovider", "-q",
         "--torchnotes-report=reports/torch-2.14.1.json"],
        [*history, *reports, "--format", "md"],
        [*history, *reports, "--format", "html"],
        [*history, *reports],
    ]  # fmt: skip
    assert (tmp_path / "reports" / "history.md").read_text() == "output of md\n"
    assert (tmp_path / "reports" / "history.html").read_text() == "output of html\n"


def test_a_kept_environment_is_reused_and_the_default_versions_run_without_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    module = NOXFILE
    for version in module.TORCH_VERSIONS:
        python = tmp_path / ".nox" / f"torch-{version}" / "bin" / "python"
        python.parent.mkdir(parents=True)
        python.touch()
    session = Session([])
    module.matrix(session)
    installs = [command[5] for command in session.commands if "pip" in command]
    assert installs == [f"torch=={version}" for version in module.TORCH_VERSIONS]
    assert not [command for command in session.commands if "venv" in command]


def test_a_typo_stops_before_any_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    session = Session(["2.5.1", "2.9,1", "latest"])
    with pytest.raises(Stop, match=r"not a torch version: 2\.9,1, latest"):
        NOXFILE.matrix(session)
    assert session.commands == []
