"""Writers the audit hook sees without a path argument (SQLite, unix sockets) or not at all
(named pipes, device nodes, torch's C++ writers) are refused under the protected folders,
and write anywhere else; the wrappers come off after the note."""

from __future__ import annotations

import contextlib
import doctest
import os
import socket
import sqlite3
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import torch
import torch.package
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run import namedpaths, unaudited, writeguard
from pytest_torchnotes.run.wrapping import Wrapping


def _plus_one(x: torch.Tensor) -> torch.Tensor:
    return x + 1


with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit's
    _plus_one = torch.jit.script(_plus_one)


def _script() -> Any:
    return torch.jit.script(torch.nn.Linear(2, 2))


def _sqlite(path: str, **options: Any) -> None:
    with contextlib.closing(sqlite3.connect(path, **options)) as connection:
        connection.execute("create table t (x)")


def _bind(path: str) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(os.path.relpath(path))  # a socket's path holds at most 107 bytes


#: Each writer, given the path it writes.
WRITERS: dict[str, Callable[[str], object]] = {
    "os.mkfifo": lambda p: os.mkfifo(p),  # looked up as the note would, once wrapped
    "posix.mkfifo": lambda p: __import__(os.name).mkfifo(p),
    "os.mknod": lambda p: os.mknod(p),
    "os.mknod path=": lambda p: os.mknod(path=p),
    "sqlite3.connect": _sqlite,
    "sqlite3.connect Path": lambda p: _sqlite(Path(p)),  # type: ignore[arg-type]
    "sqlite3.connect bytes": lambda p: _sqlite(os.fsencode(p)),  # type: ignore[arg-type]
    "sqlite3.connect file: URI": lambda p: _sqlite(f"file:{quote(p)}?mode=rwc", uri=True),
    "sqlite3.connect file:// URI": lambda p: _sqlite(
        f"file://localhost{quote(os.path.abspath(p))}", uri=True
    ),
    "socket.bind": _bind,
    "torch.save": lambda p: torch.save(torch.ones(1), p),
    "torch.save Path": lambda p: torch.save(torch.ones(1), Path(p)),
    "torch.jit.save": lambda p: torch.jit.save(_script(), p),
    "ScriptModule.save": lambda p: _script().save(p),
    "ScriptFunction.save": lambda p: torch.jit.save(_plus_one, p),
    "_save_for_lite_interpreter": lambda p: _script()._save_for_lite_interpreter(p),
    "save_jit_module_to_flatbuffer": lambda p: torch.jit.save_jit_module_to_flatbuffer(
        _script(), p
    ),
    "torch.package": lambda p: torch.package.PackageExporter(p).close(),
    "_save_parameters": lambda p: torch._C._save_parameters({"w": torch.ones(1)}, p, False),
    "torch.from_file shared": lambda p: torch.from_file(p, shared=True, size=2).fill_(1),
    "UntypedStorage.from_file shared": lambda p: torch.UntypedStorage.from_file(p, True, 8),
    "TypedStorage.from_file shared": lambda p: torch.FloatStorage.from_file(p, True, 2),
    "os.link from": lambda p: os.link(_made(p), "linked"),
    "profiler export_chrome_trace": lambda p: _profiled().export_chrome_trace(p),
    "ExecutionTraceObserver": lambda p: _observed(p),
    "torch._lazy.ir_cache.dump": lambda p: __import__("torch._lazy.ir_cache")._lazy.ir_cache.dump(
        p
    ),
}


def _observed(path: str) -> None:
    observer = torch.profiler.ExecutionTraceObserver()
    observer.register_callback(path)
    observer.unregister_callback()


def _profiled() -> Any:
    with torch.profiler.profile() as profiler:
        torch.ones(2).add(1)
    return profiler


