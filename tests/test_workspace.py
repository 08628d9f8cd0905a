"""The scratch copy of a note folder, and the audit hook that guards the repository."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_torchnotes.run import writeguard
from pytest_torchnotes.run.workspace import Workspace, clone_file, scan, too_big

BIG = 3 << 20  # over the 1 MiB that used to be linked instead of copied


def tree(root: Path) -> dict[str, str]:
    """Every entry under ``root``: a folder as ``/``, a file as the hash of its bytes."""
    found = {}
    for folder, folders, files in os.walk(root):
        for name in folders:
            found[os.path.relpath(os.path.join(folder, name), root)] = "/"
        for name in files:
            data = Path(folder, name).read_bytes()
            found[os.path.relpath(os.path.join(folder, name), root)] = hashlib.sha256(
                data
            ).hexdigest()
    return found


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "chapter"
    (folder / "data" / "deep" / "er").mkdir(parents=True)
    (folder / "runs").mkdir()
    (folder / "small.txt").write_text("small\n")
    (folder / "big.bin").write_bytes(os.urandom(BIG))
    (folder / "data" / "labels.csv").write_text("a,b\n1,2\n")
    (folder / "data" / "deep" / "er" / "weights.bin").write_bytes(os.urandom(BIG))
    (folder / "runs" / "log.txt").write_text("epoch 1\n")
    return folder


@pytest.fixture
def workspace(tmp_path: Path, folder: Path) -> Workspace:
    root = tmp_path / "scratch"
    root.mkdir()
    return Workspace(root, folder, sorted(folder.iterdir()))


def test_the_copy_holds_what_the_folder_holds_and_links_nothing(
    folder: Path, workspace: Workspace
) -> None:
    assert tree(workspace.path) == tree(folder)
    for path in workspace.path.rglob("*"):
        assert not path.is_symlink()
        if path.is_file():
            assert path.stat().st_nlink == 1
            assert not path.samefile(folder / path.relative_to(workspace.path))


CHANGES = {
    "write": lambda p: (p / "small.txt").write_text("overwritten"),
    "append": lambda p: _write(p / "big.bin", "ab", b"more"),
    "truncate": lambda p: os.truncate(p / "data" / "deep" / "er" / "weights.bin", 10),
    "write in place": lambda p: _write(p / "big.bin", "r+b", b"x"),
    "delete": lambda p: (p / "data" / "labels.csv").unlink(),
    "rename": lambda p: (p / "data" / "deep").rename(p / "moved"),
    "replace": lambda p: os.replace(p / "small.txt", p / "big.bin"),
    "rmtree": lambda p: shutil.rmtree(p / "data"),
    "new file": lambda p: (p / "data" / "deep" / "new.txt").write_text("new"),
    "new folder": lambda p: (p / "runs" / "2" / "x").mkdir(parents=True),
    "chmod": lambda p: os.chmod(p / "small.txt", 0o600),
    "read-only folder": lambda p: os.chmod(p / "runs", 0o500),
    "same size, same time": lambda p: _same_size_same_time(p / "small.txt"),
    "replace a file by a folder": lambda p: _file_to_folder(p / "small.txt"),
}


def _write(path: Path, mode: str, data: bytes) -> None:
    with path.open(mode) as handle:
        handle.write(data)


def _same_size_same_time(path: Path) -> None:
    info = path.stat()
    path.write_text("SMALL\n")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def _file_to_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_leaving_undoes_each_change(folder: Path, workspace: Workspace, change: str) -> None:
    before = tree(folder)
    path = workspace.path
    CHANGES[change](path)
    workspace.leave()
    assert workspace.path == path  # repaired, not made again
    assert tree(path) == before
    assert tree(folder) == before


def test_leaving_copies_again_only_what_changed(workspace: Workspace) -> None:
    kept = workspace.path / "data" / "deep" / "er" / "weights.bin"
    inode = kept.stat().st_ino
    (workspace.path / "big.bin").write_bytes(b"changed")
    workspace.leave()
    assert kept.stat().st_ino == inode
    assert (workspace.path / "big.bin").stat().st_size == BIG


def test_a_copy_made_unreadable_is_made_again(folder: Path, workspace: Workspace) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any folder")
    first = workspace.path
    os.chmod(first / "data" / "deep", 0)
    workspace.leave()
    assert tree(workspace.path) == tree(folder)
    assert not first.exists()


@settings(max_examples=30)
@given(st.lists(st.sampled_from(sorted(CHANGES)), min_size=1, max_size=4))
def test_any_sequence_of_changes_is_undone(
    tmp_path_factory: pytest.TempPathFactory, changes: list[str]
) -> None:
    base = tmp_path_factory.mktemp("sequence")
    folder = base / "chapter"
    (folder / "data" / "deep" / "er").mkdir(parents=True)
    (folder / "runs").mkdir()
    (folder / "small.txt").write_text("small\n")
    (folder / "big.bin").write_bytes(b"b" * 5000)
    (folder / "data" / "labels.csv").write_text("a,b\n")
    (folder / "data" / "deep" / "er" / "weights.bin").write_bytes(b"w" * 5000)
    (folder / "runs" / "log.txt").write_text("epoch 1\n")
    before = tree(folder)
    workspace = Workspace(base, folder, sorted(folder.iterdir()))
    for change in changes:
        with contextlib.suppress(OSError):  # an earlier change took away what this one changes
            CHANGES[change](workspace.path)
        workspace.leave()
        assert tree(workspace.path) == before
    assert tree(folder) == before
    workspace.remove()
    assert not workspace.path.exists()


def test_extra_entries_are_there_for_one_note(tmp_path: Path, folder: Path) -> None:
    other = tmp_path / "chapter" / "other.md"
    other.write_text("# other\n")
    workspace = Workspace(tmp_path, folder, [folder / "small.txt"])
    path = workspace.enter([folder / "small.txt", other])
    assert (path / "other.md").read_text() == "# other\n"
    (path / "other.md").write_text("changed")
    workspace.leave()
    assert sorted(os.listdir(workspace.path)) == ["small.txt"]
    assert other.read_text() == "# other\n"


def test_links_in_the_folder_are_copied_and_loops_end(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("outside")
    folder = tmp_path / "chapter"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (tmp_path / "scratch").mkdir()
    workspace = Workspace(tmp_path / "scratch", folder, sorted(folder.iterdir()))
    copied = workspace.path / "link.txt"
    assert not copied.is_symlink()
    assert copied.read_text() == "outside"
    copied.write_text("changed")
    workspace.leave()
    assert outside.read_text() == "outside"
    assert (workspace.path / "loop" / "link.txt").read_text() == "outside"
    assert not (workspace.path / "loop" / "loop").exists()


def test_clone_file_keeps_bytes_mode_and_time(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.write_bytes(os.urandom(BIG + 7))
    os.chmod(source, 0o640)
    target = tmp_path / "target"
    clone_file(str(source), str(target))
    assert target.read_bytes() == source.read_bytes()
    assert target.stat().st_mode == source.stat().st_mode
    assert target.stat().st_mtime_ns == source.stat().st_mtime_ns
    assert target.stat().st_ino != source.stat().st_ino


def test_clone_file_copies_where_the_kernel_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> int:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refuse, raising=False)
    source = tmp_path / "source"
    source.write_bytes(os.urandom(100_000))
    clone_file(str(source), str(tmp_path / "target"))
    assert (tmp_path / "target").read_bytes() == source.read_bytes()


def test_too_big_counts_bytes_and_files(folder: Path) -> None:
    entries = sorted(folder.iterdir())
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    assert not too_big(entries, size, 5)
    assert too_big(entries, size - 1, 5)
    assert too_big(entries, size, 4)


def test_scan_sees_a_rewrite_that_keeps_size_and_time(folder: Path) -> None:
    before = scan(folder)
    _same_size_same_time(folder / "small.txt")
    assert scan(folder) != before


# The audit hook, in this process: installed once, inert outside ``refusing``.


@pytest.fixture
def guarded(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "notes" / "sub").mkdir(parents=True)
    (repo / "notes" / "data.txt").write_text("original")
    (repo / "scratch").mkdir()
    return repo


WRITES = {
    "open w": lambda p: open(p / "notes" / "data.txt", "w"),  # noqa: SIM115
    "open a": lambda p: open(p / "notes" / "data.txt", "a"),  # noqa: SIM115
    "open r+": lambda p: open(p / "notes" / "data.txt", "r+"),  # noqa: SIM115
    "open x": lambda p: open(p / "notes" / "new.txt", "x"),  # noqa: SIM115
    "os.open": lambda p: os.open(p / "notes" / "data.txt", os.O_WRONLY),
    "remove": lambda p: os.remove(p / "notes" / "data.txt"),
    "unlink": lambda p: (p / "notes" / "data.txt").unlink(),
    "rename out": lambda p: os.rename(p / "notes" / "data.txt", p / "scratch" / "x"),
    "rename in": lambda p: os.rename(p / "scratch" / "x", p / "notes" / "x"),
    "replace": lambda p: os.replace(p / "scratch" / "x", p / "notes" / "data.txt"),
    "truncate": lambda p: os.truncate(p / "notes" / "data.txt", 0),
    "rmtree": lambda p: shutil.rmtree(p / "notes" / "sub"),
    "rmtree with slash": lambda p: shutil.rmtree(f"{p}/notes/sub/"),
    "rmdir": lambda p: os.rmdir(p / "notes" / "sub"),
    "mkdir": lambda p: os.mkdir(p / "notes" / "new"),
    "chmod": lambda p: os.chmod(p / "notes" / "data.txt", 0o777),
    "symlink": lambda p: os.symlink("/etc/passwd", p / "notes" / "link"),
    "link": lambda p: os.link(p / "scratch" / "x", p / "notes" / "link"),
    "dotdot": lambda p: open(p / "scratch" / ".." / "notes" / "data.txt", "w"),  # noqa: SIM115
    "bytes path": lambda p: open(os.fsencode(p / "notes" / "data.txt"), "wb"),  # noqa: SIM115
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_writes_into_the_protected_folder_are_refused(guarded: Path, write: str) -> None:
    (guarded / "scratch" / "x").write_text("scratch")
    before = tree(guarded / "notes")
    rule = writeguard.rule_for([guarded], [guarded / "scratch"])
    with writeguard.refusing(rule), pytest.raises(PermissionError) as caught:
        WRITES[write](guarded)
    assert "notes run in a scratch copy" in str(caught.value)
    assert str(guarded / "notes") in str(caught.value.filename)
    assert tree(guarded / "notes") == before


def test_reads_and_scratch_writes_pass_and_the_hook_is_inert_afterwards(guarded: Path) -> None:
    rule = writeguard.rule_for([guarded], [guarded / "scratch"])
    with writeguard.refusing(rule):
        assert (guarded / "notes" / "data.txt").read_text() == "original"
        (guarded / "scratch" / "out.txt").write_text("fine")
        os.rename(guarded / "scratch" / "out.txt", guarded / "scratch" / "moved.txt")
        with open(os.open(guarded / "notes" / "data.txt", os.O_RDONLY)) as handle:
            assert handle.read() == "original"
    (guarded / "notes" / "data.txt").write_text("after the note")
    assert (guarded / "notes" / "data.txt").read_text() == "after the note"


def test_relative_paths_resolve_against_the_working_directory(
    guarded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(guarded / "scratch")
    rule = writeguard.rule_for([guarded], [guarded / "scratch"])
    with writeguard.refusing(rule):
        Path("here.txt").write_text("scratch")
        with pytest.raises(PermissionError):
            Path("../notes/data.txt").write_text("through ..")
    assert (guarded / "notes" / "data.txt").read_text() == "original"


def test_a_link_from_the_scratch_into_the_repository_is_refused(guarded: Path) -> None:
    (guarded / "scratch" / "link").symlink_to(guarded / "notes" / "data.txt")
    rule = writeguard.rule_for([guarded], [guarded / "scratch"])
    with writeguard.refusing(rule), pytest.raises(PermissionError):
        (guarded / "scratch" / "link").write_text("through a link")


def test_a_rootdir_holding_the_home_folder_is_not_guarded(
    guarded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(guarded / "notes" / "sub"))
    rule = writeguard.rule_for([guarded, guarded / "notes" / "sub" / "x"], [])
    assert rule.protected == (os.path.realpath(guarded / "notes" / "sub" / "x"),)
    monkeypatch.setenv("HOME", "/nonexistent-home")
    rule = writeguard.rule_for([guarded / "notes"], [guarded, guarded / "scratch"])
    assert rule.protected == (os.path.realpath(guarded / "notes"),)
    # a temporary folder holding the notes lets nothing into them; one beside them does
    assert rule.refuses(os.path.realpath(guarded / "notes" / "x"))
    assert not rule.refuses(os.path.realpath(guarded / "scratch" / "x"))
    assert not rule.refuses(os.path.realpath(guarded / "elsewhere"))


def test_a_temporary_folder_that_is_the_project_root_takes_temporary_files(
    guarded: Path,
) -> None:
    # TMPDIR set to the project's root (its rootdir): tempfile and multiprocessing make
    # their files and folders there (DataLoader workers hung without them); the notes'
    # folder inside it stays protected.
    rule = writeguard.rule_for([guarded, guarded / "notes"], [guarded / "scratch", guarded])
    before = tree(guarded / "notes")
    with writeguard.refusing(rule):
        made = tempfile.mkdtemp(dir=guarded)
        with tempfile.NamedTemporaryFile(dir=made) as handle:
            handle.write(b"temporary")
        shutil.rmtree(made)
        with pytest.raises(PermissionError):
            (guarded / "notes" / "data.txt").write_text("changed")
    assert tree(guarded / "notes") == before


def test_a_folder_with_too_many_files_or_bytes_is_not_copied_whole(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_torchnotes.run import folders, workspace

    def is_note(path: Path) -> bool:
        return path.suffix == ".md"

    assert folders.base_entries(folders.Folder.read(folder, is_note))
    monkeypatch.setattr(workspace, "COPY_ALL_FILES", 4)
    assert folders.base_entries(folders.Folder.read(folder, is_note)) == ()
    monkeypatch.setattr(workspace, "COPY_ALL_FILES", 100)
    monkeypatch.setattr(workspace, "COPY_ALL_LIMIT", BIG)
    assert folders.base_entries(folders.Folder.read(folder, is_note)) == ()


def test_a_copy_that_cannot_be_read_back_is_made_again(
    folder: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_torchnotes.run import workspace as module

    real_scan = module.scan

    def unreadable(root: Path) -> dict[tuple[str, ...], tuple[int, ...]]:
        monkeypatch.setattr(module, "scan", real_scan)
        raise PermissionError(13, "Permission denied", str(root))

    first = workspace.path
    (first / "small.txt").write_text("changed")
    monkeypatch.setattr(module, "scan", unreadable)
    workspace.leave()
    assert workspace.path != first
    assert not first.exists()
    assert tree(workspace.path) == tree(folder)


def test_pipes_in_the_folder_are_left_out(tmp_path: Path, folder: Path) -> None:
    os.mkfifo(folder / "pipe")
    workspace = Workspace(tmp_path, folder, sorted(folder.iterdir()))
    assert not (workspace.path / "pipe").exists()
    assert (workspace.path / "small.txt").exists()


def test_an_unnamed_temporary_file_in_a_protected_folder_passes(guarded: Path) -> None:
    # tempfile.TemporaryFile opens the folder with O_TMPFILE: nothing appears in it. The
    # session's own capture of fd 1 makes its files so, also where TMPDIR is in the project.
    rule = writeguard.rule_for([guarded], [guarded / "scratch"])
    before = tree(guarded / "notes")
    with writeguard.refusing(rule):
        with tempfile.TemporaryFile(dir=guarded / "notes") as handle:
            handle.write(b"unnamed")
        with pytest.raises(PermissionError):
            tempfile.NamedTemporaryFile(dir=guarded / "notes")  # noqa: SIM115
    assert tree(guarded / "notes") == before


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(
        st.from_regex(r"[a-z]{1,3}(\.[a-z]{1,2}){0,2}", fullmatch=True), min_size=1, max_size=6
    ),
    data=st.data(),
    crowded=st.booleans(),
)
def test_beside_finds_the_entries_that_every_word_of_the_code_finds(
    names: list[str], data: st.DataObject, crowded: bool
) -> None:
    """Whether the code holds the suffix (or the name) of an entry decides nothing that
    reading every word of it would decide otherwise."""
    from pytest_torchnotes.run.folders import FILE_WORD, Folder, base_entries, beside

    words = st.one_of(st.sampled_from(names), st.text(alphabet="abc.xy-_", max_size=4))
    code = data.draw(
        st.lists(st.tuples(words, st.sampled_from([" ", "\n", "(", "'", "/"])), max_size=6).map(
            lambda pairs: "".join(word + gap for word, gap in pairs)
        )
    )
    entries = {name: Path("/folder") / name for name in names}
    others = tuple(entry for entry in entries.values() if not entry.name.endswith(".md"))
    folder = Folder(entries, others, crowded)
    note = Path("/folder/note.md")
    named = [entries[name] for name in sorted(set(FILE_WORD.findall(code)) & entries.keys())]
    base = [entry for entry in base_entries(folder) if entry.name != note.name]
    assert beside(note, folder, code) == base + [entry for entry in named if entry not in base]


def test_a_folder_of_many_kinds_of_entries_reads_every_word_of_the_code() -> None:
    from pytest_torchnotes.run.folders import MARKS_LIMIT, Folder, beside

    entries = {f"dir{n}": Path(f"/folder/dir{n}") for n in range(MARKS_LIMIT + 1)}
    folder = Folder(entries, (), crowded=True)
    assert folder.marks is None
    assert beside(Path("/folder/note.md"), folder, "open('dir3/x')") == [entries["dir3"]]
