"""``torchnotes check``: one test per problem it reports, with the exact message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pytest_torchnotes.commands.check import check
from pytest_torchnotes.commands.cli import main
from pytest_torchnotes.notefiles import note_files

ROOT = Path(__file__).parent.parent


def findings(tmp_path: Path, text: str | bytes) -> list[str]:
    note = tmp_path / "note.md"
    if isinstance(text, bytes):
        note.write_bytes(text)
    else:
        note.write_text(text, encoding="utf-8")
    return [str(finding) for finding in check([str(note)])]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "```python\nprint(1)\n",
            "1: code fence ```python is never closed (add a line ``` after its last line)",
        ),
        (
            "Prose.\n\n=== output ===\n1\n",
            "3: warning: output marker outside a code block: its block is not run with it "
            "(is a fence missing or misplaced?)",
        ),
        (
            "<!-- torchnotes: skp x -->\n```python\nx = 1\n```\n",
            "1: unknown torchnotes directive 'skp': expected one of skip, xfail, raises, "
            "requires, compare, timeout, warns, output, setup",
        ),
        (
            "<!-- torchnotes: timeout soon -->\n```python\nx = 1\n```\n",
            "1: timeout: 'soon' is not a number of seconds",
        ),
        (
            "<!-- torchnotes: requires torch>>2 -->\n```python\nx = 1\n```\n",
            "1: requires: 'torch>>2' is not a valid requirement: Expected semicolon (after name "
            "with no version specifier) or end",
        ),
        (
            "```python2\nx = 1\n```\n",
            "1: warning: ```python2 looks like Python but is not run: only blocks marked doctest, "
            "ipython, ipython3, py, py3, pycon, python, python-console, python-repl, python3 are; "
            "add python2 to torchnotes_languages (--torchnotes-languages='python py python3 py3 "
            "ipython ipython3 pycon python-console python-repl doctest python2') to run it, or "
            "mark it "
            "text to silence this",
        ),
        (
            "<!-- torchnotes: skip why -->\n\nProse.\n\n```python\nx = 1\n```\n",
            "1: directive must come directly before its block: line 3 is in between",
        ),
        (
            "Text <!-- torchnotes: skip x --> here.\n",
            "1: a torchnotes directive must start its own line, before a block",
        ),
        (
            "<!-- never closed\n",
            "1: HTML comment is never closed: everything after it is hidden (add --> where the "
            "comment ends)",
        ),
        (
            "# T\n\n```python\nnext(iterable[, default])\n```\n",
            "4: block 1 ('T') is not valid Python: invalid syntax (it reads as a function's "
            "signature ('next(iterable[, default])'), not code: tag the fence ```text instead; "
            "or mark it <!-- torchnotes: skip why --> if it is not meant to run)",
        ),
        (
            "```py\n#include <torch/script.h> // One-stop header.\n\nint main() {}\n```\n",
            "4: block 1 is not valid Python: invalid syntax (it reads as C++ ('#include "
            "<torch/script.h> // One-stop he'): tag the fence ```cpp instead; or mark it "
            "<!-- torchnotes: skip why --> if it is not meant to run)",
        ),
        (
            "```python\nimport torch\na = torch.sin(torch.zeros(1))\n>> a = [0]\n```\n",
            "4: block 1 is not valid Python: invalid syntax (line 4 writes what the code gives "
            "after an arrow (`>> a = [0]`), which is not Python: put # before the arrow to keep "
            "it as a remark, or, where it is what the block prints, move it under the block in "
            "an output fence (```output) to compare it; or mark it <!-- torchnotes: skip why --> "
            "if it is not meant to run)",
        ),
        (
            b"ok\n\xff\n",
            "2: not valid UTF-8: byte 0xff at column 1 (save the note as UTF-8)",
        ),
    ],
)
def test_each_problem(tmp_path: Path, text: str | bytes, message: str) -> None:
    assert findings(tmp_path, text) == [f"{tmp_path / 'note.md'}:{message}"]


def test_skipped_blocks_are_not_compiled(tmp_path: Path) -> None:
    assert findings(tmp_path, "<!-- torchnotes: skip x -->\n```python\nnext(a[, b])\n```\n") == []


def test_a_clean_note_has_no_findings(tmp_path: Path) -> None:
    assert findings(tmp_path, (ROOT / "notes" / "pytorch-fragments.md").read_text()) == []


def test_folders_are_searched(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_text("")
    (tmp_path / "a" / "y.markdown").write_text("")
    (tmp_path / "a" / "z.txt").write_text("")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "w.md").write_text("")
    assert sorted(path.name for path in note_files([str(tmp_path)])) == ["x.md", "y.markdown"]
    assert [path.name for path in note_files([str(tmp_path)], ["*.txt"])] == ["z.txt"]


def test_the_project_configuration_says_which_files_are_notes_and_how_they_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.note").write_text("Prose.\n\n--- out ---\n1\n")
    (notes / "b.md").write_text("```python\nprint(1\n```\n")
    assert main(["check", str(notes)]) == 1
    assert capsys.readouterr().err == "1 note checked: 1 error, 0 warnings\n"
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\ntorchnotes_patterns = *.note\ntorchnotes_marker = ^--- out ---$\n"
    )
    assert main(["check", str(notes)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"{notes / 'a.note'}:3: warning: output marker outside a code block")
    assert err == "1 note checked: 0 errors, 1 warning\n"
    (tmp_path / "pytest.ini").write_text("[pytest]\ntorchnotes_timeout = soon\n")
    assert main(["check", str(notes)]) == 2
    assert capsys.readouterr().err.startswith("torchnotes check: torchnotes_timeout in pytest.ini")


def test_a_pyproject_configuration_gives_the_note_patterns_as_a_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ntorchnotes_patterns = ["*.txt", "*.md"]\n'
    )
    (tmp_path / "a.txt").write_text("```python\nprint(1)\n```\n")
    (tmp_path / "b.md").write_text("```python\nprint(1)\n```\n")
    (tmp_path / "c.markdown").write_text("```python\nprint(1)\n```\n")
    assert main(["check", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "2 notes checked, no problems\n"


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.md"
    good.write_text("```python\nprint(1)\n```\n")
    assert main(["check", str(good)]) == 0
    assert capsys.readouterr() == ("1 note checked, no problems\n", "")
    assert main(["check", str(good), str(good)]) == 0
    assert capsys.readouterr() == ("2 notes checked, no problems\n", "")
    bad = tmp_path / "bad.md"
    bad.write_text("```python2\nx\n```\n<!-- torchnotes: nope -->\n")
    assert main(["check", str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{bad}:1: warning: ```python2 looks like Python but is not run: only blocks marked "
        "doctest, ipython, ipython3, py, py3, pycon, python, python-console, python-repl, "
        "python3 are; add python2 to torchnotes_languages (--torchnotes-languages='python py "
        "python3 py3 ipython ipython3 pycon python-console python-repl doctest python2') to run "
        "it, "
        "or mark it text to silence this",
        f"{bad}:4: unknown torchnotes directive 'nope': expected one of skip, xfail, raises, "
        "requires, compare, timeout, warns, output, setup",
    ]
    assert err == "2 notes checked: 1 error, 1 warning\n"
    assert main(["check", str(tmp_path / "missing.md")]) == 1
    assert capsys.readouterr().out == f"{tmp_path / 'missing.md'}:1: no such file\n"


def test_the_pre_commit_hook_runs_the_command() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["entry"] == "torchnotes check"
    assert hook["types"] == ["markdown"]


def test_syntax_errors_are_reported_beside_structural_errors(tmp_path: Path) -> None:
    text = "<!-- torchnotes: skp x -->\n\n# T\n\n```python\nnext(iterable[, default])\n```\n"
    assert [line.split(":", 2)[1] for line in findings(tmp_path, text)] == ["1", "6"]
    assert "is not valid Python" in findings(tmp_path, text)[1]


def test_a_note_skipped_in_its_front_matter_is_not_compiled(tmp_path: Path) -> None:
    text = "---\ntorchnotes:\n  skip: pseudo-code\n---\n\n```python\nnext(a[, b])\n```\n"
    assert findings(tmp_path, text) == []
    assert len(findings(tmp_path, text.replace("  skip: pseudo-code\n", "  seed: 1\n"))) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "```python\nprint(1)\n```\n\n```\n1\n```\n",
            "5: warning: fence without info string after the block at line 1 looks like its "
            "output but is not read: put a label line such as 输出： or Output: above it, or "
            "read such fences with --torchnotes-output-fence='output out stdout result bare'",
        ),
        (
            "```python\n>>> x = 1\n\nx\n```\n",
            "4: code not behind a >>> prompt in the transcript at line 1: doctest takes it for "
            "prose and never runs it (put >>> before it, or, if it is output, write "
            "<BLANKLINE> for the blank line above it)",
        ),
    ],
)
def test_unread_output_and_stray_transcript_code(tmp_path: Path, text: str, message: str) -> None:
    assert findings(tmp_path, text) == [f"{tmp_path / 'note.md'}:{message}"]


def test_magics_are_checked_as_they_run(tmp_path: Path) -> None:
    """Magics that run (or are left out) are no syntax error; one that keeps its block from
    running is a warning naming its line."""
    assert findings(
        tmp_path, (ROOT / "tests" / "samples" / "magics" / "notebook.md").read_text()
    ) == [
        f"{tmp_path / 'note.md'}:38: warning: block 4 ('From a notebook') is not run: "
        "IPython magic %run "
        "is not Python (mark it <!-- torchnotes: skip IPython magic %run --> to say so)"
    ]


@pytest.mark.parametrize(
    "expects",
    ["```{python}\n#| error: true\n", "<!-- torchnotes: raises SyntaxError -->\n```python\n"],
)
def test_a_syntax_error_the_block_is_expected_to_raise_is_no_problem(
    tmp_path: Path, expects: str
) -> None:
    """The plugin runs such a block and it passes: check agrees."""
    assert findings(tmp_path, f'{expects}print("unclosed\n```\n') == []


@pytest.mark.parametrize(
    "expects",
    ["<!-- torchnotes: raises KeyError -->\n```{python}\n#| error: true\n", "```python\n"],
)
def test_a_syntax_error_nothing_expects_is_reported(tmp_path: Path, expects: str) -> None:
    (finding,) = findings(tmp_path, f'{expects}print("unclosed\n```\n')
    assert "is not valid Python: unterminated string literal" in finding