def _made(path: str) -> str:
    """``path``, made as a file the note did not write (a file of the repository)."""
    with writeguard.refusing(writeguard.Rule((), ())):
        Path(path).write_text("the repository's")
    return path


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A protected ``repo`` beside the ``scratch`` folder the code runs in, with the
    writers wrapped and the rule in force."""
    (tmp_path / "repo").mkdir()
    (tmp_path / "scratch").mkdir()
    monkeypatch.chdir(tmp_path / "scratch")
    rule = writeguard.rule_for([tmp_path / "repo"], [tmp_path / "scratch"])
    writers = unaudited.UnauditedWriters()
    writers.start()
    try:
        with writeguard.refusing(rule), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit's
            warnings.filterwarnings("ignore", "TypedStorage is deprecated")
            yield tmp_path / "repo"
    finally:
        assert writers.restore() == []


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_writer_is_refused_under_the_repository(repo: Path, writer: str) -> None:
    target = repo / "written"
    with pytest.raises(PermissionError) as caught:
        WRITERS[writer](str(target))
    assert caught.value.errno == 13
    assert caught.value.strerror == writeguard.REFUSED
    assert caught.value.filename == os.path.realpath(target)
    assert os.listdir(repo) == ([] if writer != "os.link from" else ["written"])
    assert not os.path.lexists("linked")


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_writer_writes_a_relative_path_and_the_scratch_folder(repo: Path, writer: str) -> None:
    WRITERS[writer]("written")
    if writer == "os.link from":
        os.remove("linked")
    WRITERS[writer](str(repo.parent / "scratch" / "again"))
    assert sorted(os.listdir()) == sorted(
        ["again", "written"] + ["linked"] * (writer == "os.link from")
    )
    assert os.listdir(repo) == []


def test_outside_the_rule_the_wrapped_writers_write_anywhere(tmp_path: Path) -> None:
    writers = unaudited.UnauditedWriters()
    writers.start()
    try:
        torch.save(torch.ones(1), tmp_path / "a.pt")
        os.mkfifo(tmp_path / "fifo")
    finally:
        writers.restore()
    assert sorted(os.listdir(tmp_path)) == ["a.pt", "fifo"]


@pytest.mark.parametrize(
    "database",
    [
        ":memory:",
        "",
        "file::memory:?cache=shared",
        "file:REPO/x.db?mode=ro",
        "file:REPO/x.db?immutable=1",
        "file:REPO/x.db?mode=memory",
    ],
)
def test_databases_that_write_no_file_under_the_repository_pass(repo: Path, database: str) -> None:
    with writeguard.refusing(writeguard.Rule((), ())):
        (repo / "x.db").write_bytes(b"")
    with contextlib.closing(sqlite3.connect(database.replace("REPO", str(repo)), uri=True)):
        pass
    assert os.listdir(repo) == ["x.db"]
    assert (repo / "x.db").read_bytes() == b""


def test_a_repository_file_mapped_privately_is_read(repo: Path) -> None:
    _made(str(repo / "x.bin"))
    size = (repo / "x.bin").stat().st_size
    assert torch.from_file(str(repo / "x.bin"), shared=False, size=size, dtype=torch.uint8)[
        0
    ] == ord("t")
    assert torch.UntypedStorage.from_file(str(repo / "x.bin"), False, size)[0] == ord("t")
    assert (repo / "x.bin").read_text() == "the repository's"


#: Each change of a repository file through a descriptor the note opened to read it.
THROUGH_DESCRIPTOR: dict[str, Callable[[int], object]] = {
    "os.chmod": lambda fd: os.chmod(fd, 0o777),
    "os.fchmod": lambda fd: os.fchmod(fd, 0o777),
    "os.utime": lambda fd: os.utime(fd, (0, 0)),
    "os.setxattr": lambda fd: os.setxattr(fd, "user.torchnotes", b"x"),
}


@pytest.mark.parametrize("change", sorted(THROUGH_DESCRIPTOR))
def test_a_change_through_a_descriptor_of_a_repository_file_is_refused(
    repo: Path, change: str
) -> None:
    before = os.stat(_made(str(repo / "x.txt")))
    fd = os.open(repo / "x.txt", os.O_RDONLY)
    try:
        with pytest.raises(PermissionError) as caught:
            THROUGH_DESCRIPTOR[change](fd)
    finally:
        os.close(fd)
    assert caught.value.filename == os.path.realpath(repo / "x.txt")
    after = os.stat(repo / "x.txt")
    assert (after.st_mode, after.st_mtime_ns) == (before.st_mode, before.st_mtime_ns)
    with open("mine.txt", "w") as handle:  # a scratch file's descriptor: changed
        THROUGH_DESCRIPTOR[change](handle.fileno())


def test_an_abstract_unix_socket_and_an_inet_socket_pass(repo: Path) -> None:
    with socket.socket(socket.AF_UNIX) as unix, socket.socket() as inet:
        unix.bind(f"\0torchnotes-{os.getpid()}".encode())
        inet.bind(("127.0.0.1", 0))


@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), min_size=1))
def test_a_file_uri_names_the_path_it_quotes(name: str) -> None:
    path = "/repo/" + name
    assert namedpaths.database_paths(f"file:{quote(path)}?mode=rwc")[1:] == (path,)
    if not name.startswith("file:") and name != ":memory:":
        assert namedpaths.database_paths(name) == (name,)


def test_the_examples_of_namedpaths_hold() -> None:
    assert doctest.testmod(namedpaths).failed == 0


class Owner:
    @staticmethod
    def shout(text: str) -> str:
        return text.upper()


class Child(Owner):
    pass


def test_wrapping_puts_back_each_original_even_one_the_note_rebound() -> None:
    wrapping = Wrapping()
    stored, shout = vars(Owner)["shout"], Owner.shout
    assert wrapping.wrap(Owner, "shout", lambda f: lambda text: f(text) + "!") is shout
    assert Owner.shout("a") == "A!"
    wrapping.wrap(Child, "shout", lambda f: lambda text: f(text) + "?")  # inherited
    assert Child().shout("d") == "D!?"  # a static method too
    assert wrapping.wrap(Owner, "missing", lambda f: f) is None
    assert wrapping.wrap(os, "sep", lambda f: f) is None  # not a function
    assert wrapping.wrap(int, "bit_length", lambda f: print) is None  # will not take another
    assert (5).bit_length() == 3
    assert Owner().shout("c") == "C!"  # still a static method
    Owner.shout = print  # type: ignore[method-assign, assignment]
    wrapping.unwrap()
    assert vars(Owner)["shout"] is stored
    assert "shout" not in vars(Child)
    assert Child.shout("b") == "B"
    wrapping.unwrap()  # once is enough
    assert vars(Owner)["shout"] is stored


def _beside(repo: Path) -> int:
    """A descriptor of the repository's folder, as a note may open one to read it."""
    return os.open(repo, os.O_RDONLY)


