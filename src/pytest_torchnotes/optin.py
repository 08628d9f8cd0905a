"""Collection of notes is opt-in (``torchnotes_paths``, ``--torchnotes``), so that installing
the plugin never changes another project's test run. Two things a person who has not opted
in still gets:

* a note named on the command line or in ``testpaths`` is run: pytest would otherwise
  stop with "not found";
* a folder named there that holds notes no one collected gets one line that says how many
  it holds and the command or ini line that collects them.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable, Sequence
from fnmatch import fnmatch
from pathlib import Path

from pytest_torchnotes.notefiles import is_note


def _argument_path(argument: str, start: Path) -> Path:
    """The absolute path (links kept, as pytest keeps them) of a pytest argument such as
    ``notes/x.md::note``."""
    return Path(os.path.abspath(start / argument.partition("::")[0]))


def _under(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def named_notes(
    arguments: Sequence[str], start: Path, patterns: Sequence[str], roots: Sequence[Path] = ()
) -> frozenset[Path]:
    """The files named by ``arguments`` (relative to ``start``) whose names match
    ``patterns`` and that are not under ``roots`` (collected there already).

    >>> import tempfile
    >>> top = Path(tempfile.mkdtemp()).resolve()
    >>> for name in ("a.md", "b.txt", "n/c.md"):
    ...     (top / name).parent.mkdir(exist_ok=True)
    ...     _ = (top / name).write_text("")
    >>> sorted(p.name for p in named_notes(["a.md::note", "b.txt", "n", "n/c.md"], top, ["*.md"]))
    ['a.md', 'c.md']
    >>> sorted(p.name for p in named_notes(["a.md", "n/c.md"], top, ["*.md"], [top / "n"]))
    ['a.md']
    >>> import shutil; shutil.rmtree(top)
    """
    found = set()
    for argument in arguments:
        path = _argument_path(argument, start)
        named = is_note(path, patterns) and path.exists() and not path.is_dir()
        if named and not _under(path, roots):
            found.add(path)
    return frozenset(found)


def count_notes(folder: Path, patterns: Sequence[str], skipped: Sequence[str]) -> int:
    """How many notes ``folder`` holds, in the folders pytest would enter (hidden ones and
    those matching ``norecursedirs``, ``skipped``, left out)."""
    count = 0
    for _root, folders, files in os.walk(folder):
        folders[:] = [
            name
            for name in folders
            if not name.startswith(".") and not any(fnmatch(name, skip) for skip in skipped)
        ]
        count += sum(1 for name in files if is_note(Path(name), patterns))
    return count


def ini_line(folder: Path, inipath: Path | None, rootpath: Path) -> str:
    """The ini line that collects the notes of ``folder``, as the project's ini file spells
    it (``torchnotes_paths`` is read relative to that file's folder).

    >>> print(ini_line(Path("/p/notes"), Path("/p/pyproject.toml"), Path("/p")))
    torchnotes_paths = ["notes"] in [tool.pytest.ini_options] of pyproject.toml
    >>> print(ini_line(Path("/p/a/notes"), Path("/p/pytest.ini"), Path("/p")))
    torchnotes_paths = a/notes in pytest.ini
    >>> print(ini_line(Path("/p/notes"), None, Path("/p")))
    torchnotes_paths = ["notes"] in [tool.pytest.ini_options] of a pyproject.toml
    """
    base = inipath.parent if inipath is not None else rootpath
    try:
        relative = Path(os.path.relpath(folder, base)).as_posix()
    except ValueError:  # another drive
        relative = folder.as_posix()
    if inipath is None:
        return f'torchnotes_paths = ["{relative}"] in [tool.pytest.ini_options] of a pyproject.toml'
    if inipath.suffix == ".toml":
        section = "[tool.pytest]" if _native_toml(inipath) else "[tool.pytest.ini_options]"
        return f'torchnotes_paths = ["{relative}"] in {section} of {inipath.name}'
    return f"torchnotes_paths = {relative} in {inipath.name}"


def _native_toml(inipath: Path) -> bool:
    """Whether the file configures pytest in a ``[tool.pytest]`` table (pytest 9), not in
    ``[tool.pytest.ini_options]``."""
    try:
        text = inipath.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "[tool.pytest.ini_options]" not in text and "[tool.pytest]" in text


def uncollected_hints(
    arguments: Sequence[str],
    start: Path,
    collected: Iterable[Path],
    roots: Sequence[Path],
    patterns: Sequence[str],
    skipped: Sequence[str],
    inipath: Path | None,
    rootpath: Path,
) -> list[str]:
    """One line for each folder named in ``arguments`` that holds notes none of which
    ``collected`` (the notes this run collected) is under, and that neither is in nor holds
    one of ``roots`` (``torchnotes_paths``: its notes may be deselected, not left out)."""
    lines = []
    collected = list(collected)
    for argument in arguments:
        folder = _argument_path(argument, start)
        if "::" in argument or not folder.is_dir() or _under_any(collected, folder):
            continue
        if _under(folder, roots) or _under_any(roots, folder):
            continue
        count = count_notes(folder, patterns, skipped)
        if not count:
            continue
        command = f"pytest --torchnotes {shlex.quote(argument)}"
        notes = "a Markdown note" if count == 1 else f"{count} Markdown notes"
        lines.append(
            f"torchnotes: {argument} holds {notes}, not collected (collecting notes is opt-in): "
            f"run `{command}`, or set {ini_line(folder, inipath, rootpath)}"
        )
    return lines


def _under_any(paths: Iterable[Path], folder: Path) -> bool:
    return any(folder == path or folder in path.parents for path in paths)
