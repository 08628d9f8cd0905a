"""The plain logic of opting in: notes named on the command line, the line for a folder of
notes nothing collected."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.optin import count_notes, ini_line, named_notes, uncollected_hints

SEGMENT = st.text(alphabet="abcxyz_-", min_size=1, max_size=6)
FOLDER = st.lists(SEGMENT, min_size=1, max_size=4)


@given(folder=FOLDER, ini_at=st.integers(min_value=0, max_value=4))
def test_the_ini_line_names_the_folder_relative_to_the_ini_file(
    folder: list[str], ini_at: int
) -> None:
    top = Path("/project")
    base = top.joinpath(*folder[: min(ini_at, len(folder) - 1)])
    target = top.joinpath(*folder)
    for ini in ("pytest.ini", "tox.ini", "setup.cfg"):
        line = ini_line(target, base / ini, top)
        value = line.removeprefix("torchnotes_paths = ").rpartition(f" in {ini}")[0]
        assert value == os.path.relpath(target, base)
    toml = ini_line(target, base / "pyproject.toml", top)
    assert toml.startswith(f'torchnotes_paths = ["{os.path.relpath(target, base)}"] in ')


def test_the_ini_line_reaches_a_folder_beside_the_ini_file() -> None:
    line = ini_line(Path("/p/docs"), Path("/p/sub/pytest.ini"), Path("/p/sub"))
    assert line == "torchnotes_paths = ../docs in pytest.ini"


@given(
    files=st.lists(
        st.tuples(FOLDER, st.sampled_from(["a.md", "b.markdown", "c.txt", "d.md.bak"])),
        max_size=8,
    ),
    hidden=st.booleans(),
)
def test_count_notes_counts_the_notes_pytest_would_walk_to(
    files: list[tuple[list[str], str]], hidden: bool
) -> None:
    with tempfile.TemporaryDirectory() as name:
        top = Path(name)
        expected = set()
        for folder, file in files:
            parts = [".h" if hidden and index == 0 else part for index, part in enumerate(folder)]
            path = top.joinpath(*parts, file)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
            if file.endswith((".md", ".markdown")) and not hidden and "venv" not in parts:
                expected.add(path)
        assert count_notes(top, ("*.md", "*.markdown"), ["venv"]) == len(expected)


def test_named_notes_are_files_matching_the_patterns(tmp_path: Path) -> None:
    for name in ("a.md", "b.txt", "dir.md/c.md", "notes/d.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    arguments = ["a.md", "a.md::note", "b.txt", "dir.md", "missing.md", "notes/d.md"]
    found = named_notes(arguments, tmp_path, ["*.md"], [tmp_path / "notes"])
    assert found == {tmp_path / "a.md"}


def test_uncollected_hints_quote_what_the_shell_would_split(tmp_path: Path) -> None:
    (tmp_path / "my notes").mkdir()
    (tmp_path / "my notes" / "a.md").write_text("")
    (lines,) = uncollected_hints(
        ["my notes"], tmp_path, [], (), ("*.md",), (), tmp_path / "pytest.ini", tmp_path
    )
    assert "run `pytest --torchnotes 'my notes'`" in lines
    assert "holds a Markdown note" in lines
    assert (
        uncollected_hints(
            ["my notes"],
            tmp_path,
            [tmp_path / "my notes" / "a.md"],
            (),
            ("*.md",),
            (),
            None,
            tmp_path,
        )
        == []
    )