#: Each change given a path relative to a descriptor of a folder (``dir_fd``).
AT_FOLDER: dict[str, Callable[[str, int], object]] = {
    "os.open": lambda p, fd: os.close(os.open(p, os.O_WRONLY | os.O_CREAT, dir_fd=fd)),
    "open opener": lambda p, fd: open(
        p, "w", opener=lambda name, flags: os.open(name, flags, dir_fd=fd)
    ).close(),
    "os.mkdir": lambda p, fd: os.mkdir(p, dir_fd=fd),
    "os.mkfifo": lambda p, fd: os.mkfifo(p, dir_fd=fd),
    "os.mknod": lambda p, fd: os.mknod(p, dir_fd=fd),
    "os.symlink": lambda p, fd: os.symlink("/", p, dir_fd=fd),
    "os.rename": lambda p, fd: os.rename("moved", p, dst_dir_fd=fd),
    "os.link": lambda p, fd: os.link("moved", p, dst_dir_fd=fd),
}


@pytest.mark.parametrize("change", sorted(AT_FOLDER))
def test_a_path_relative_to_a_repository_folder_s_descriptor_is_refused(
    repo: Path, change: str
) -> None:
    Path("moved").write_text("scratch")
    fd = _beside(repo)
    try:
        with pytest.raises(PermissionError) as caught:
            AT_FOLDER[change]("written", fd)
        assert caught.value.filename == os.path.realpath(repo / "written")
        scratch = os.open(".", os.O_RDONLY)
        try:
            AT_FOLDER[change]("written", scratch)  # the scratch folder's: written there
        finally:
            os.close(scratch)
    finally:
        os.close(fd)
    assert os.listdir(repo) == []
    assert os.path.lexists("written")


#: Each change of what a folder holds, given the folder's descriptor.
IN_FOLDER: dict[str, Callable[[int], object]] = {
    "os.remove": lambda fd: os.remove("data.txt", dir_fd=fd),
    "os.rmdir": lambda fd: os.rmdir("sub", dir_fd=fd),
    "os.chmod": lambda fd: os.chmod("data.txt", 0o777, dir_fd=fd),
    "os.utime": lambda fd: os.utime("data.txt", dir_fd=fd),
    "os.rename": lambda fd: os.rename("data.txt", "other.txt", src_dir_fd=fd, dst_dir_fd=fd),
}


@pytest.mark.parametrize("change", sorted(IN_FOLDER))
def test_a_change_of_what_a_repository_folder_s_descriptor_holds_is_refused(
    repo: Path, change: str
) -> None:
    with writeguard.refusing(writeguard.Rule((), ())):
        (repo / "data.txt").write_text("original")
        (repo / "sub").mkdir()
    fd = _beside(repo)
    try:
        with pytest.raises(PermissionError):
            IN_FOLDER[change](fd)
    finally:
        os.close(fd)
    assert sorted(os.listdir(repo)) == ["data.txt", "sub"]


