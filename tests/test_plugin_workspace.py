"""End to end: whatever a note writes, the repository is byte-identical afterwards."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import torch

from tests.conftest import WriteNote
from tests.test_workspace import BIG, tree

#: Each block damages the files beside the note in one way, after reading them.
DAMAGE = """\
```python
import os, shutil, pathlib
import torch
print(open("data/deep/er/est/x.csv").read().strip(), os.path.getsize("data/big/weights.bin"))
=== output ===
1,2 BIG
```

```python
open("small.txt", "w").write("overwritten")
open("big.bin", "w").write("overwritten")
open("data/labels.csv", "a").write("appended")
open("data/big/weights.bin", "ab").write(b"appended")
```

```python
os.truncate("data/deep/er/est/x.csv", 0)
with open("big2.bin", "r+b") as handle:
    handle.truncate(10)
pathlib.Path("data/deep/er/est/x.csv").write_text("rewritten")
```

```python
os.remove("small2.txt")
os.unlink("data/labels2.csv")
os.rename("data/deep", "moved")
os.replace("big3.bin", "data/big/weights.bin")
```

```python
shutil.rmtree("runs/")
shutil.rmtree("runs2")
shutil.rmtree("data/big")
```

```python
torch.save(torch.nn.Linear(2, 2), "model.pt")
torch.save({"x": torch.ones(300_000)}, "data/nested/model.pt")
```

