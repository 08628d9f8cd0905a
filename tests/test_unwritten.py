"""A block that opens a file a line above it, not run, would have written: a follow-on."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.commands.cli import main
from pytest_torchnotes.run.unwritten import Seen, missing_file, writer
from tests.conftest import WriteNote

SAMPLES = Path(__file__).parent / "samples" / "unwritten"


@pytest.mark.parametrize(
    ("message", "name"),
    [
        ("[Errno 2] No such file or directory: 'data/train.csv'", "train.csv"),
        ("[Errno 2] No such file or directory: 'model.pt'", "model.pt"),
        ("./libdemo.so: cannot open shared object file: No such file or directory", "libdemo.so"),
        ("[Errno 2] No such file or directory: 'out/'", "out"),
        ("mat1 and mat2 shapes cannot be multiplied", None),
    ],
)
def test_the_file_a_message_misses(message: str, name: str | None) -> None:
    assert missing_file(message) == name


def test_the_first_line_not_run_that_names_the_file() -> None:
    blocks = [
        Seen("!wget https://example.org/data.csv", 2, None, "block 1"),
        Seen("import torch\n!curl -o data.csv https://example.org/x", 8, None, "block 2"),
        # a line that ran names it too, but ran: not a cause
        Seen("path = 'data.csv'", 14, None, "block 3"),
        Seen("torch.save(model, 'model.pt')", 20, "requires cuda: no CUDA device", "block 4"),
    ]
    found = writer("data.csv", blocks)
    assert found is not None
    assert (found.line, found.label, found.why) == (2, "the shell escape !wget", "which is not run")
    skipped = writer("model.pt", blocks)
    assert skipped is not None
    assert (skipped.line, skipped.label) == (20, "block 4")
    assert skipped.why == "which was skipped: requires cuda: no CUDA device"
    # a longer name, or one a line names only as part of another, is another file
    assert writer("data.cs", blocks) is None
    assert writer("csv", blocks) is None


def test_blocks_that_miss_a_file_not_made_follow_on(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note((SAMPLES / "shell_built.md").read_text(encoding="utf-8"), dedent=False)
    result = pytester.runpytest("--torchnotes-indented-output")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:14: block 3 (*): the block raised OSError: ./libdemo.so: cannot open "
            "shared object file: No such file or directory (exception)",
            "  follows from the shell escape !cc (line 11), which is not run; it names "
            "'libdemo.so', which this block does not find: make the file before the run, or "
            "mark the blocks that use it <!-- torchnotes: skip needs libdemo.so -->",
            "*",
            "notes/note.md:22: block 4 (*): the block raised FileNotFoundError: *'demo.c' "
            "(exception)",
            "  follows from block 1 (line 4), which was skipped: line 4: IPython magic "
            "%%writefile is not Python*; it names 'demo.c'*",
        ]
    )
    # a file that no line above names is the block's own failure
    block5 = [line for line in result.stdout.lines if line.startswith("notes/note.md:29:")]
    assert block5
    assert "follows" not in block5[0]
    assert "block 3 (line 14): follows from the shell escape !cc (line 11)" not in (
        result.stdout.str()
    )
    result.stdout.fnmatch_lines(
        ["*5 blocks: 1 verified, 1 failed (1 exception), 2 follow-on, 1 skipped*"]
    )


def test_triage_skips_what_needs_a_file_not_made_and_the_note_then_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pytest.ini").write_text("[pytest]\ntorchnotes_indented_output = true\n")
    text = (SAMPLES / "shell_built.md").read_text(encoding="utf-8")
    # the last block's file is named by no line: real drift, left out here
    note = tmp_path / "built.md"
    note.write_text(text[: text.index("```python\nopen(")], encoding="utf-8")
    main(["triage", "--write", "built.md"])
    out = capsys.readouterr().out
    assert "follow-on       2  built.md:14, built.md:22" in out
    after = note.read_text(encoding="utf-8")
    assert (
        "<!-- torchnotes: skip needs libdemo.so, which the shell escape !cc at line 11 makes "
        "and the run does not -->\n```python\nimport ctypes" in after
    )
    assert (
        "<!-- torchnotes: skip needs demo.c, which block 1 at line 4 makes and the run does "
        "not -->\n```python\nwith open" in after
    )
    assert main(["triage", "built.md"]) == 0
    assert "nothing to triage" in capsys.readouterr().out