def test_a_descriptor_that_is_not_open_is_left_to_the_call(repo: Path) -> None:
    with pytest.raises(OSError, match="Bad file descriptor"):
        os.chmod(4000, 0o777)
    with pytest.raises(OSError, match="Bad file descriptor"):
        os.mkdir("x", dir_fd=4000)


class _NotAPath:
    def __fspath__(self) -> int:
        return 1


def test_what_names_no_file_names_none() -> None:
    assert namedpaths.database_paths(3) == ()
    assert namedpaths.database_paths(_NotAPath()) == ()  # type: ignore[arg-type]
    assert namedpaths.database_paths("file://elsewhere/x.db") == ("file://elsewhere/x.db",)
    with socket.socket(socket.AF_UNIX) as unix:
        assert namedpaths.socket_paths(unix, 3) == ()
    assert namedpaths.socket_paths(object(), "x") == ()


def test_a_torch_without_a_writer_or_no_torch_at_all_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(unaudited, "TORCH_WRITERS", (("_C.Missing", "save", 1, "f"),))
    monkeypatch.setattr(unaudited, "TORCH_MAPPED", (("missing", "from_file", 0, "f", 1, "s"),))
    save, from_file = vars(torch._C.ScriptModule)["save"], torch.from_file
    # A session of the Sybil entry point run earlier in this process may hold the session's
    # wrappers still (its runner closes at exit): these wrap around them.
    mkfifo = os.mkfifo
    writers = unaudited.UnauditedWriters()
    writers.start()
    try:
        assert vars(torch._C.ScriptModule)["save"] is save
        assert torch.from_file is from_file
        assert hasattr(os.mkfifo, "__wrapped__")  # os's are wrapped
    finally:
        writers.restore()
    monkeypatch.delitem(sys.modules, "torch")
    writers.start()
    try:
        assert hasattr(os.mknod, "__wrapped__")
        assert torch.from_file is from_file
    finally:
        writers.restore()
    assert os.mkfifo is mkfifo


@pytest.mark.parametrize("home", ["{tmp}/home", "{tmp}/home/", "{tmp}//home", "{tmp}/link"])
def test_the_home_folder_is_left_out_as_path_home_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: str
) -> None:
    (tmp_path / "home" / "notes").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "home")
    monkeypatch.setenv("HOME", home.format(tmp=tmp_path))
    protected, allowed = (tmp_path, tmp_path / "home" / "notes"), (tmp_path / "scratch",)
    rule = writeguard.rule_for(protected, allowed)
    assert rule == writeguard._rule_for(
        tuple(map(str, protected)), tuple(map(str, allowed)), os.fspath(Path.home())
    )
    assert rule.protected == (str(tmp_path / "home" / "notes"),)  # the home's parent left out


def test_the_session_writers_stay_wrapped_are_wrapped_again_when_replaced_and_go_at_release(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A session of the Sybil entry point run earlier in this process may hold the session's
    # wrappers still (its runner closes at exit): these are another session's, around them.
    monkeypatch.setattr(unaudited, "_session", None)
    monkeypatch.setattr(unaudited, "_holders", set())
    mkfifo, save = os.mkfifo, vars(torch._C.ScriptModule)["save"]
    first, second = object(), object()
    writers = unaudited.session_writers(first)
    wrapper = os.mkfifo
    assert hasattr(wrapper, "__wrapped__")
    assert unaudited.session_writers(second) is writers
    assert os.mkfifo is wrapper  # not wrapped again
    os.mkfifo = print  # a note binds another function to the name
    assert unaudited.session_writers(first) is writers
    assert hasattr(os.mkfifo, "__wrapped__")
    assert os.mkfifo.__wrapped__ is mkfifo  # around the original, not the note's
    with pytest.MonkeyPatch.context() as without_torch:
        without_torch.delitem(sys.modules, "torch")  # another torch: wrapped around it
        unaudited.session_writers(first)
        assert vars(torch._C.ScriptModule)["save"] is save
    unaudited.session_writers(first)
    assert vars(torch._C.ScriptModule)["save"] is not save
    unaudited.release(first)
    assert hasattr(os.mkfifo, "__wrapped__")  # the other session holds them still
    unaudited.release(second)
    assert os.mkfifo is mkfifo
    assert vars(torch._C.ScriptModule)["save"] is save
