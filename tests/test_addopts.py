"""The commands read the torchnotes flags of addopts and PYTEST_ADDOPTS, as pytest does."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.commands.addopts import AddoptsError, read_addopts
from pytest_torchnotes.commands.project import project_settings
from pytest_torchnotes.settings import Settings, SettingsError


def settings(tmp_path: Path, ini: str, environment: str = "") -> Settings:
    (tmp_path / "pytest.ini").write_text(f"[pytest]\n{ini}")
    return project_settings(["."], tmp_path, {"PYTEST_ADDOPTS": environment})


def test_flags_and_overrides_are_read_and_the_rest_left_alone() -> None:
    found = read_addopts(
        ["-q", "-k", "x", "--torchnotes-indented-output", "-otorchnotes_seed=2", "-p", "no:x"]
    )
    assert found.flags == {"torchnotes_indented_output": "true"}
    assert found.overrides == {"torchnotes_seed": "2"}
    assert read_addopts(["--torchnotes-seed", "1", "--torchnotes-seed=3"]).flags == {
        "torchnotes_seed": "3"
    }
    with pytest.raises(AddoptsError):
        read_addopts(["--torchnotes-seed"])
    with pytest.raises(AddoptsError):
        read_addopts(["-o", "torchnotes_seed"])


def test_precedence_is_pytests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert settings(tmp_path, "torchnotes_seed = 1\n").run.seed == 1
    # An -o override beats the file's value, a flag beats both, PYTEST_ADDOPTS comes last.
    assert settings(tmp_path, "torchnotes_seed = 1\n", "-o torchnotes_seed=2").run.seed == 2
    ini = "torchnotes_seed = 1\naddopts = --torchnotes-seed 3\n"
    assert settings(tmp_path, ini, "-o torchnotes_seed=2").run.seed == 3
    assert settings(tmp_path, ini, "--torchnotes-seed=4").run.seed == 4
    # Repeated flags add up, the file's first.
    ini = "addopts = --torchnotes-languages python\n"
    assert settings(tmp_path, ini, "--torchnotes-languages bare").note_format.languages == {
        "python",
        "",
    }
    # A flag's value of several words is several values, as the file's are.
    ini = "addopts = --torchnotes-output-fence 'text bare'\n"
    found = settings(tmp_path, ini, "--torchnotes-languages 'python  bare'")
    assert found.note_format.languages == {"python", ""}
    assert found.note_format.output_fences == {"text", ""}
    # Values of a list type are split as pytest splits them.
    found = settings(tmp_path, "torchnotes_paths = notes docs\n", "-o torchnotes_patterns=*.txt")
    assert found.paths == (tmp_path / "notes", tmp_path / "docs")
    assert found.patterns == ("*.txt",)


def test_a_bad_value_names_where_it_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError, match=r"^--torchnotes-seed in PYTEST_ADDOPTS: 'x' is"):
        settings(tmp_path, "addopts = --torchnotes-seed=1\n", "--torchnotes-seed=x")
    with pytest.raises(SettingsError, match=r"^--torchnotes-seed in addopts in pytest.ini: "):
        settings(tmp_path, "addopts = --torchnotes-seed=x\n")
    with pytest.raises(SettingsError, match=r"^-o torchnotes_timeout in PYTEST_ADDOPTS: "):
        settings(tmp_path, "", "-o torchnotes_timeout=soon")
    with pytest.raises(SettingsError, match=r"^PYTEST_ADDOPTS: "):
        settings(tmp_path, "", "--torchnotes-seed 'unclosed")
