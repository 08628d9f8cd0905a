"""End to end: writers that the audit hook does not see, or sees without a path argument
(named pipes and device nodes, SQLite databases, unix sockets, torch's C++ writers), are
refused under the repository at the note's line, and write into the scratch copy given a
relative path."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import WriteNote, block_counts
from tests.test_workspace import tree

#: What every block below imports.
IMPORTS = "import os, socket, sqlite3, torch\n"

#: Each writer: the statement that writes ``PATH``, and what printing it leaves shows.
WRITERS = {
    "os.mkfifo": ("os.mkfifo(PATH)", "print(os.path.exists(PATH))", "True"),
    "os.mknod": ("os.mknod(PATH)", "print(os.path.isfile(PATH))", "True"),
    "os.open dir_fd": (
        "folder = os.open(os.path.dirname(os.path.abspath(PATH)), os.O_RDONLY)\n"
        "os.close(os.open(os.path.basename(PATH), os.O_WRONLY | os.O_CREAT, dir_fd=folder))",
        "print(os.path.isfile(PATH))",
        "True",
    ),
    "sqlite3.connect": (
        "sqlite3.connect(PATH).execute('create table t (x)')",
        "print(os.path.getsize(PATH) > 0)",
        "True",
    ),
    "sqlite3.connect file: URI": (
        "sqlite3.connect('file:' + PATH + '?mode=rwc', uri=True).execute('create table t (x)')",
        "print(os.path.getsize(PATH) > 0)",
        "True",
    ),
    "socket.bind AF_UNIX": (
        "socket.socket(socket.AF_UNIX).bind(PATH)",
        "print(os.path.exists(PATH))",
        "True",
    ),
    "torch.save": (
        "torch.save(torch.ones(2), PATH)",
        "print(torch.load(PATH))",
        "tensor([1., 1.])",
    ),
    "torch.from_file shared": (
        "torch.from_file(PATH, shared=True, size=2).fill_(1)",
        "print(os.path.getsize(PATH))",
        "8",
    ),
    "torch.jit.save": (
        "torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), PATH)",
        "print(type(torch.jit.load(PATH)).__name__)",
        "RecursiveScriptModule",
    ),
    "ScriptModule.save": (
        "torch.jit.script(torch.nn.Linear(2, 2)).save(PATH)",
        "print(type(torch.jit.load(PATH)).__name__)",
        "RecursiveScriptModule",
    ),
    "torch.export.save": (
        "torch.export.save(torch.export.export(torch.nn.ReLU(), (torch.ones(2),)), PATH)",
        "print(torch.export.load(PATH).module()(-torch.ones(2)))",
        "tensor([0., 0.])",
    ),
}


#: What the notes below change that is put back after them, none of it the wrappers.
NOT_THE_WRAPPERS = ("logger settings", "file descriptor")


def _note(write: str, check: str, expected: str, path: str) -> str:
    """Block 1 writes a relative path (into the scratch copy) and checks it; block 2 writes
    ``path``, an expression (:func:`_lines` says where)."""
    return (
        f"```python\n{IMPORTS}PATH = 'written'\n{write}\n{check}\n=== output ===\n{expected}\n```\n"
        f"\n```python\n{IMPORTS}PATH = {path}\n{write}\n```\n"
    )


def _lines(write: str) -> tuple[int, int]:
    """The line of block 2 and the line of its last statement."""
    statements = write.count("\n") + 1
    return statements + 9, 2 * statements + 11


def _without_basetemp(found: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in found.items() if not name.startswith("basetemp")}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_writer_given_a_repository_path_is_refused_at_its_line(
    pytester: pytest.Pytester, write_note: WriteNote, writer: str
) -> None:
    target = pytester.path / "notes" / "written"
    path = repr(os.path.realpath(target))
    if writer.startswith("socket"):
        # A socket's path holds at most 107 bytes: reach the notes' folder through ``../``
        # from the scratch copy (where the note runs) instead.
        path = f"os.path.relpath({path})"
    write_note(_note(*WRITERS[writer], path))
    block, line = _lines(WRITERS[writer][0])
    before = tree(pytester.path)
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-report=report.json")
    assert not os.path.lexists(target), result.stdout.str()
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"verified": 1, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            f"notes/note.md:{block}: block 2: the block raised PermissionError: [[]Errno 13[]]"
            " refused: notes run in a scratch copy of their folder and may not change the"
            " repository*",
            f'  File "notes/note.md", line {line}, in <module>',
        ]
    )
    report = json.loads((pytester.path / "report.json").read_text())
    # The wrappers are not the note's: nothing is put back but what torch.export changes
    # and the folder's descriptor that os.open dir_fd leaves open.
    (note,) = report["notes"]
    assert [name for name in note["restored"] if not name.startswith(NOT_THE_WRAPPERS)] == []
    after = tree(pytester.path)
    after.pop("report.json")
    assert _without_basetemp(after) == _without_basetemp(before)


def test_in_place_runs_write_where_they_are_told_and_the_originals_are_back(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    import torch

    init, mkfifo = vars(torch._C.PyTorchFileWriter)["__init__"], os.mkfifo
    target = pytester.path / "notes" / "in_place.pt"
    write_note(f"```python\nimport torch\ntorch.save(torch.ones(2), {str(target)!r})\n```\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-isolate-cwd=false")
    result.assert_outcomes(passed=1)
    assert target.stat().st_size > 0
    assert vars(torch._C.PyTorchFileWriter)["__init__"] is init
    assert os.mkfifo is mkfifo


def test_a_note_that_rebinds_a_wrapped_writer_leaves_it_wrapped_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    import torch

    save, mkfifo = vars(torch._C.ScriptModule)["save"], os.mkfifo
    write_note(
        """\
        ```python
        import os, torch
        torch._C.ScriptModule.save = lambda self, path: print("not saved")
        os.mkfifo = print
        ```
        """,
        "a.md",
    )
    target = os.path.realpath(pytester.path / "notes" / "fifo")
    write_note(f"```python\nimport os\nos.mkfifo({target!r})\n```\n", "b.md")
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["notes/b.md:1: block 1: the block raised PermissionError: *"])
    assert not os.path.lexists(target)
    assert vars(torch._C.ScriptModule)["save"] is save
    assert os.mkfifo is mkfifo


def test_a_repository_file_opened_to_be_read_is_neither_changed_nor_linked(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    data = pytester.path / "notes" / "data.txt"
    write_note(
        f"""\
        ```python
        import os
        fd = os.open({os.path.realpath(data)!r}, os.O_RDONLY)
        print(os.read(fd, 3))
        os.chmod(fd, 0o777)
        === output ===
        b'the'
        ```

        ```python
        os.close(fd)
        os.link({os.path.realpath(data)!r}, "linked")
        ```
        """
    )
    data.write_text("the repository's")
    before = tree(pytester.path), data.stat().st_mode
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"failed": 2}
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: the block raised PermissionError: *data.txt' (exception)",
            '  File "notes/note.md", line 5, in <module>',
            "    os.chmod(fd, 0o777)",
            "PermissionError: *",
            "notes/note.md:10: block 2: the block raised PermissionError: *data.txt' (exception)",
            '  File "notes/note.md", line 12, in <module>',
            "    os.link(*",
            "PermissionError: *",
        ]
    )
    assert (_without_basetemp(tree(pytester.path)), data.stat().st_mode) == (
        _without_basetemp(before[0]),
        before[1],
    )


def test_a_note_that_patches_torch_s_writer_classes_is_told_of_its_own_patches_only(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # A computed name makes the guard save every attribute of torch and its classes, and
    # naming the classes makes it save theirs: all of it after the wrappers went on.
    write_note(
        """\
        ```python
        import torch
        attribute = "tag"
        setattr(torch, attribute, 1)
        torch._C.ScriptModule.tag = 1
        torch.UntypedStorage.tag = 1
        torch.save(torch.ones(1), "m.pt")
        torch.jit.script(torch.nn.Linear(1, 1)).save("s.pt")
        print(torch.from_file("m.pt", shared=True, size=1, dtype=torch.uint8).shape)
        === output ===
        torch.Size([1])
        ```
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=1)
    (note,) = json.loads((pytester.path / "report.json").read_text())["notes"]
    # (copyreg caches __slotnames__ on a class the first time it pickles one: not the
    # wrappers, and not a patch of the note's either.)
    restored = [name for name in note["restored"] if not name.endswith(".__slotnames__")]
    assert sorted(restored) == [
        "torch.ScriptModule.tag",
        "torch.storage.UntypedStorage.tag",
        "torch.tag",
    ]


def test_the_writers_are_wrapped_once_for_the_session_and_unwrapped_at_its_end(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    import torch

    save, mkfifo = vars(torch._C.ScriptModule)["save"], os.mkfifo
    # What each note finds wrapped, looked at between items (after each note's item).
    pytester.makeconftest(
        """
        import os, torch

        SEEN = []

        def pytest_runtest_logfinish(nodeid):
            SEEN.append((os.mkfifo, vars(torch._C.ScriptModule)["save"]))

        def pytest_sessionfinish(session):
            wrapped = [hasattr(fifo, "__wrapped__") for fifo, _ in SEEN]
            same = len({(id(fifo), id(save)) for fifo, save in SEEN}) == 1
            print("wrapped between notes:", wrapped, "the same wrappers:", same)
        """
    )
    for name in ("a.md", "b.md", "c.md"):
        write_note("```python\nimport torch\nprint(1)\n=== output ===\n1\n```\n", name)
    result = pytester.runpytest("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["*wrapped between notes: [[]True, True, True[]] the same wrappers: True*"]
    )
    assert vars(torch._C.ScriptModule)["save"] is save
    assert os.mkfifo is mkfifo
