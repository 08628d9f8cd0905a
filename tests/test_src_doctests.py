"""The doctests of ``src/`` run in every gate (``--doctest-modules``): they leave nothing in
the temporary folder, where runs of the gate would pile their folders up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest_torchnotes

SOURCE = Path(pytest_torchnotes.__file__).parent


def test_the_doctests_that_make_temporary_files_remove_them(tmp_path: Path) -> None:
    modules = sorted(
        str(path)
        for path in SOURCE.rglob("*.py")
        if ">>> " in (text := path.read_text(encoding="utf-8")) and "tempfile" in text
    )
    assert modules
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--doctest-modules",
            "-p",
            "no:randomly",
            *modules,
        ],
        env={**os.environ, "TMPDIR": str(temporary)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert sorted(os.listdir(temporary)) == []