```python
for path in ("REAL/small.txt", "REAL/data/../big.bin", "REAL/data/labels.csv"):
    try:
        open(path, "w")
    except PermissionError as error:
        print("scratch copy" in str(error), error.filename == path.replace("data/../", ""))
assert os.path.relpath("REAL/small.txt").startswith("../")
for action in (
    lambda: shutil.rmtree("REAL/runs"),
    lambda: os.remove("REAL/small.txt"),
    lambda: os.rename("big.bin", "REAL/big.bin"),
    lambda: open(os.path.relpath("REAL/small.txt"), "w"),  # ../../..
):
    try:
        action()
    except PermissionError:
        print("refused")
=== output ===
True True
True True
True True
refused
refused
refused
refused
```
"""

#: A later note of the same folder reads what the folder holds, not what the first wrote.
READ_BACK = """\
```python
import os, torch
print(open("small.txt").read().strip(), os.path.getsize("big.bin") == BIG)
print(open("data/labels.csv").read().strip(), open("data/deep/er/est/x.csv").read().strip())
print(sorted(os.listdir(".")))
print(torch.load("model.pt", weights_only=False).shape)
=== output ===
small True
a,b 1,2
['big.bin', 'big2.bin', 'big3.bin', 'data', 'model.pt', 'runs', 'runs2', 'small.txt', 'small2.txt']
torch.Size([3])
```
"""


def make_folder(notes: Path) -> None:
    (notes / "data" / "deep" / "er" / "est").mkdir(parents=True)
    (notes / "data" / "big").mkdir()
    (notes / "data" / "nested").mkdir()
    (notes / "runs" / "1").mkdir(parents=True)
    (notes / "runs2").mkdir()
    (notes / "small.txt").write_text("small\n")
    (notes / "small2.txt").write_text("small\n")
    for name in ("big.bin", "big2.bin", "big3.bin"):
        (notes / name).write_bytes(os.urandom(BIG))
    (notes / "data" / "labels.csv").write_text("a,b\n")
    (notes / "data" / "labels2.csv").write_text("a,b\n")
    (notes / "data" / "deep" / "er" / "est" / "x.csv").write_text("1,2\n")
    (notes / "data" / "big" / "weights.bin").write_bytes(os.urandom(BIG))
    (notes / "data" / "nested" / "model.pt").write_bytes(os.urandom(BIG))
    (notes / "runs" / "1" / "log.txt").write_text("epoch 1\n")
    (notes / "runs2" / "log.txt").write_text("epoch 1\n")
    torch.save(torch.ones(3), notes / "model.pt")


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_the_repository_is_byte_identical_after_notes_that_write_everywhere(
    pytester: pytest.Pytester, write_note: WriteNote, workers: list[str]
) -> None:
    notes = pytester.path / "notes"
    make_folder(notes)
    real = os.path.realpath(notes)
    write_note(DAMAGE.replace("BIG", str(BIG)).replace("REAL", real), "a_damage.md")
    write_note(READ_BACK.replace("BIG", str(BIG)), "b_read_back.md")
    write_note(READ_BACK.replace("BIG", str(BIG)), "c_read_back_again.md")
    before = tree(pytester.path)
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", *workers)
    result.assert_outcomes(passed=3)
    after = tree(pytester.path)
    assert {
        name: value for name, value in after.items() if not name.startswith("basetemp")
    } == before


def test_a_note_folder_in_a_crowded_folder_still_reads_and_never_writes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    notes = pytester.path / "notes"
    make_folder(notes)
    for index in range(120):  # more entries than are copied whole
        (notes / f"extra{index}.txt").write_text(str(index))
    write_note(
        """\
        ```python
        import os, shutil
        print(open("data/labels.csv").read().strip(), os.path.exists("extra" + "5.txt"))
        shutil.rmtree("data/")
        _ = open("big.bin", "w").write("x")
        === output ===
        a,b False
        ```
        """
    )
    before = tree(pytester.path)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    after = tree(pytester.path)
    assert {
        name: value for name, value in after.items() if not name.startswith("basetemp")
    } == before


def test_in_place_runs_are_not_guarded(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        f"""\
        ```python
        open({str(pytester.path / "notes" / "written.txt")!r}, "w").write("x")
        ```
        """
    )
    pytester.runpytest("--torchnotes-isolate-cwd=false").assert_outcomes(passed=1)
    assert (pytester.path / "notes" / "written.txt").read_text() == "x"


def test_tmpdir_as_rootdir(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (A short name: the test's folder is the temporary folder here, and the path of the
    # socket of DataLoader's workers in it must stay under 108 bytes.)
    # A block that leaves a process running gets a fresh file for fd 1 after it, made in
    # the temporary folder; when that folder holds the project (TMPDIR=/tmp/work, the project
    # in /tmp/work/project), the guard must not refuse the session's own unnamed file, nor a
    # refusal break the notes after it.
    monkeypatch.setattr(tempfile, "tempdir", str(pytester.path))
    monkeypatch.setenv("HOME", str(pytester.path.parent))  # pytester's HOME disarms the guard
    write_note(
        """\
        ```python
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
        ```

        ```python
        print(child.wait())
        === output ===
        0
        ```
        """,
        "a.md",
    )
    write_note(
        """\
        ```python
        print(2 + 2)
        === output ===
        4
        ```
        """,
        "b.md",
    )
    # DataLoader workers send tensors through a socket in a folder made by multiprocessing
    # in the temporary folder: refused, they hung until the time limit.
    write_note(
        """\
        ```python
        import torch
        from torch.utils.data import DataLoader
        for batch in DataLoader(list(range(4)), batch_size=2, num_workers=2):
            print(batch)
        === output ===
        tensor([0, 1])
        tensor([2, 3])
        ```
        """,
        "c.md",
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-timeout=30")
    result.assert_outcomes(passed=3)
    assert "refused" not in result.stdout.str()


def test_a_file_another_note_wrote_is_missing_and_the_failure_says_why(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nimport torch\ntorch.save(torch.ones(2), 'weights.pt')\n```\n", "01-save.md"
    )
    write_note("```python\nimport torch\nprint(torch.load('weights.pt'))\n```\n", "02-load.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/02-load.md:1: block 1: the block raised FileNotFoundError: *'weights.pt'*",
            "  notes run in a scratch copy of their folder (torchnotes_isolate_cwd, on by "
            "default): a file that another note writes is not in this note's copy; write it in "
            "this note, or run the notes in their own folder with --torchnotes-isolate-cwd=false;"
            " if no note writes 'weights.pt' (an example that only names a file), make it in a"
            " block above or a setup comment, or mark the block <!-- torchnotes: skip needs"
            " 'weights.pt' -->",
        ]
    )
    assert (
        pytester.runpytest("-p", "no:randomly", "--torchnotes-isolate-cwd=false").ret
        == pytest.ExitCode.OK
    )
    (pytester.path / "notes" / "weights.pt").unlink()


def test_a_missing_absolute_path_says_nothing_of_scratch_copies(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nopen('/nonexistent/x.txt')\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert "scratch copy" not in result.stdout.str()


@pytest.mark.parametrize(
    "writer",
    [
        "```python\n!python make.py > data.txt\n```\n",
        "```python\n%%writefile data.txt\nhello\n```\n",
        "<!-- torchnotes: skip slow -->\n```python\nopen('data.txt', 'w').write('hello')\n```\n",
    ],
)
def test_a_file_a_line_not_run_names_gets_the_follow_on_hint_alone(
    pytester: pytest.Pytester, write_note: WriteNote, writer: str
) -> None:
    write_note(f"{writer}\n```python\nprint(open('data.txt').read())\n```\n", dedent=False)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  follows from *'data.txt', which this block does not find*"])
    assert "scratch copy" not in result.stdout.str()


def test_notes_run_in_their_folder_are_not_told_of_scratch_copies(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nimport torch\nprint(torch.load('weights.pt'))\n```\n")
    for flags in ([], ["--torchnotes-isolate-cwd=false"]):
        result = pytester.runpytest("-p", "no:randomly", *flags)
        result.assert_outcomes(failed=1)
        assert ("scratch copy" in result.stdout.str()) == (not flags)
