"""End to end: output written as comments after a block's code, and the dashed marker."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.commands.cli import main
from tests.conftest import WriteNote, block_counts

COMMENTED = """\
# Output as comments

```python
import torch
x = torch.ones(2)
print(x)
# 输出：
# tensor([1., 1.])
```

Prose that stays.

> ```python
> print(x.sum())
> print("a")
> # Output:
> # tensor(3.)
> # a
> ```

```python
print(x.shape)  # a remark on the print line

#> torch.Size([2])
```
"""


def test_comment_output_is_a_warning_and_the_block_is_not_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(COMMENTED)
    result = pytester.runpytest()
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md:7: output written as comments after `# 输出：` is"
            " not compared: put it in an output fence after the block (or under the"
            " `======== output ==========` marker); set torchnotes_comment_output"
            " (--torchnotes-comment-output) to read it*",
        ]
    )
    out = result.stdout.str()
    assert "notes/note.md:16: output written as comments after `# Output:`" in out
    assert "notes/note.md:24: output written as `#>` comments is not compared" in out


def test_torchnotes_check_reports_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "note.md"
    note.write_text(COMMENTED, encoding="utf-8")
    assert main(["check", str(note)]) == 1
    out, err = capsys.readouterr()
    assert [line.split(": output written")[0] for line in out.splitlines()] == [
        f"{note}:7: warning",
        f"{note}:16: warning",
        f"{note}:24: warning",
    ]
    assert err == "1 note checked: 0 errors, 3 warnings\n"
    (tmp_path / "pytest.ini").write_text("[pytest]\ntorchnotes_comment_output = true\n")
    assert main(["check", str(note)]) == 0
    assert capsys.readouterr() == ("1 note checked, no problems\n", "")


def test_read_comment_output_is_compared_and_updated_as_comments(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(COMMENTED)
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_comment_output = true\n")
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*notes/note.md:13: block 2*", "*-tensor(3.)", "*+tensor(2.)"])
    assert "TorchnotesWarning" not in result.stdout.str()
    assert block_counts(result) == {"verified": 2, "failed": 1}
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    expected = COMMENTED.replace("> # tensor(3.)", "> # tensor(2.)")
    assert note.read_text(encoding="utf-8") == expected
    second = pytester.runpytest("--torchnotes-update")
    assert second.ret == 0
    assert "torchnotes update" not in second.stdout.str()
    assert note.read_text(encoding="utf-8") == expected


def test_the_flag_twin_reads_it_and_update_writes_new_lines_with_the_prefix(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note("```python\nprint(1)\nprint()\nprint(2)\n#> 1\n```\n")
    assert pytester.runpytest("--torchnotes-comment-output").ret == 1
    pytester.runpytest("--torchnotes-comment-output", "--torchnotes-update")
    assert (
        note.read_text(encoding="utf-8")
        == "```python\nprint(1)\nprint()\nprint(2)\n#> 1\n#>\n#> 2\n```\n"
    )
    assert pytester.runpytest("--torchnotes-comment-output").ret == 0


def test_update_fills_a_label_with_nothing_under_it_and_empties_it_again(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note("```python\nprint(1)\n# 输出：\n```\n")
    assert pytester.runpytest("--torchnotes-comment-output").ret == 1
    pytester.runpytest("--torchnotes-comment-output", "--torchnotes-update")
    assert note.read_text(encoding="utf-8") == "```python\nprint(1)\n# 输出：\n# 1\n```\n"
    note.write_text("```python\nx = 1\n# 输出：\n# 1\n```\n", encoding="utf-8")
    pytester.runpytest("--torchnotes-comment-output", "--torchnotes-update")
    assert note.read_text(encoding="utf-8") == "```python\nx = 1\n# 输出：\n```\n"
    assert pytester.runpytest("--torchnotes-comment-output").ret == 0


def test_a_dashed_marker_is_read(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        "---\ntitle: t\n---\n\n---\n\n```python\nprint(2)\n---------- output ----------\n3\n```\n"
    )
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*notes/note.md:7: block 1*", "*-3", "*+2"])
    assert "TorchnotesWarning" not in result.stdout.str()


def test_a_marker_the_configured_marker_does_not_match_is_named_in_the_syntax_error(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("# T\n\n```python\nprint(2)\n---------- output ----------\n2\n```\n")
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_marker = ^=== out ===$\n")
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:3: block 1*SyntaxError*",
            "*line 5 looks like an output marker: '---------- output ----------', but the"
            " configured marker does not match it: set torchnotes_marker (--torchnotes-marker)"
            " to a pattern that does",
        ]
    )


def test_output_on_a_label_s_comment_line_is_read_compared_and_not_rewritten(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = "```python\nimport torch\nprint(torch.ones(2).sum())\n# 得到结果tensor(3.)\n```\n"
    path = write_note(text, dedent=False)
    result = pytester.runpytest("-W", "default")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*note.md:4: output written on the label comment `# 得到结果tensor(3.)` is not compared*"]
    )
    result = pytester.runpytest("--torchnotes-comment-output")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*note.md:1: block 1*value drift*", "*expected 3., got 2.*"])
    result = pytester.runpytest("--torchnotes-comment-output", "--torchnotes-update")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Not updated: line 1: the output is written on its label's*"])
    assert path.read_text(encoding="utf-8") == text
    write_note(text.replace("tensor(3.)", "tensor(2.)"), dedent=False)
    pytester.runpytest("--torchnotes-comment-output").assert_outcomes(passed=1)
